"""A funding plan's life and the only moves between its states, in one table.

Every move goes through `core.workflow.move`, a conditional UPDATE (`WHERE state IN sources`), so two clicks or two
officers leave one winner; the loser gets a clear message and nothing changes. The move writes the audit event.
"""

from django.utils.translation import gettext_lazy as _

from minsheng.core.workflow import Transition, Workflow, register
from minsheng.funding.models import FundingPlan

State = FundingPlan.State

WORKFLOW = register(Workflow(FundingPlan, [
    Transition("propose", {State.DRAFT}, State.PROPOSED, "funding.manage_plan", "M17"),     # one officer proposes
    Transition("return", {State.PROPOSED}, State.DRAFT, "funding.return_plan", "M17"),      # another sends it back
    # another approves (never the proposer): published for public notice
    Transition("approve", {State.PROPOSED}, State.NOTICE, "funding.approve_plan", "M17", four_eyes="proposed_by"),
    Transition("decide", {State.NOTICE}, State.DECIDED, "funding.decide", "M17"),  # after the notice: 立项
], prefix="funding.plan", stale=_("This funding plan is now “%(state)s”, so it cannot become “%(target)s”. Nothing "
                                  "was changed; reload the page to see its current state.")))
