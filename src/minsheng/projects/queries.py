"""Reads of projects under way (M17), scoped to what the user may see: an applicant its own organisation's
projects; officers, finance, auditors and administrators every project (404 outside)."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Exists, OuterRef, Prefetch, QuerySet, Sum

from minsheng.contracts import queries as contracts
from minsheng.contracts.models import Expenditure, TaskBook
from minsheng.core import clock
from minsheng.funding.models import Project
from minsheng.projects import periods as reporting
from minsheng.projects.models import ChangeRequest, IndicatorProgress, ProgressReport, Recovery, Termination
from minsheng.projects.states import FILED

Report = ProgressReport.State


def projects_for(user) -> QuerySet[Project]:
    return contracts.projects_for(user)


def reports_for(user) -> QuerySet[ProgressReport]:
    return ProgressReport.objects.filter(project__in=projects_for(user)).select_related(
        "project", "project__organisation", "project__call", "task_book", "submitted_by", "decided_by")


def signed_book(project: Project) -> TaskBook | None:
    if hasattr(project, "signed_books"):   # read ahead for a list of projects (queue)
        return project.signed_books[0] if project.signed_books else None
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
    prefetched = getattr(project, "_prefetched_objects_cache", {}).get("progress_reports")
    reports = {r.period: r for r in (prefetched if prefetched is not None else
                                     project.progress_reports.select_related("submitted_by", "decided_by"))}
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
    # Only a signed task book sets reporting periods; the books and reports of all the projects are read in two
    # queries, not two per project (a city has thousands under way).
    signed = TaskBook.objects.filter(state=TaskBook.State.SIGNED).order_by(*(TaskBook._meta.ordering or ["pk"]))
    projects = (projects_for(user).filter(Exists(signed.filter(project=OuterRef("pk"))),
                                          state=Project.State.UNDER_WAY, call__report_every_months__gt=0)
                .prefetch_related(Prefetch("task_books", queryset=signed, to_attr="signed_books"),
                                  Prefetch("progress_reports", queryset=ProgressReport.objects.select_related(
                                      "submitted_by", "decided_by")))
                .order_by("number"))
    rows = []
    for project in projects:
        for row in period_rows(project, today):
            if row.status in ("late", Report.SUBMITTED):
                rows.append((project, row))
    return rows


def changes_for(user) -> QuerySet[ChangeRequest]:
    """The change requests of the projects the user sees."""
    return ChangeRequest.objects.filter(project__in=projects_for(user)).select_related(
        "project", "project__organisation", "task_book", "result_book", "requested_by", "endorsed_by", "decided_by")


def waiting_changes(user) -> list[ChangeRequest]:
    """The change requests waiting for an officer: first approvals, then those awaiting a second officer."""
    return list(changes_for(user).filter(state__in=ChangeRequest.OPEN).order_by("requested_at", "pk"))


def acceptance_projects_for(user) -> QuerySet[Project]:
    """The projects whose acceptance the user may open: those of projects_for, and for an expert the projects
    whose acceptance panel they sit on."""
    from minsheng.core.roles import is_expert

    if is_expert(user):
        person = getattr(user, "person_id", None)
        return Project.objects.select_related("call", "organisation", "lead").filter(
            acceptance__experts__expert__person_id=person) if person else Project.objects.none()
    return projects_for(user)


@dataclass
class IndicatorRow:
    code: str
    name: str
    unit: str
    target: Decimal
    value: Decimal | None       # as the latest accepted report gives it; None before
    share: int                  # reached against the target, whole per cent, at most 100


@dataclass
class Completion:
    """A project's indicators against their targets, from its latest accepted progress report (M17)."""

    rows: list[IndicatorRow]
    period: int | None          # the period of the report read, None before the first accepted one

    @property
    def average(self) -> int | None:
        return round(sum(row.share for row in self.rows) / len(self.rows)) if self.rows and self.period else None


def _share(value, target) -> int:
    return min(100, int(value * 100 / target)) if value is not None and target else 0


def completion(projects) -> dict[int, Completion]:
    """project id → its indicator completion, in three queries for any number of projects. Indicators are matched
    by code, so a report filed against an earlier version of the task book still counts against the signed one."""
    ids = [p.pk for p in projects]
    books = {b.project_id: b for b in TaskBook.objects.filter(project__in=ids, state=TaskBook.State.SIGNED)
             .prefetch_related("indicators")}
    latest: dict[int, ProgressReport] = {}
    for report in ProgressReport.objects.filter(project__in=ids, state=Report.ACCEPTED).order_by("project",
                                                                                               "-period"):
        latest.setdefault(report.project_id, report)
    values: dict[int, dict[str, Decimal]] = {}
    for row in IndicatorProgress.objects.filter(report__in=[r.pk for r in latest.values()]).values(
            "report__project_id", "indicator__code", "value"):
        values.setdefault(row["report__project_id"], {})[row["indicator__code"]] = row["value"]
    result = {}
    for pk in ids:
        book, reached, report = books.get(pk), values.get(pk, {}), latest.get(pk)
        rows = [IndicatorRow(i.code, i.name, i.unit, i.target, reached.get(i.code), _share(reached.get(i.code),
                                                                                             i.target))
                for i in (book.indicators.all() if book else [])]
        result[pk] = Completion(rows, report.period if report else None)
    return result


def report_counts(projects, today=None) -> dict[int, tuple[int, int]]:
    """project id → (reports filed, periods late)."""
    return {p.pk: (sum(1 for r in rows if r.status in FILED), sum(1 for r in rows if r.late))
            for p in projects for rows in [period_rows(p, today)]}


def due_for(user, today=None) -> list[tuple[Project, PeriodRow]]:
    """The applicant's reports to file now: late periods and periods ended within their grace, across the
    organisation's projects under way (the home page's reminder, M17)."""
    today = today or clock.today()
    projects = (projects_for(user).filter(state=Project.State.UNDER_WAY, call__report_every_months__gt=0)
                .order_by("number"))
    return [(project, row) for project in projects for row in period_rows(project, today)
            if row.status in ("late", "due") or (row.status in (Report.DRAFT, Report.RETURNED)
                                                 and row.period.ends_on < today)]


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
