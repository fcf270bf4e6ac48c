"""What waits in the expert review (M17): for officers, proposed pairs to publish and reviews past their deadline;
for an expert, invitations to answer and reviews to write, with their deadlines."""

from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from minsheng.core import clock
from minsheng.core.inbox import WaitingItem, item, tally
from minsheng.core.roles import is_expert, is_staff_officer
from minsheng.review.models import Assignment
from minsheng.review.queries import applications_visible_to_expert, calls_for_officer, own_profile

Pair = Assignment.State
DUE = Coalesce("due_at", "application__call__review_ends_at")


def _officer(user) -> list[WaitingItem]:
    pairs = Assignment.objects.filter(application__call__in=calls_for_officer(user))
    proposed = pairs.filter(state=Pair.PROPOSED)
    late = (pairs.filter(state__in=(Pair.PUBLISHED, Pair.ACCEPTED), due_at__lt=clock.now())
            .exclude(review__state="submitted"))
    return [
        item("review.publish", _("Reviewer assignments to publish"), tally(proposed, target="application__call_id"),
             many="review:assignment_calls", one="review:call_assignment", one_query="pair=proposed"),
        item("review.overdue", _("Overdue reviews to replace"),
             tally(late, target="application__call_id", deadline="due_at", overdue=Q(pk__isnull=False)),
             many="review:assignment_calls", one="review:call_assignment"),
    ]


def _expert(user) -> list[WaitingItem]:
    profile = own_profile(user)
    if profile is None:
        return []
    mine = Assignment.objects.filter(expert=profile, application__in=applications_visible_to_expert(user))
    now = clock.now()
    invitations = mine.filter(state=Pair.PUBLISHED).annotate(due=DUE)
    writing = mine.filter(state=Pair.ACCEPTED).exclude(review__state="submitted").annotate(due=DUE)
    return [
        item("review.respond", _("Review invitations to answer"), tally(invitations, deadline="due"),
             many="review:my_assignments"),
        item("review.write", _("Reviews to write"), tally(writing, deadline="due", overdue=Q(due__lt=now)),
             many="review:my_assignments"),
    ]


def waiting_for(user) -> list[WaitingItem]:
    if is_staff_officer(user):
        return _officer(user)
    if is_expert(user):
        return _expert(user)
    return []
