"""The states of a progress report, a change request, an acceptance and a termination, and the only transitions
between them (M17), through
core.workflow.move."""

from django.utils.translation import gettext_lazy as _

from minsheng.core.workflow import Transition, Workflow, register
from minsheng.projects.models import Acceptance, ChangeRequest, ProgressReport, Termination

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

Change = ChangeRequest.State
CHANGE_STALE = _("This change request is now “%(state)s”, so it cannot become “%(target)s”. Nothing was changed; "
                 "reload the page to see its current state.")

# A change the rules (projects/changes.py) give to one officer goes submitted → approved; one that needs four eyes
# goes submitted → endorsed (first officer) → approved (a second officer, never the one who endorsed it).
CHANGE = register(Workflow(ChangeRequest, [
    Transition("approve", {Change.SUBMITTED}, Change.APPROVED, "projects.decide_change", "M17"),
    Transition("endorse", {Change.SUBMITTED}, Change.ENDORSED, "projects.decide_change", "M17"),
    Transition("second", {Change.ENDORSED}, Change.APPROVED, "projects.decide_change", "M17",
               four_eyes="endorsed_by"),
    Transition("reject", {Change.SUBMITTED, Change.ENDORSED}, Change.REJECTED, "projects.decide_change", "M17"),
    Transition("withdraw", {Change.SUBMITTED, Change.ENDORSED}, Change.WITHDRAWN, "projects.request_change",
               "M17"),
], prefix="projects.changerequest", stale=CHANGE_STALE, permission_object=lambda change: change.project))
Verdict = Acceptance.State
ACCEPTANCE_STALE = _("This acceptance is now “%(state)s”, so it cannot become “%(target)s”. Nothing was changed; "
                     "reload the page to see its current state.")

# The applicant files again after a return; an officer passes or returns the formal check and records the verdict.
ACCEPTANCE = register(Workflow(Acceptance, [
    Transition("refile", {Verdict.RETURNED}, Verdict.APPLIED, "projects.apply_acceptance", "M17"),
    Transition("pass_check", {Verdict.APPLIED}, Verdict.REVIEW, "projects.check_acceptance", "M17"),
    Transition("return", {Verdict.APPLIED}, Verdict.RETURNED, "projects.check_acceptance", "M17"),
    Transition("pass", {Verdict.REVIEW}, Verdict.PASSED, "projects.decide_acceptance", "M17"),
    Transition("close", {Verdict.REVIEW}, Verdict.CONDITIONAL, "projects.decide_acceptance", "M17"),
    Transition("fail", {Verdict.REVIEW}, Verdict.FAILED, "projects.decide_acceptance", "M17"),
], prefix="projects.acceptance", stale=ACCEPTANCE_STALE, permission_object=lambda acceptance: acceptance.project))

DECIDED = frozenset({Verdict.PASSED, Verdict.CONDITIONAL, Verdict.FAILED})

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
