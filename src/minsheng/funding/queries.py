"""Reads of funding plans and projects, scoped to what the user may see (anything else answers 404)."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet, Sum

from minsheng.accounts.queries import department_officers
from minsheng.calls.models import Call
from minsheng.core.roles import is_applicant, is_government
from minsheng.funding.leverage import Money
from minsheng.funding.models import CoFunding, Confirmation, FundingPlan, Objection, PlanLine, Project
from minsheng.policy.models import Department, SupportType

S = FundingPlan.State
PUBLIC_STATES = (S.NOTICE, S.DECIDED)


def calls_for(user) -> QuerySet[Call]:
    """The calls whose funding an officer may open: every call for government users."""
    if not is_government(user):
        return Call.objects.none()
    return Call.objects.select_related("programme__source", "support_type")


def plans_for(user) -> QuerySet[FundingPlan]:
    if not is_government(user):
        return FundingPlan.objects.none()
    return FundingPlan.objects.select_related("call__programme__source", "call__support_type", "proposed_by",
                                              "approved_by", "decided_by")


def lines_of(plan: FundingPlan) -> list[PlanLine]:
    return list(plan.lines.select_related("application__organisation__district", "application__lead")
                .prefetch_related(Prefetch("cofunding", queryset=CoFunding.objects.select_related("source")))
                .order_by("rank", "pk"))


def line_money(line: PlanLine, own_source) -> Money:
    money = Money()
    if line.funded:
        money.add(own_source.code, line.grant, own_source.is_government)
        for item in line.cofunding.all():
            money.add(item.source.code, item.amount, item.source.is_government)
    return money


@dataclass
class PlanView:
    plan: FundingPlan
    rows: list[tuple[PlanLine, Money]]
    money: Money
    total: Decimal
    cutoff: int | None


def plan_view(plan: FundingPlan) -> PlanView:
    from minsheng.funding.services import cutoff_rank, funded_total

    lines = lines_of(plan)
    source = plan.call.programme.source
    rows, whole = [], Money()
    for line in lines:
        money = line_money(line, source)
        whole.merge(money)
        rows.append((line, money))
    return PlanView(plan=plan, rows=rows, money=whole, total=funded_total(lines), cutoff=cutoff_rank(lines))


def missing_confirmations(plan: FundingPlan) -> QuerySet[Department]:
    """The co-owning departments that have not confirmed their part of the plan yet."""
    done = plan.confirmations.values_list("department_id", flat=True)
    return plan.call.co_owners.exclude(pk__in=done)


@dataclass
class CoOwnerPart:
    """One co-owning department's part in approving a plan (M05): its confirmation, or who can still give it."""

    department: Department
    confirmation: Confirmation | None
    officers: list      # the department's active officers: the people who can confirm for it

    @property
    def waiting(self) -> bool:
        return self.confirmation is None


def co_owner_parts(plan: FundingPlan) -> list[CoOwnerPart]:
    departments = list(plan.call.co_owners.all())
    confirmations = {c.department_id: c for c in plan.confirmations.select_related("confirmed_by")}
    officers = department_officers(departments)
    return [CoOwnerPart(department=d, confirmation=confirmations.get(d.pk), officers=officers[d.pk])
            for d in departments]


@dataclass
class Envelope:
    """One support type's share of a programme (M17): its calls' envelopes and what their plans grant."""

    support_type: SupportType
    calls: int
    envelope: Decimal
    planned: Decimal    # granted by plans not yet decided (draft, proposed, in notice)
    approved: Decimal   # granted to approved projects

    @property
    def remaining(self) -> Decimal:
        return self.envelope - self.planned - self.approved


def programme_envelopes(programme) -> list[Envelope]:
    """Stable support and competitive selection side by side within one programme (M17), each with its own
    envelope: the sum of its (not withdrawn) calls' envelopes."""
    zero = Decimal("0")
    calls = programme.calls.exclude(state=Call.State.WITHDRAWN)
    granted = PlanLine.objects.filter(plan__call__in=calls, withdrawn=False, grant__gt=0)
    out = []
    for support_type in SupportType.objects.filter(pk__in=calls.values("support_type")):
        own = calls.filter(support_type=support_type)
        sums = granted.filter(plan__call__support_type=support_type).aggregate(
            planned=Sum("grant", filter=~Q(plan__state=S.DECIDED)), approved=Sum("grant", filter=Q(
                plan__state=S.DECIDED)))
        out.append(Envelope(support_type=support_type, calls=own.count(),
                            envelope=own.aggregate(s=Sum("budget"))["s"] or zero,
                            planned=sums["planned"] or zero, approved=sums["approved"] or zero))
    return out


def public_plans() -> QuerySet[FundingPlan]:
    """Plans published for public notice (and their approved successors): what the portal lists."""
    return (FundingPlan.objects.filter(state__in=PUBLIC_STATES).select_related("call__programme")
            .order_by("-notice_starts_at", "pk"))


def public_lines(plan: FundingPlan) -> list[PlanLine]:
    """The funded, not withdrawn lines of a plan: the only rows the notice shows."""
    return [line for line in plan.lines.select_related("application__organisation", "application__lead")
            .order_by("rank", "pk") if line.funded]


def objections_of(plan: FundingPlan) -> QuerySet[Objection]:
    return plan.objections.select_related("line__application", "handled_by").order_by("lodged_at", "pk")


def projects_for(user) -> QuerySet[Project]:
    base = Project.objects.select_related("call", "organisation", "lead", "application")
    if is_government(user):
        return base
    if is_applicant(user) and user.organisation_id:
        return base.filter(organisation_id=user.organisation_id)
    return Project.objects.none()
