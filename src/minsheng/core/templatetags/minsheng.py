from django import template

from minsheng.core.audit import history_for

register = template.Library()


@register.inclusion_tag("core/_history.html")
def audit_history(instance, limit=50):
    """The object's own history, newest first: `{% audit_history object %}`."""
    return {"events": list(history_for(instance)[:limit])}


@register.simple_tag
def yuan_to_wan(value):
    """元 shown as 万元 with 2 decimals (officers think in 万元; money is stored in 元)."""
    if value in (None, ""):
        return ""
    from decimal import Decimal

    return f"{Decimal(value) / Decimal(10000):,.2f}"
