"""Writes on projects under way (M17): filing a progress report, the officer's decision on it, the mid-term check.
Each runs in one transaction; states change only through core.workflow.move (a conditional update), which writes
the audit event, so two officers deciding at once cannot both win and nothing is half-written."""

import hashlib
import os
import uuid
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from minsheng.contracts import services as contracts
from minsheng.contracts.models import TaskBook
from minsheng.contracts.services import lock_project
from minsheng.core import audit, clock, uploads, workflow
from minsheng.core.permissions import require, user_of
from minsheng.core.workflow import TransitionRefused
from minsheng.funding.models import Project
from minsheng.outcomes.models import Achievement
from minsheng.projects import changes, queries, states
from minsheng.projects.models import (
    ChangeRequest,
    IndicatorProgress,
    MidtermCheck,
    MilestoneProgress,
    ProgressReport,
    ReportEvidence,
)
from minsheng.projects.states import FILED

Report = ProgressReport.State
Status = MilestoneProgress.Status
CLAUSE = "M17"
CENT = Decimal("0.01")


@dataclass
class Filing:
    """What the applicant typed: {milestone id: (status, work done)}, {indicator id: (value as typed, evidence)}."""

    milestones: dict
    indicators: dict
    problems: str = ""
    achievements: list = field(default_factory=list)     # ids of the register's achievements cited (M18)
    files: list = field(default_factory=list)            # uploaded evidence files, checked by core/uploads.py


def cited_achievements(project: Project, ids) -> list:
    """The achievements a filing cites (M18): only the project organisation's own achievements linked to this
    project; any other refuses the whole filing with a message naming the rule."""
    try:
        wanted = {int(pk) for pk in ids or ()}
    except (TypeError, ValueError):
        wanted = {-1}
    if not wanted:
        return []
    found = list(Achievement.objects.filter(pk__in=wanted, projects=project,
                                            organisation_id=project.organisation_id))
    if len(found) != len(wanted):
        raise ValidationError(_("Only the organisation's own achievements recorded for this project can be cited "
                                "(M18); record the achievement in the register and link it to the project first."),
                              code="achievement")
    return found


def checked_files(files) -> list[tuple]:
    """(upload, content type) of every evidence file, each checked by its content; the first bad one refuses all."""
    checked = []
    for upload in files or ():
        try:
            checked.append((upload, uploads.checked_content_type(upload)))
        except ValidationError as error:
            raise ValidationError(" ".join(error.messages), code="file") from None
    return checked


def _store_evidence(report: ProgressReport, checked: list[tuple], *, by) -> list[str]:
    names = []
    for upload, content_type in checked:
        upload.seek(0)
        content = upload.read()
        name = os.path.basename(upload.name)[:200]
        row = ReportEvidence(report=report, original_name=name, content_type=content_type, size=len(content),
                             sha256=hashlib.sha256(content).hexdigest(), uploaded_by=user_of(by),
                             uploaded_at=clock.now())
        row.file.save(f"{uuid.uuid4().hex}{os.path.splitext(name)[1].lower()}", ContentFile(content), save=False)
        row.save()
        names.append(name)
    return names


