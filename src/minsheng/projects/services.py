"""Writes on projects under way (M17): filing a progress report, the officer's decision on it, the mid-term check.
Each runs in one transaction; states change only through core.workflow.move (a conditional update), which writes
the audit event, so two officers deciding at once cannot both win and nothing is half-written."""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from minsheng.contracts.services import lock_project
from minsheng.core import audit, clock, workflow
from minsheng.core.permissions import require, user_of
from minsheng.funding.models import Project
from minsheng.projects import queries
from minsheng.projects.models import IndicatorProgress, MidtermCheck, MilestoneProgress, ProgressReport
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
    workflow.move(report, "submit", by=by,
                  new={"period": period.number, "spent": spent,
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
