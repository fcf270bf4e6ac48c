"""Rate limits: one helper and one rule for whom a limit counts.

`limited(request, group, rate)` counts one request against `group` at `rate` ("10/m", "30/h") and says whether
the caller is over it; the page then answers with core.views.rate_limited (429) and the API with its own error.
The counters are django-ratelimit's fixed windows in the shared cache (settings.CACHES), so every worker counts
the same requests.

Whom a limit counts (`caller`): the signed-in user (by account, whatever address they come from), otherwise the
client's address as `core.middleware.client_address` reads it, the address the sign-in lock-out counts (it
believes X-Forwarded-For only as far as TRUSTED_PROXY_COUNT says). The API's throttles count the same callers.
A limit about something else than the caller (the reset mails sent to one e-mail address) passes its own `key`.

Group names and rates stay where each page defines them; `EXPORT_RATE` is the one rate of the Excel exports.
"""

from collections.abc import Callable

from django_ratelimit.core import is_ratelimited

from minsheng.core.middleware import client_address

EXPORT_RATE = "10/m"


def caller(request) -> str:
    """Whom a limit counts: "user:<id>" when signed in, else "address:<client address>"."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return f"address:{client_address(request)}"


def _caller_key(group, request) -> str:
    return caller(request)


def limited(request, group: str, rate: str, *, key: Callable | None = None) -> bool:
    """Count this request in `group` and say whether it goes over `rate`; `key(group, request)` replaces the
    caller rule for a limit that counts something else."""
    return is_ratelimited(request, group=group, key=key or _caller_key, rate=rate, increment=True)
