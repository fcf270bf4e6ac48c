"""The states of a task book and of a disbursement tranche, and the only transitions allowed between them.

Every change of state goes through `move`, a conditional UPDATE (`WHERE state IN sources`): two people acting
at once cannot both win; the loser gets a clear message and nothing changes. The caller records the audit
event in the same transaction.
"""

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from minsheng.contracts.models import TaskBook, Tranche

Book = TaskBook.State
Money = Tranche.State

# target -> the states it may be reached from
BOOK_TRANSITIONS: dict[str, frozenset] = {
    Book.CONFIRMED: frozenset({Book.DRAFT}),         # the applicant confirms what it read
    Book.SIGNED: frozenset({Book.CONFIRMED}),        # the officer countersigns
    Book.SUPERSEDED: frozenset({Book.SIGNED}),       # a later version was signed
}
TRANCHE_TRANSITIONS: dict[str, frozenset] = {
    Money.PLANNED: frozenset({Money.REQUESTED}),     # finance returns the request to the officer, with a reason
    Money.REQUESTED: frozenset({Money.PLANNED}),     # an officer requests it
    Money.APPROVED: frozenset({Money.REQUESTED}),    # finance approves (never the requester)
    Money.PAID: frozenset({Money.APPROVED}),         # finance records the payment
}
COMMITTED = frozenset({Money.APPROVED, Money.PAID})  # counts against the grant


class TransitionRefused(ValidationError):
    pass


def _table(instance: models.Model) -> dict:
    return BOOK_TRANSITIONS if isinstance(instance, TaskBook) else TRANCHE_TRANSITIONS


def can_move(instance: models.Model, target: str) -> bool:
    table = _table(instance)
    return target in table and instance.state in table[target]


@transaction.atomic
def move(instance: models.Model, target: str, **fields) -> str:
    """Change the state (and `fields`) only if the row is still in an allowed source state; return the old one."""
    model = type(instance)
    sources = _table(instance)[target]
    old = instance.state
    changed = model.objects.filter(pk=instance.pk, state__in=sources).update(state=target, **fields)
    instance.refresh_from_db()
    if not changed:
        raise TransitionRefused(
            _("This is now “%(state)s”, so it cannot become “%(target)s”. Nothing was changed; reload the page "
              "to see its current state.") % {"state": instance.get_state_display(),
                                              "target": model.State(target).label},
            code="stale")
    return old
