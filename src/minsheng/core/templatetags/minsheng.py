
from django import template
from django.utils.html import format_html

from minsheng.core import labels, money, once, personal, queries, readable, vocabulary
from minsheng.core.audit import history_for

register = template.Library()


@register.inclusion_tag("core/_history.html")
def audit_history(instance, limit=50):
    """The object's own history, newest first, one short sentence per change: `{% audit_history object %}`."""
    return {"items": readable.read(history_for(instance)[:limit])}


@register.filter
def action_label(code: str) -> str:
    """An action code (`contracts.tranche.pay`) in the page's language."""
    return vocabulary.action_text(code)


@register.filter
def hide_personal(text: str) -> str:
    """Text from the audit trail with people's contact details hidden (events older than the tokens hold some)."""
    return personal.hide(text)


@register.simple_tag
def personal_data_erasure(instance):
    """The event that erased the record's personal data on request, if any (for a note where they were)."""
    return history_for(instance).filter(action__endswith=".erase").order_by("-seq").first()


@register.simple_tag
def one_time_token():
    """The hidden field that makes a money-moving form recorded once (core/once.py): a new token each time the form
    is drawn, so nothing is stored until the form is sent."""
    return format_html('<input type="hidden" name="{}" value="{}">', once.FIELD, once.new_token())


@register.simple_tag
def yuan_to_wan(value):
    """元 shown as 万元 with 2 decimals (officers think in 万元; money is stored in 元): core.money.wan."""
    return money.wan(value)


@register.filter
def model_label(target_type: str) -> str:
    """`registry.organisation` → the model's name in the page's language."""
    return queries.model_label(target_type)


@register.filter
def current_label(target_type: str) -> str:
    """The label a recorded kind of record has today (`calls.problem` → `problems.problem`, core/labels.py)."""
    return labels.current(target_type)
