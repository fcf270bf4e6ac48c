"""Reads the pages and the API share, scoped to what the user may see: an applicant its own organisation's
projects; officers, finance, auditors and administrators every project; nobody else any (404 outside)."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, QuerySet, Sum

from minsheng.applications.models import BudgetLine
from minsheng.calls.models import Call
from minsheng.contracts import money as arithmetic
from minsheng.contracts.models import Expenditure, TaskBook, Tranche
from minsheng.core.roles import is_admin, is_applicant, is_auditor, is_finance, is_officer
from minsheng.funding.models import Project, ProjectFunding
from minsheng.policy.models import FundingSource

ZERO = Decimal("0")


def projects_for(user) -> QuerySet[Project]:
    queryset = Project.objects.select_related("call", "organisation", "lead")
    if is_officer(user) or is_finance(user) or is_auditor(user) or is_admin(user):
        return queryset
    if is_applicant(user) and user.organisation_id:
        return queryset.filter(organisation_id=user.organisation_id)
    return queryset.none()


def task_books_for(user) -> QuerySet[TaskBook]:
    return TaskBook.objects.filter(project__in=projects_for(user)).select_related(
        "project", "project__organisation", "project__call")


def tranches_for(user) -> QuerySet[Tranche]:
    return Tranche.objects.filter(project__in=projects_for(user)).select_related(
        "project", "project__organisation", "project__call", "requested_by", "approved_by", "returned_by")


def expenditures_for(user) -> QuerySet[Expenditure]:
    return Expenditure.objects.filter(project__in=projects_for(user)).select_related(
        "project", "project__organisation", "project__call", "recorded_by", "reverses")


def current_book(project: Project) -> TaskBook | None:
    """The version in force (signed), else the one being prepared."""
    books = list(project.task_books.all())
    return (next((b for b in books if b.state == TaskBook.State.SIGNED), None)
            or next((b for b in books if b.state in (TaskBook.State.DRAFT, TaskBook.State.CONFIRMED)), None))


@dataclass
class Money:
    """A project's, call's or source's money, in yuan."""

    grant: Decimal = ZERO
    requested: Decimal = ZERO
    approved: Decimal = ZERO
    paid: Decimal = ZERO
    spent: Decimal = ZERO
    projects: int = 0

    @property
    def committed(self) -> Decimal:
        return self.approved + self.paid

    @property
    def paid_share(self) -> int:
        return int(self.paid * 100 / self.grant) if self.grant else 0

    @property
    def spent_share(self) -> int:
        """The money spent as a share of the money paid, in whole per cent."""
        return int(self.spent * 100 / self.paid) if self.paid else 0


def tranche_sums(projects) -> dict[int, dict[str, Decimal]]:
    """project id → {state: amount} of its tranches."""
    sums: dict[int, dict[str, Decimal]] = defaultdict(dict)
    rows = (Tranche.objects.filter(project__in=projects).values("project_id", "state")
            .annotate(total=Sum("amount")).order_by())
    for row in rows:
        sums[row["project_id"]][row["state"]] = row["total"]
    return sums


def spent_sums(projects) -> dict[int, Decimal]:
    """project id → the money it spent (reversals deducted)."""
    rows = (Expenditure.objects.filter(project__in=projects).values("project_id").annotate(total=Sum("amount"))
            .order_by())
    return {row["project_id"]: row["total"] for row in rows}


def money_of(project: Project) -> Money:
    sums = tranche_sums([project]).get(project.pk, {})
    return Money(grant=project.grant, requested=sums.get("requested", ZERO), approved=sums.get("approved", ZERO),
                 paid=sums.get("paid", ZERO), spent=spent_sums([project]).get(project.pk, ZERO), projects=1)


@dataclass
class CategoryMoney:
    """One budget category of a project, in yuan: its budget, its share of the money paid, the money spent."""

    category: str
    label: str
    budget: Decimal
    paid: Decimal
    spent: Decimal

    @property
    def left(self) -> Decimal:
        return self.budget - self.spent


