"""The transfer rate's figures on a page (M18): a share as a percentage, "no data" where there is none."""

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def percent(share) -> str:
    """0.125 → "12.5%"; None (no accepted project, or nothing transferable) → "no data"."""
    if share is None:
        return _("no data")
    return f"{(Decimal(share) * 100).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"
