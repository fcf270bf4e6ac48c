"""What waits in the calls (M17, M05): calls submitted for approval, for a second officer (never the drafter: four
eyes) or for an officer of a department that co-owns the call."""

from django.utils.translation import gettext_lazy as _

from minsheng.calls.models import Call
from minsheng.calls.queries import calls_for
from minsheng.core.inbox import WaitingItem, item, tally
from minsheng.core.roles import is_department_officer, is_staff_officer


def waiting_for(user) -> list[WaitingItem]:
    in_review = calls_for(user).filter(state=Call.State.IN_REVIEW)
    if is_staff_officer(user):
        rows = in_review.exclude(drafted_by=user)
        label, key = _("Calls to approve"), "calls.approve"
    elif is_department_officer(user) and user.department_id:
        rows = in_review.filter(co_owners=user.department_id).exclude(drafted_by=user)
        label, key = _("Calls to confirm"), "calls.confirm"
    else:
        return []
    return [item(key, label, tally(rows), many="calls:list", one="calls:detail",
                 query="state=in_review", clause="M17")]