def by_category(book: TaskBook | None, paid: Decimal, project: Project) -> list[CategoryMoney]:
    """Budget, paid and spent per category of the task book in force. Tranches are paid for the whole project,
    not per category: the money paid is shared out in proportion to the budget (money.scale_budget), so the
    shares add up to the money paid exactly. A category spent in but missing from the budget is listed too."""
    lines = {line.category: line for line in book.budget_lines.all()} if book else {}
    shares = arithmetic.scale_budget({c: line.amount for c, line in lines.items()}, paid) if lines else {}
    spent = dict(Expenditure.objects.filter(project=project).values_list("category").annotate(s=Sum("amount"))
                 .order_by())
    rows = [CategoryMoney(c, line.get_category_display(), line.amount, shares.get(c, ZERO), spent.get(c, ZERO))
            for c, line in lines.items()]
    labels = dict(BudgetLine.Category.choices)
    rows += [CategoryMoney(c, str(labels.get(c, c)), ZERO, ZERO, amount)
             for c, amount in spent.items() if c not in lines]
    return rows


@dataclass
class Overview:
    calls: list = field(default_factory=list)     # [(call, Money)]
    sources: list = field(default_factory=list)   # [(source, funding total, paid share, spent share)]
    total: Money = field(default_factory=Money)


def overview(projects: QuerySet[Project]) -> Overview:
    """Totals per call and per funding source. The grant is paid from the government sources: a project's paid
    and spent money is attributed to its government lines in proportion to their amounts.

    The grants and the funding lines are summed in the database; only the projects with tranches or spending are
    read one by one (a city has thousands of projects, most of them paid out long ago or not yet)."""
    projects = projects.order_by()
    sums, spending = tranche_sums(projects), spent_sums(projects)
    per_call = list(projects.values("call_id").annotate(grant=Sum("grant"), n=Count("pk")).order_by())
    call_objects = Call.objects.in_bulk([row["call_id"] for row in per_call])
    calls: dict[int, tuple] = {}
    total = Money()
    for row in per_call:
        entry = calls.setdefault(row["call_id"], (call_objects[row["call_id"]], Money()))[1]
        for money in (entry, total):
            money.grant += row["grant"]
            money.projects += row["n"]
    moving = (projects.filter(pk__in=set(sums) | set(spending)).select_related(None)
              .prefetch_related("funding_lines__source"))
    sources: dict[int, list] = {}
    for project in moving:
        own, spent = sums.get(project.pk, {}), spending.get(project.pk, ZERO)
        for money in (calls[project.call_id][1], total):
            money.requested += own.get("requested", ZERO)
            money.approved += own.get("approved", ZERO)
            money.paid += own.get("paid", ZERO)
            money.spent += spent
        lines = list(project.funding_lines.all())
        government = sum((line.amount for line in lines if line.source.is_government), ZERO)
        for line in lines:
            row = sources.setdefault(line.source_id, [line.source, ZERO, ZERO, ZERO])
            if line.source.is_government and government:
                row[2] += (own.get("paid", ZERO) * line.amount / government).quantize(Decimal("0.01"))
                row[3] += (spent * line.amount / government).quantize(Decimal("0.01"))
    funded = (ProjectFunding.objects.filter(project__in=projects).values("source_id").annotate(total=Sum("amount"))
              .order_by())
    source_objects = FundingSource.objects.in_bulk([row["source_id"] for row in funded])
    for row in funded:
        sources.setdefault(row["source_id"], [source_objects[row["source_id"]], ZERO, ZERO, ZERO])[1] = row["total"]
    return Overview(calls=sorted(calls.values(), key=lambda pair: pair[0].code),
                    sources=sorted(sources.values(), key=lambda row: (row[0].order, row[0].pk)), total=total)
