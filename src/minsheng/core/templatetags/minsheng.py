import json
from decimal import Decimal

from django import template
from django.utils.html import format_html

from minsheng.core import once, queries
from minsheng.core.audit import history_for

register = template.Library()


@register.inclusion_tag("core/_history.html")
def audit_history(instance, limit=50):
    """The object's own history, newest first: `{% audit_history object %}`."""
    return {"events": list(history_for(instance)[:limit])}


@register.simple_tag
def one_time_token():
    """The hidden field that makes a money-moving form recorded once (core/once.py): a new token each time the form
    is drawn, so nothing is stored until the form is sent."""
    return format_html('<input type="hidden" name="{}" value="{}">', once.FIELD, once.new_token())


@register.simple_tag
def yuan_to_wan(value):
    """元 shown as 万元 with 2 decimals (officers think in 万元; money is stored in 元)."""
    if value in (None, ""):
        return ""
    return f"{Decimal(value) / Decimal(10000):,.2f}"


@register.filter
def model_label(target_type: str) -> str:
    """`registry.organisation` → the model's name in the page's language."""
    return queries.model_label(target_type)


def _shown(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


@register.filter
def audit_changes(event) -> list[dict]:
    """The fields an event touched, each with its old and new value as text ("" where there is none)."""
    old, new = event.old or {}, event.new or {}
    if not isinstance(old, dict) or not isinstance(new, dict):
        return [{"field": "", "old": _shown(event.old), "new": _shown(event.new)}]
    return [{"field": key, "old": _shown(old.get(key)), "new": _shown(new.get(key))}
            for key in sorted(old.keys() | new.keys())]
