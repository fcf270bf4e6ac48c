"""What waits for an applicant's organisation (M17): drafts of calls that close soon, and applications the formal
check returned, with their correction deadline."""

import datetime

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from minsheng.applications.models import Application
from minsheng.applications.queries import applications_for
from minsheng.core import clock
from minsheng.core.inbox import WaitingItem, item, tally
from minsheng.core.roles import is_applicant


def waiting_for(user) -> list[WaitingItem]:
    if not is_applicant(user) or not user.organisation_id:
        return []
    now = clock.now()
    own = applications_for(user)
    soon = now + datetime.timedelta(days=settings.INBOX_DRAFT_DAYS)
    drafts = own.filter(state=Application.State.DRAFT, call__closes_at__gt=now, call__closes_at__lte=soon)
    returned = own.filter(state=Application.State.RETURNED)
    return [
        item("applications.drafts", _("Drafts to submit before the call closes"),
             tally(drafts, deadline="call__closes_at"), many="applications:list", one="applications:detail",
             query="state=draft"),
        item("applications.returned", _("Returned applications to correct"),
             tally(returned, deadline="correction_deadline", overdue=Q(correction_deadline__lt=now)),
             many="applications:list", one="applications:detail", query="state=returned"),
    ]
