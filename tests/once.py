"""Money-moving forms carry a one-time token (core/once.py); tests that post them as a drawn form would."""

import re


def drawn(data=None) -> dict:
    """POST data as a form drawn by the platform sends it: with a fresh one-time token."""
    from minsheng.core import once  # imports models: not at collection time (the permission rows import this)

    return {**(data or {}), once.FIELD: once.new_token()}


def token_in(html: str, form_marker: str) -> str:
    """The one-time token of the form marked `form_marker` (an attribute such as `data-ms-approve="2"`) on a page."""
    form = re.search(rf"<form[^>]*{re.escape(form_marker)}[^>]*>(.*?)</form>", html, re.S)
    assert form, f"no form {form_marker} on the page"
    token = re.search(r'name="one_time_token" value="([^"]+)"', form.group(1))
    assert token, f"the form {form_marker} carries no one-time token"
    return token.group(1)
