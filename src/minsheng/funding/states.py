"""The lives of a funding plan, of an objection to its notice and of a project, each in one table of the only moves
between its states.

Every move goes through `core.workflow.move`, a conditional UPDATE (`WHERE state IN sources`), so two clicks or two
officers leave one winner; the loser gets a clear message and nothing changes. The move writes the audit event.
"""

from django.utils.translation import gettext_lazy as _

from minsheng.core.workflow import Transition, Workflow, register
from minsheng.funding.models import FundingPlan, Objection, Project

State = FundingPlan.State

WORKFLOW = register(Workflow(FundingPlan, [
    Transition("propose", {State.DRAFT}, State.PROPOSED, "funding.manage_plan", "M17"),     # one officer proposes
    Transition("return", {State.PROPOSED}, State.DRAFT, "funding.return_plan", "M17"),      # another sends it back
    # another approves (never the proposer): published for public notice
    Transition("approve", {State.PROPOSED}, State.NOTICE, "funding.approve_plan", "M17", four_eyes="proposed_by"),
    Transition("decide", {State.NOTICE}, State.DECIDED, "funding.decide", "M17"),  # after the notice: 立项
], prefix="funding.plan", stale=_("This funding plan is now “%(state)s”, so it cannot become “%(target)s”. Nothing "
                                  "was changed; reload the page to see its current state.")))

# How an officer handles an objection lodged during the notice (M17): once, with the handling written down.
OBJECTION = register(Workflow(Objection, [
    Transition("handle", {Objection.State.OPEN}, Objection.State.HANDLED, "funding.handle_objection", "M17"),
], prefix="funding.objection", stale=_("This objection has already been handled; nothing was changed.")))

# A project starts when its first task book is countersigned (contracts/services.py countersign); its acceptance
# verdict (projects app) closes it as accepted or failed; it is terminated early, or after failing, with four eyes
# kept on the termination record that makes this move.
Life = Project.State
PROJECT = register(Workflow(Project, [
    Transition("start", {Life.APPROVED}, Life.UNDER_WAY, "funding.start_project", "M17"),
    Transition("accept", {Life.UNDER_WAY}, Life.ACCEPTED, "funding.conclude_project", "M17"),
    Transition("fail", {Life.UNDER_WAY}, Life.FAILED, "funding.conclude_project", "M17"),
    Transition("terminate", {Life.APPROVED, Life.UNDER_WAY, Life.FAILED}, Life.TERMINATED,
               "funding.terminate_project", "M17"),
], prefix="funding.project", stale=_("This project is now “%(state)s”, so it cannot become “%(target)s”. Nothing "
                                     "was changed; reload the page to see its current state.")))
