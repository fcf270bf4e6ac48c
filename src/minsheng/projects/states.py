"""The states of a progress report and of an acceptance, and the only transitions between them (M17), through
core.workflow.move."""

from django.utils.translation import gettext_lazy as _

from minsheng.core.workflow import Transition, Workflow, register
from minsheng.projects.models import Acceptance, ChangeRequest, ProgressReport

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
