"""An application's life: its states and the only transitions allowed between them, in one table.

Every change of state goes through `core.workflow.move`, a conditional UPDATE (`WHERE state IN sources`): two
officers deciding at once, or a withdrawal racing the start of the formal check, cannot both win; the loser gets a
clear message and nothing changes. The move writes the audit event; the version is raised, so an open edit form
made before the move cannot save over it.
"""

from django.utils.translation import gettext_lazy as _

from minsheng.applications.models import Application
from minsheng.core.workflow import Transition, Workflow, register

State = Application.State
SUBMIT, WITHDRAW, DECIDE = ("applications.submit_application", "applications.withdraw_application",
                            "applications.decide_formal_check")
CHECKED = frozenset({State.SUBMITTED, State.IN_CHECK})

WORKFLOW = register(Workflow(Application, [
    Transition("submit", {State.DRAFT, State.RETURNED}, State.SUBMITTED, SUBMIT, "M17"),  # or resubmit a correction
    Transition("withdraw", {State.SUBMITTED, State.RETURNED}, State.WITHDRAWN, WITHDRAW, "M17"),  # until the check
    Transition("discard", {State.DRAFT}, State.WITHDRAWN, WITHDRAW, "M17"),     # a draft given up, never submitted
    Transition("start_check", {State.SUBMITTED}, State.IN_CHECK, DECIDE, "M17"),  # the officer starts the check
    Transition("check_pass", CHECKED, State.PASSED, DECIDE, "M17"),
    Transition("check_return", CHECKED, State.RETURNED, DECIDE, "M17"),
    Transition("check_reject", CHECKED, State.REJECTED, DECIDE, "M17"),
], stale=_("This application is now “%(state)s”, so it cannot become “%(target)s”. Nothing was changed; reload "
           "the page to see its current state."), versioned=True))

EDITABLE = frozenset({State.DRAFT, State.RETURNED})   # the applicant may change the content
