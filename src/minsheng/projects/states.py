"""The states of a progress report and of a termination, and the only transitions between them (M17), through
core.workflow.move."""

from django.utils.translation import gettext_lazy as _

from minsheng.core.workflow import Transition, Workflow, register
from minsheng.projects.models import ProgressReport, Termination

Report = ProgressReport.State
STALE = _("This progress report is now “%(state)s”, so it cannot become “%(target)s”. Nothing was changed; reload "
          "the page to see its current state.")

# The applicant's permission is asked on the project (its organisation's).
REPORT = register(Workflow(ProgressReport, [
    Transition("submit", {Report.DRAFT, Report.RETURNED}, Report.SUBMITTED, "projects.file_report", "M17"),
    Transition("accept", {Report.SUBMITTED}, Report.ACCEPTED, "projects.decide_report", "M17"),
    Transition("return", {Report.SUBMITTED}, Report.RETURNED, "projects.decide_report", "M17"),
], prefix="projects.progressreport", stale=STALE, permission_object=lambda report: report.project))

FILED = frozenset({Report.SUBMITTED, Report.ACCEPTED})   # a period with one of these is not late

# A termination is created requested (by the organisation) or proposed (by an officer, audited as its proposal);
# an officer proposes a request or declines it; another officer than the proposer approves or rejects a proposal.
End = Termination.State
TERMINATION = register(Workflow(Termination, [
    Transition("propose", {End.REQUESTED}, End.PROPOSED, "projects.propose_termination", "M17"),
    Transition("decline", {End.REQUESTED}, End.REJECTED, "projects.propose_termination", "M17"),
    Transition("approve", {End.PROPOSED}, End.APPROVED, "projects.decide_termination", "M17",
               four_eyes="proposed_by"),
    Transition("reject", {End.PROPOSED}, End.REJECTED, "projects.decide_termination", "M17",
               four_eyes="proposed_by"),
], prefix="projects.termination", stale=_("This termination is now “%(state)s”, so it cannot become “%(target)s”. "
                                          "Nothing was changed; reload the page to see its current state."),
    permission_object=lambda termination: termination.project))