def _value(text, name: str) -> Decimal:
    try:
        value = Decimal(str(text).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError(_("“%(value)s” is not a number: give the value reached for “%(name)s”.")
                              % {"value": text, "name": name}, code="value") from None
    if not value.is_finite():
        raise ValidationError(_("“%(value)s” is not a number: give the value reached for “%(name)s”.")
                              % {"value": text, "name": name}, code="value")
    if value < 0:
        raise ValidationError(_("The value reached for “%(name)s” cannot be negative.") % {"name": name},
                              code="negative")
    if value.as_tuple().exponent < -2 or abs(value) >= Decimal("1e14"):
        raise ValidationError(_("The value reached for “%(name)s” takes at most two decimals and 14 digits.")
                              % {"name": name}, code="value")
    return value


@transaction.atomic
def submit_report(project: Project, period_number: int, filing: Filing, *, by) -> ProgressReport:
    """The organisation files its report for a period: written and submitted together, or nothing at all."""
    require(by, "projects.file_report")
    project = lock_project(project.pk)
    require(by, "projects.file_report", project)
    book = queries.signed_book(project)
    period = next((p for p in queries.periods_of(project, book) if p.number == period_number), None)
    if period is None:
        raise ValidationError(_("This project has no reporting period %(n)s (M17): the periods follow the signed "
                                "task book's dates and the call's reporting frequency.") % {"n": period_number},
                              code="period")
    if period.starts_on > clock.today():
        raise ValidationError(_("Period %(n)s begins on %(date)s; its report is filed once it has begun.")
                              % {"n": period.number, "date": period.starts_on.isoformat()}, code="not_begun")
    report = ProgressReport.objects.select_for_update().filter(project=project, period=period.number).first()
    if report is not None and report.state in FILED:
        raise ValidationError(_("The report for period %(n)s is already “%(state)s”; it cannot be filed again.")
                              % {"n": period.number, "state": report.get_state_display()}, code="filed")
    milestones = {m.pk: m for m in book.milestones.all()}
    indicators = {i.pk: i for i in book.indicators.all()}
    unknown = set(filing.indicators) - set(indicators)
    if unknown:
        raise ValidationError(_("The report names an indicator the signed task book does not have; report only "
                                "the task book's indicators."), code="indicator")
    if set(filing.milestones) - set(milestones):
        raise ValidationError(_("The report names a milestone the signed task book does not have."),
                              code="milestone")
    missing = [m.title for pk, m in milestones.items() if pk not in filing.milestones
               or filing.milestones[pk][0] not in Status.values]
    if missing:
        raise ValidationError(_("Give the status of every milestone: %(names)s.") % {"names": "、".join(missing)},
                              code="status")
    values = {}
    for pk, indicator in indicators.items():
        text, evidence = filing.indicators.get(pk, ("", ""))
        if str(text).strip() == "":
            raise ValidationError(_("Give the value reached so far for “%(name)s” (0 if none yet).")
                                  % {"name": indicator.name}, code="value")
        values[pk] = (_value(text, indicator.name), (evidence or "").strip())
    cited = cited_achievements(project, filing.achievements)
    files = checked_files(filing.files)
    spent = {category: str(Decimal(amount).quantize(CENT)) for category, amount in
             queries.spent_by_category(project, period.ends_on).items()}
    fields = {"problems": (filing.problems or "").strip(), "spent": spent, "task_book": book}
    if report is None:
        report = ProgressReport.objects.create(project=project, period=period.number,
                                               period_ends_on=period.ends_on, due_on=period.due_on, **fields)
    else:
        for name, value in fields.items():
            setattr(report, name, value)
        report.save(update_fields=list(fields))
        report.milestones.all().delete()
        report.indicators.all().delete()
    MilestoneProgress.objects.bulk_create(
        MilestoneProgress(report=report, milestone=milestones[pk], status=status, work_done=(work or "").strip())
        for pk, (status, work) in filing.milestones.items())
    IndicatorProgress.objects.bulk_create(
        IndicatorProgress(report=report, indicator=indicators[pk], value=value, evidence=evidence)
        for pk, (value, evidence) in values.items())
    report.achievements.set(cited)
    stored = _store_evidence(report, files, by=by)
    workflow.move(report, "submit", by=by,
                  new={"period": period.number, "spent": spent,
                       "achievements": "、".join(a.title for a in cited), "files": "、".join(stored),
                       # by the indicator's name in the task book, so the trail reads in its words
                       "indicators": {indicators[pk].name: str(v) for pk, (v, _e) in values.items()}},
                  submitted_by=user_of(by), submitted_at=clock.now())
    report.refresh_from_db()
    return report


@transaction.atomic
def accept_report(report: ProgressReport, *, by, comments: str = "") -> ProgressReport:
    require(by, "projects.decide_report")
    workflow.move(report, "accept", by=by, reason=(comments or "").strip(),
                  decided_by=user_of(by), decided_at=clock.now(), comments=(comments or "").strip())
    report.refresh_from_db()
    return report


@transaction.atomic
def return_report(report: ProgressReport, *, by, comments: str) -> ProgressReport:
    """The officer sends the report back to the organisation with comments (required)."""
    require(by, "projects.decide_report")
    comments = (comments or "").strip()
    if not comments:
        raise ValidationError(_("Say what the organisation must change in its report."), code="reason")
    workflow.move(report, "return", by=by, reason=comments,
                  decided_by=user_of(by), decided_at=clock.now(), comments=comments)
    report.refresh_from_db()
    return report


@transaction.atomic
def record_midterm(project: Project, *, by, result: str, findings: str, actions: str = "", actions_due_on=None,
                   reason: str = "") -> MidtermCheck:
    """The officer records the mid-term check (中期检查) of a project whose call holds one, after at least one
    accepted progress report; once per project."""
    require(by, "projects.record_midterm")
    project = lock_project(project.pk)
    findings, actions, reason = (findings or "").strip(), (actions or "").strip(), (reason or "").strip()
    if not project.call.midterm_check:
        raise ValidationError(_("This project's call holds no mid-term check."), code="no_check")
    if project.state != Project.State.UNDER_WAY:
        raise ValidationError(_("Only a project under way has a mid-term check."), code="state")
    if MidtermCheck.objects.filter(project=project).exists():
        raise ValidationError(_("The mid-term check of this project is already recorded."), code="exists")
    if not project.progress_reports.filter(state=Report.ACCEPTED).exists():
        raise ValidationError(_("The mid-term check follows at least one accepted progress report (M17)."),
                              code="no_report")
    if result not in MidtermCheck.Result.values:
        raise ValidationError(_("Choose the result of the check."), code="result")
    if not findings:
        raise ValidationError(_("Write down the findings of the check."), code="findings")
    if result == MidtermCheck.Result.ACTIONS and (not actions or actions_due_on is None):
        raise ValidationError(_("A pass with corrective actions names the actions and their deadline."),
                              code="actions")
    if result == MidtermCheck.Result.ACTIONS and actions_due_on <= clock.today():
        raise ValidationError(_("The deadline for the corrective actions must be after today."), code="deadline")
    if result == MidtermCheck.Result.TERMINATE and not reason:
        raise ValidationError(_("Give the reason for proposing termination."), code="reason")
    if result != MidtermCheck.Result.ACTIONS:
        actions, actions_due_on = "", None
    if result != MidtermCheck.Result.TERMINATE:
        reason = ""
    check = MidtermCheck.objects.create(project=project, result=result, findings=findings, actions=actions,
                                        actions_due_on=actions_due_on, reason=reason, recorded_by=user_of(by),
                                        recorded_at=clock.now())
    audit.record(action="projects.midtermcheck.record", by=by, target=check,
                 new={"result": result, "findings": findings, "actions": actions,
                      "actions_due_on": actions_due_on.isoformat() if actions_due_on else None},
                 reason=reason or findings, clause=CLAUSE)
    return check


def midterm_basis(project: Project) -> str:
    """The basis of the mid-term tranche (contracts.bases): the passed check, in the words stored on the request."""
    check = MidtermCheck.objects.filter(project=project).select_related("recorded_by").first()
    if check is None or not check.passed:
        raise ValidationError(_("The mid-term tranche is requested on a passed mid-term check (M17), and this "
                                "project has none."), code="no_basis")
    with translation.override("zh-hans"):
        return _("Mid-term check of %(date)s: %(result)s (M17)") % {
            "date": timezone.localdate(check.recorded_at).isoformat(), "result": check.get_result_display()}


# --- Change requests (项目变更) ------------------------------------------------------------------------------------
# The rules per kind live in projects/changes.py; here they run under the project's row lock, at submission and
# again at the decision, and an approval starts the next task-book version with the change applied.

def _open_change(project: Project) -> ChangeRequest | None:
    return ChangeRequest.objects.filter(project=project, state__in=ChangeRequest.OPEN).first()


@transaction.atomic
def request_change(project: Project, *, by, kind: str, proposal: dict, reason: str) -> ChangeRequest:
    """The organisation asks for a change of its signed task book, with its reason; the rule of the kind is
    checked now (a clear refusal, nothing written) and again when an officer decides."""
    require(by, "projects.request_change")
    project = lock_project(project.pk)
    require(by, "projects.request_change", project)
    reason = (reason or "").strip()
    book = queries.signed_book(project)
    if book is None:
        raise ValidationError(_("This project has no signed task book to change."), code="no_book")
    waiting = _open_change(project)
    if waiting is not None:
        raise ValidationError(_("A change request of this project (“%(kind)s”) is still waiting for a decision; "
                                "one change is decided at a time.") % {"kind": waiting.get_kind_display()},
                              code="open")
    if project.task_books.filter(state__in=[TaskBook.State.DRAFT, TaskBook.State.CONFIRMED]).exists():
        raise ValidationError(_("A new version of the task book is being prepared; request the change once it is "
                                "signed."), code="open_version")
    if not reason:
        raise ValidationError(_("Give the reason for the change."), code="reason")
    stored, needs_second = changes.check(project, book, kind, proposal)
    change = ChangeRequest.objects.create(
        project=project, task_book=book, kind=kind, proposal=stored, reason=reason,
        clause=changes.RULES[kind].clause, needs_second=needs_second, requested_by=user_of(by),
        requested_at=clock.now())
    audit.record(action="projects.changerequest.submit", by=by, target=change,
                 new={"kind": kind, "change": _in_chinese(change), "needs_second": needs_second,
                      "version": book.number},
                 reason=reason, clause=change.clause)
    return change


def _in_chinese(change: ChangeRequest) -> str:
    """The change in words, as the trail keeps it (the structured proposal stays on the request, never edited)."""
    with translation.override("zh-hans"):
        return changes.describe(change)


def _locked_change(change: ChangeRequest) -> tuple[Project, ChangeRequest]:
    project = lock_project(change.project_id)
    return project, ChangeRequest.objects.select_for_update().get(pk=change.pk)


@transaction.atomic
def approve_change(change: ChangeRequest, *, by, comments: str = "") -> ChangeRequest:
    """An officer approves. A change that needs four eyes is endorsed by the first officer and approved by a
    second one; the final approval re-checks the rule and starts the next task-book version with the change."""
    require(by, "projects.decide_change")
    comments = (comments or "").strip()
    project, locked = _locked_change(change)
    step = "second" if locked.state == ChangeRequest.State.ENDORSED else (
        "endorse" if locked.needs_second else "approve")
    if not states.CHANGE.can(locked, step):
        raise states.CHANGE.refusal(locked, ChangeRequest.State.APPROVED)
    if step == "second" and locked.endorsed_by_id == getattr(user_of(by), "pk", None):
        raise TransitionRefused(_("You gave the first approval of this change; a second officer, not you, must "
                                  "approve it (four eyes)."), code="four_eyes")
    book = queries.signed_book(project)
    if book is None or book.pk != locked.task_book_id:
        raise ValidationError(_("The task book was changed since this request was made; the request must be made "
                                "again against the version in force."), code="stale_book")
    changes.check(project, book, locked.kind, locked.proposal)   # money spent or a report filed since counts
    if step == "endorse":
        workflow.move(locked, "endorse", by=by, reason=comments, clause=locked.clause,
                      new={"change": _in_chinese(locked)}, endorsed_by=user_of(by), endorsed_at=clock.now(),
                      comments=comments)
        change.refresh_from_db()
        return locked
    with translation.override("zh-hans"):
        text = _("Change request no. %(pk)s (%(kind)s, %(clause)s): %(change)s. Reason: %(reason)s") % {
            "pk": locked.pk, "kind": locked.get_kind_display(), "clause": locked.clause,
            "change": changes.describe(locked), "reason": locked.reason}
    new_book = contracts.revise(book, by=by, reason=text, amendment=changes.amendment(locked, book))
    workflow.move(locked, step, by=by, reason=comments, clause=locked.clause,
                  new={"change": _in_chinese(locked), "version": new_book.number},
                  decided_by=user_of(by), decided_at=clock.now(), result_book=new_book,
                  comments=comments or locked.comments)
    change.refresh_from_db()
    return locked


@transaction.atomic
def reject_change(change: ChangeRequest, *, by, reason: str) -> ChangeRequest:
    """An officer rejects, with the reason the organisation reads (kept on the request)."""
    require(by, "projects.decide_change")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say why the change is rejected."), code="reason")
    _project, locked = _locked_change(change)
    workflow.move(locked, "reject", by=by, reason=reason, clause=locked.clause,
                  decided_by=user_of(by), decided_at=clock.now(), comments=reason)
    change.refresh_from_db()
    return locked


@transaction.atomic
def withdraw_change(change: ChangeRequest, *, by) -> ChangeRequest:
    """The organisation takes back a change that waits for a decision."""
    require(by, "projects.request_change", change.project)
    _project, locked = _locked_change(change)
    workflow.move(locked, "withdraw", by=by, clause=locked.clause)
    change.refresh_from_db()
    return locked
