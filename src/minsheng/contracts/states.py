"""The states of a task book and of a disbursement tranche, and the only transitions allowed between them.

Every change of state goes through `core.workflow.move`, a conditional UPDATE (`WHERE state IN sources`): two people
acting at once cannot both win; the loser gets a clear message and nothing changes. The move writes the audit event.
"""

from django.utils.translation import gettext_lazy as _

from minsheng.contracts.models import TaskBook, Tranche
from minsheng.core.workflow import Transition, Workflow, register

Book = TaskBook.State
Money = Tranche.State
STALE = _("This is now “%(state)s”, so it cannot become “%(target)s”. Nothing was changed; reload the page to see "
          "its current state.")
COUNTERSIGN = "contracts.countersign_task_book"

# The applicant's permission is asked on the project (its organisation's), as on the pages.
BOOK = register(Workflow(TaskBook, [
    Transition("confirm", {Book.DRAFT}, Book.CONFIRMED, "contracts.confirm_task_book", "M17"),  # the applicant
    Transition("sign", {Book.CONFIRMED}, Book.SIGNED, COUNTERSIGN, "M17"),            # the officer countersigns
    Transition("supersede", {Book.SIGNED}, Book.SUPERSEDED, COUNTERSIGN, "M17"),      # a later version was signed
], prefix="contracts.taskbook", stale=STALE, permission_object=lambda book: book.project))

TRANCHE = register(Workflow(Tranche, [
    Transition("request", {Money.PLANNED}, Money.REQUESTED, "contracts.request_tranche", "M17"),   # an officer
    # finance approves, never the one who requested it
    Transition("approve", {Money.REQUESTED}, Money.APPROVED, "contracts.approve_tranche", "M17",
               four_eyes="requested_by"),
    # finance returns the request to the officer, with a reason
    Transition("return", {Money.REQUESTED}, Money.PLANNED, "contracts.return_tranche", "M17"),
    Transition("pay", {Money.APPROVED}, Money.PAID, "contracts.record_payment", "M17"),   # finance records it
    # the project ended early (its termination approved): what was not paid will not be
    Transition("cancel", {Money.PLANNED, Money.REQUESTED, Money.APPROVED}, Money.CANCELLED,
               "contracts.cancel_tranche", "M17"),
], prefix="contracts.tranche", stale=STALE, permission_object=lambda tranche: tranche.project))

COMMITTED = frozenset({Money.APPROVED, Money.PAID})  # counts against the grant
UNPAID = frozenset({Money.PLANNED, Money.REQUESTED, Money.APPROVED})  # cancelled when the project ends early
