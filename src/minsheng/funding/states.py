"""A funding plan's life and the only moves between its states, in one table.

Every move is a conditional UPDATE (`WHERE state IN sources`), so two clicks or two officers leave one winner; the
loser gets a clear message and nothing changes. The caller records the audit event in the same transaction.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from minsheng.funding.models import FundingPlan

State = FundingPlan.State

# target -> the states it may be reached from, and the clause the step implements
TRANSITIONS: dict[str, tuple[frozenset, str]] = {
    State.PROPOSED: (frozenset({State.DRAFT}), "M17"),       # one officer proposes
    State.DRAFT: (frozenset({State.PROPOSED}), "M17"),       # another returns it for changes
    State.NOTICE: (frozenset({State.PROPOSED}), "M17"),      # another approves: published for public notice
    State.DECIDED: (frozenset({State.NOTICE}), "M17"),       # after the notice: the projects are approved (立项)
}


class TransitionRefused(ValidationError):
    pass


def clause_of(target: str) -> str:
    return TRANSITIONS[target][1]


def move(plan: FundingPlan, target: str, **fields) -> str:
    """Change the state (and `fields`) only if the plan is still in an allowed source state; return the old state."""
    sources = TRANSITIONS[target][0]
    old = plan.state
    changed = FundingPlan.objects.filter(pk=plan.pk, state__in=sources).update(state=target, **fields)
    plan.refresh_from_db()
    if not changed:
        raise TransitionRefused(
            _("This funding plan is now “%(state)s”, so it cannot become “%(target)s”. Nothing was changed; reload "
              "the page to see its current state.")
            % {"state": plan.get_state_display(), "target": State(target).label},
            code="stale")
    return old
