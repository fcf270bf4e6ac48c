"""What waits in the formal check (M17): submitted applications to check and checks started, by call."""

from django.utils.translation import gettext_lazy as _

from minsheng.applications.models import Application
from minsheng.checks.queries import applications_for
from minsheng.core.inbox import WaitingItem, item, tally
from minsheng.core.roles import is_admin, is_officer


def waiting_for(user) -> list[WaitingItem]:
    if not (is_officer(user) or is_admin(user)):
        return []
    waiting = applications_for(user).filter(state__in=(Application.State.SUBMITTED, Application.State.IN_CHECK))
    return [item("checks.check", _("Applications in the formal check"), tally(waiting, target="call_id"),
                 many="checks:call_list", one="checks:call_table")]
