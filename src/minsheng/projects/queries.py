"""Reads of projects under way (M17), scoped to what the user may see: an applicant its own organisation's
projects; officers, finance, auditors and administrators every project (404 outside)."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet, Sum

from minsheng.contracts import queries as contracts
from minsheng.contracts.models import Expenditure, TaskBook
from minsheng.core import clock
from minsheng.funding.models import Project
from minsheng.projects import periods as reporting
from minsheng.projects.models import ProgressReport, Recovery, Termination
from minsheng.projects.states import FILED

Report = ProgressReport.State


def projects_for(user) -> QuerySet[Project]:
    return contracts.projects_for(user)


def reports_for(user) -> QuerySet[ProgressReport]:
    return ProgressReport.objects.filter(project__in=projects_for(user)).select_related(
        "project", "project__organisation", "project__call", "task_book", "submitted_by", "decided_by")


def signed_book(project: Project) -> TaskBook | None:
    return project.task_books.filter(state=TaskBook.State.SIGNED).first()


def periods_of(project: Project, book: TaskBook | None = None) -> list[reporting.Period]:
    book = book if book is not None else signed_book(project)
    if book is None:
        return []
    return reporting.periods(book.starts_on, book.ends_on, project.call.report_every_months)


@dataclass
class PeriodRow:
    period: reporting.Period
    report: ProgressReport | None
    status: str      # accepted, submitted, returned, draft, late, due (ended, within the grace), open (not ended)
    fileable: bool   # the period has begun and has no submitted or accepted report

    @property
    def late(self) -> bool:
        return self.status == "late"


def period_rows(project: Project, today=None) -> list[PeriodRow]:
    """Each reporting period of the project with its report and its status today."""
    today = today or clock.today()
    reports = {r.period: r for r in project.progress_reports.select_related("submitted_by", "decided_by")}
    rows = []
    for period in periods_of(project):
        report = reports.get(period.number)
        if report is not None and report.state in FILED:
            status = report.state
        elif period.due_on < today:
            status = "late"
        elif report is not None:
            status = report.state
        elif period.ends_on < today:
            status = "due"
        else:
            status = "open"
        rows.append(PeriodRow(period, report, status,
                              fileable=status not in FILED and period.starts_on <= today))
    return rows


def late_count(project: Project, today=None) -> int:
    """How many of the project's periods are past their due date with no submitted report (M17)."""
    return sum(1 for row in period_rows(project, today) if row.late)


def spent_by_category(project: Project, until) -> dict[str, Decimal]:
    """The money the project spent up to and including `until`, by category (reversals count against it)."""
    rows = (Expenditure.objects.filter(project=project, spent_on__lte=until).values("category")
            .annotate(total=Sum("amount")).order_by("category"))
    return {row["category"]: row["total"] for row in rows if row["total"]}


def queue(user, today=None) -> list[tuple[Project, PeriodRow]]:
    """The late periods and the submitted reports waiting for a decision, across the projects the user sees."""
    today = today or clock.today()
    projects = (projects_for(user).filter(state=Project.State.UNDER_WAY, call__report_every_months__gt=0)
                .order_by("number"))
    rows = []
    for project in projects:
        for row in period_rows(project, today):
            if row.status in ("late", Report.SUBMITTED):
                rows.append((project, row))
    return rows


# --- Termination and recovery of funds (终止与经费追回) ---

def terminations_for(user):
    return Termination.objects.filter(project__in=projects_for(user)).select_related(
        "project", "project__organisation", "project__lead", "midterm_check", "requested_by", "proposed_by",
        "decided_by")


def recoveries_for(user):
    return Recovery.objects.filter(project__in=projects_for(user)).select_related(
        "project", "project__organisation", "termination").prefetch_related("receipts")


def recovery_rows(user, show: str = "open"):
    """The recoveries one may see with what was received and whether they are overdue, as finance follows them:
    `open` (not settled, the most overdue first), `overdue`, `settled` or `all`."""
    today = clock.today()
    rows = []
    for recovery in recoveries_for(user).order_by("due_on", "pk"):
        overdue = recovery.overdue_on(today)
        if (show == "open" and recovery.settled_on) or (show == "overdue" and not overdue) or (
                show == "settled" and not recovery.settled_on):
            continue
        rows.append({"recovery": recovery, "received": recovery.received, "outstanding": recovery.outstanding,
                     "overdue": overdue})
    return rows
