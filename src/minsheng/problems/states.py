"""A livelihood problem's triage (M05): its states and the only moves between them, in one table.

A received or accepted problem may be accepted (received only), merged into another, rejected with a reason, or
turned into a topic of a draft call. Every move goes through `core.workflow.move` with the state the officer saw
(`seen=`), so two officers deciding the same problem leave one winner, and the other reads who won.
"""

from django.utils.translation import gettext_lazy as _

from minsheng.core.workflow import Transition, Workflow, register
from minsheng.problems.models import Problem

State = Problem.State
TRIAGE = "calls.triage_problem"
OPEN = frozenset({State.NEW, State.ACCEPTED})        # still waiting for a decision

WORKFLOW = register(Workflow(Problem, [
    Transition("accept", {State.NEW}, State.ACCEPTED, TRIAGE, "M05"),
    Transition("merge", OPEN, State.MERGED, TRIAGE, "M05"),
    Transition("reject", OPEN, State.REJECTED, TRIAGE, "M05"),
    Transition("topic", OPEN, State.TOPIC, TRIAGE, "M05"),   # it became a topic of a draft call
], stale=_("Problem %(object)s is now “%(state)s”: someone else decided first, or this step does not apply to it. "
           "Nothing was changed.")))
