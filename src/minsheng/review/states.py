"""The states of an expert in the pool, an assignment, a review and a review panel, and the only transitions
allowed between them (M17), one table per model.

Every change of state goes through `core.workflow.move` (or `move_many` for a call's many assignments at once), a
conditional UPDATE (`WHERE state IN sources`): two officers, or an officer and an expert, acting at once cannot
both win; the loser gets a clear message and nothing changes. The move writes the audit event.
"""

from django.utils.translation import gettext_lazy as _

from minsheng.core.workflow import Transition, Workflow, register
from minsheng.review import rules, work_rules  # noqa: F401  (registers the permissions the tables name)
from minsheng.review.models import Assignment, ExpertProfile, Panel, Review

Expert = ExpertProfile.State
Pair = Assignment.State
Written = Review.State
Meeting = Panel.State

# Officers manage the pool: approve an invited expert, suspend (with a reason) and reinstate.
EXPERT = register(Workflow(ExpertProfile, [
    Transition("approve", {Expert.INVITED}, Expert.ACTIVE, "review.manage_pool", "M17"),
    Transition("suspend", {Expert.ACTIVE}, Expert.SUSPENDED, "review.manage_pool", "M17"),
    Transition("reinstate", {Expert.SUSPENDED}, Expert.ACTIVE, "review.manage_pool", "M17"),
], prefix="review.expertprofile", stale=_("This expert is now “%(state)s”, so the step to “%(target)s” "
                                          "cannot be taken. Nothing was changed; reload the page to see the "
                                          "current state.")))

# A pair proposed by the solver is published by the officer; the expert accepts or declines it; submitting the
# review completes it; an officer replaces a reviewer whose deadline passed (expired).
ASSIGNMENT = register(Workflow(Assignment, [
    Transition("publish", {Pair.PROPOSED}, Pair.PUBLISHED, "review.assign", "M17"),
    Transition("accept", {Pair.PUBLISHED}, Pair.ACCEPTED, "review.respond", "M17"),
    Transition("decline", {Pair.PUBLISHED}, Pair.DECLINED, "review.respond", "M17"),
    Transition("complete", {Pair.ACCEPTED}, Pair.COMPLETED, "review.write_review", "M17"),
    Transition("expire", {Pair.PUBLISHED, Pair.ACCEPTED}, Pair.EXPIRED, "review.assign", "M17"),
], prefix="review.assignment", stale=_("This review assignment is now “%(state)s”, so the step to "
                                       "“%(target)s” cannot be taken. Nothing was changed; reload the page to see "
                                       "its current state.")))

# The expert submits the review once; a submitted review never changes.
REVIEW = register(Workflow(Review, [
    Transition("submit", {Written.DRAFT}, Written.SUBMITTED, "review.write_review", "M17"),
], prefix="review.review", stale=_("This review is now “%(state)s”, so the step to “%(target)s” cannot be taken. "
                                   "Nothing was changed; reload the page to see its current state.")))

# The officer opens the panel's session, then freezes its final ranking; nothing changes after that.
PANEL = register(Workflow(Panel, [
    Transition("open", {Meeting.CONVENED}, Meeting.IN_SESSION, "review.manage_panel", "M17"),
    Transition("freeze", {Meeting.IN_SESSION}, Meeting.FROZEN, "review.manage_panel", "M17"),
], prefix="review.panel", stale=_("This review panel is now “%(state)s”, so the step to “%(target)s” cannot be "
                                  "taken. Nothing was changed; reload the page to see its current state.")))
