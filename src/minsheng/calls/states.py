"""The workflow of a call (M17): its states and the only moves between them, in one table.

Every move goes through `core.workflow.move`, a conditional UPDATE (`WHERE state IN sources`), so two officers
acting at once leave one winner; the loser gets a clear message and nothing changes. The move writes the audit
event.
"""

from django.utils.translation import gettext_lazy as _

from minsheng.calls.models import Call
from minsheng.core.workflow import Transition, Workflow, register

State = Call.State

WORKFLOW = register(Workflow(Call, [
    Transition("submit", {State.DRAFT}, State.IN_REVIEW, "calls.submit_call", "M17"),   # for approval
    # a second officer or a co-owning department approves and publishes, never the drafter (four eyes)
    Transition("publish", {State.IN_REVIEW}, State.PUBLISHED, "calls.approve_call", "M17", four_eyes="drafted_by"),
    Transition("return", {State.IN_REVIEW}, State.DRAFT, "calls.return_call", "M17"),    # back to draft, with a reason
    Transition("withdraw", {State.PUBLISHED}, State.WITHDRAWN, "calls.withdraw_call", "M17"),
], prefix="calls.call", stale=_("The call is now “%(state)s”: someone else acted first, or this step does not apply "
                                "to it. Nothing was changed.")))

EDITABLE = frozenset({State.DRAFT})
# Calls whose budget counts against the programme's envelope.
COMMITTED = frozenset({State.DRAFT, State.IN_REVIEW, State.PUBLISHED})
