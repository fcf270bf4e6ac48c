"""An application's life: its states and the only transitions allowed between them, in one table.

Every change of state goes through `move`, a conditional UPDATE (`WHERE state IN sources`): two officers
deciding at once, or a withdrawal racing the start of the formal check, cannot both win; the loser gets a
clear message and nothing changes. The caller records the audit event in the same transaction.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from minsheng.applications.models import Application

State = Application.State

# target -> the states it may be reached from, and the clause the step implements
TRANSITIONS: dict[str, tuple[frozenset, str]] = {
    State.SUBMITTED: (frozenset({State.DRAFT, State.RETURNED}), "M17"),    # submit, or resubmit a correction
    State.WITHDRAWN: (frozenset({State.DRAFT, State.SUBMITTED, State.RETURNED}), "M17"),  # until the check starts
    State.IN_CHECK: (frozenset({State.SUBMITTED}), "M17"),                  # the officer starts the formal check
    State.PASSED: (frozenset({State.SUBMITTED, State.IN_CHECK}), "M17"),
    State.RETURNED: (frozenset({State.SUBMITTED, State.IN_CHECK}), "M17"),
    State.REJECTED: (frozenset({State.SUBMITTED, State.IN_CHECK}), "M17"),
}

EDITABLE = frozenset({State.DRAFT, State.RETURNED})   # the applicant may change the content


class TransitionRefused(ValidationError):
    pass


def sources_of(target: str) -> frozenset:
    return TRANSITIONS[target][0]


def clause_of(target: str) -> str:
    return TRANSITIONS[target][1]


def can_move(application: Application, target: str) -> bool:
    return target in TRANSITIONS and application.state in sources_of(target)


@transaction.atomic
def move(application: Application, target: str, **fields) -> str:
    """Change the state (and `fields`) only if the row is still in an allowed source state; return the old state.

    Raises TransitionRefused, naming the state the application is in now, when someone else moved it first.
    The version is raised, so an open edit form made before the move cannot save over it.
    """
    sources = sources_of(target)
    current = Application.objects.select_for_update().filter(pk=application.pk).values_list("state", flat=True).first()
    changed = Application.objects.filter(pk=application.pk, state__in=sources).update(
        state=target, version=F("version") + 1, **fields)
    if not changed:
        application.refresh_from_db()
        raise TransitionRefused(
            _("This application is now “%(state)s”, so it cannot become “%(target)s”. Nothing was changed; reload "
              "the page to see its current state.")
            % {"state": application.get_state_display(), "target": State(target).label},
            code="stale",
        )
    application.refresh_from_db()
    return current
