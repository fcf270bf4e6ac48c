"""What waits in the outcomes (M19): the IP early warnings, annual fees falling due and rights whose term ends,
for the owning organisation and for the programme officers who watch them."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from minsheng.core import clock
from minsheng.core.inbox import WaitingItem, item, tally
from minsheng.core.roles import is_applicant, is_officer
from minsheng.outcomes.queries import expiry_warned, fee_warned, ip_assets_for


def waiting_for(user) -> list[WaitingItem]:
    if not (is_officer(user) or (is_applicant(user) and user.organisation_id)):
        return []
    today = clock.today()
    assets = ip_assets_for(user)
    return [
        item("outcomes.ip_fee", _("IP annual fees due"),
             tally(assets.filter(fee_warned(today)), deadline="next_fee_due", overdue=Q(next_fee_due__lt=today)),
             many="outcomes:list", one="outcomes:detail", query="warning=yes&sort=fee", clause="M19"),
        item("outcomes.ip_expiry", _("IP rights expiring"),
             tally(assets.filter(expiry_warned(today)), deadline="expires_on", overdue=Q(expires_on__lt=today)),
             many="outcomes:list", one="outcomes:detail", query="warning=yes", clause="M19"),
    ]
