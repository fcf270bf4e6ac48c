"""What waits in the problem intake (M05): problems received and not yet triaged by an officer."""

from django.utils.translation import gettext_lazy as _

from minsheng.core.inbox import WaitingItem, item, tally
from minsheng.core.roles import is_staff_officer
from minsheng.problems.models import Problem
from minsheng.problems.services import problems_for


def waiting_for(user) -> list[WaitingItem]:
    if not is_staff_officer(user):
        return []
    new = problems_for(user).filter(state=Problem.State.NEW)
    return [item("problems.triage", _("Problems to triage"), tally(new), many="problems:list", one="problems:detail",
                 query="state=new", clause="M05")]
