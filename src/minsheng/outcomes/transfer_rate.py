"""The transfer rate (成果转化率, M18), computed live: the one function behind every figure of it.

The definition (text, numerator, denominator, clause) is policy.indicators.TRANSFER_RATE; this module counts it
for a set of projects and a period [start, end], in total or per slice (domain, district, year, call), with
aggregate queries only (a handful per call, however many projects):

- projects accepted in the period: state "accepted" and an acceptance passed or closed with conditions, decided
  on a day of the period (Asia/Shanghai);
- of which with at least one verified transfer of one of their achievements whose contract is dated no later than
  the period's end (a transfer made while the project ran counts; one signed after the period does not, so a
  past period's figure stays as it was published): each project counts once, however many transfers it has;
- achievements transferable (verified, of a transferable kind, of those projects) and transferred (with such a
  transfer): the rate;
- the contract value of those transfers (each transfer once per slice) and the money received under them by the
  period's end, per 万元 of the projects' government money (funding lines whose source is government money).

A slice with no accepted project has no data: every ratio is None, never a division by zero. A project counts in
every domain of its call.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.apps import apps
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce, ExtractYear

from minsheng.outcomes.models import Achievement, Transfer, TransferReceipt
from minsheng.policy.indicators import TRANSFER_RATE

DEFINITION = TRANSFER_RATE
ACCEPTED_VERDICTS = ("passed", "conditional")
TRANSFERABLE_KINDS = tuple(k.value for k in Achievement.Kind
                           if k not in (Achievement.Kind.PAPER, Achievement.Kind.ADOPTED_REPORT))
SLICES = ("domain", "district", "year", "call")
ZERO = Decimal("0")
_PATHS = {"domain": "call__domains__code", "district": "organisation__district__code", "call": "call__code"}


@dataclass
class Rate:
    projects_accepted: int = 0
    projects_with_transfer: int = 0
    achievements_transferable: int = 0
    achievements_transferred: int = 0
    contract_value: Decimal = ZERO
    received: Decimal = ZERO
    government_money: Decimal = ZERO

    @property
    def has_data(self) -> bool:
        return self.projects_accepted > 0

    @staticmethod
    def _ratio(numerator, denominator, places: str = "0.0001") -> Decimal | None:
        if not denominator:
            return None
        return (Decimal(numerator) / Decimal(denominator)).quantize(Decimal(places), rounding=ROUND_HALF_UP)

    @property
    def rate(self) -> Decimal | None:
        """Transferred ÷ transferable achievements, 0 to 1; None without a transferable achievement."""
        return self._ratio(self.achievements_transferred, self.achievements_transferable) if self.has_data else None

    @property
    def project_share(self) -> Decimal | None:
        """Projects with at least one transfer ÷ projects accepted, 0 to 1; None without an accepted project."""
        return self._ratio(self.projects_with_transfer, self.projects_accepted)

    @property
    def value_per_wan(self) -> Decimal | None:
        """Contract value (万元) per 万元 of government money."""
        return self._ratio(self.contract_value, self.government_money, "0.01") if self.has_data else None

    @property
    def received_per_wan(self) -> Decimal | None:
        return self._ratio(self.received, self.government_money, "0.01") if self.has_data else None


def _project_model():
    return Achievement.projects.rel.model


def accepted_in(projects: QuerySet, start: datetime.date, end: datetime.date) -> QuerySet:
    """The projects of `projects` accepted (passed or closed with conditions) on a day of [start, end]."""
    return projects.filter(state="accepted", acceptance__state__in=ACCEPTED_VERDICTS,
                           acceptance__decided_at__date__gte=start, acceptance__decided_at__date__lte=end)


def _key(slice_: str | None, prefix: str = ""):
    if slice_ is None:
        return Value("")
    if slice_ == "year":
        return ExtractYear(f"{prefix}acceptance__decided_at")
    if slice_ not in _PATHS:
        raise ValueError(f"unknown slice {slice_!r}")
    return F(f"{prefix}{_PATHS[slice_]}")


def compute(projects: QuerySet, start: datetime.date, end: datetime.date, slice_: str | None = None
            ) -> dict:
    """{slice key: Rate} for the projects of `projects` accepted in [start, end] (one key, "", without a slice).
    Keys with no accepted project do not appear; `rate_of` gives the total as one Rate."""
    base = accepted_in(projects, start, end).order_by().values("pk")
    Project = _project_model()
    verified_transfer = Transfer.objects.filter(state=Transfer.State.VERIFIED, contract_on__lte=end)
    rates: dict = defaultdict(Rate)

    # Projects, and of them those with a transfer: one grouped query, each project counted once per key.
    transferred = Exists(verified_transfer.filter(achievements__projects=OuterRef("pk")))
    for row in (Project.objects.filter(pk__in=base).order_by().annotate(k=_key(slice_), t=transferred).values("k")
                .annotate(n=Count("pk", distinct=True), m=Count("pk", distinct=True, filter=Q(t=True)))):
        if row["k"] is not None:
            rates[row["k"]].projects_accepted = row["n"]
            rates[row["k"]].projects_with_transfer = row["m"]

    # Achievements transferable and transferred, through the achievement–project links.
    Link = Achievement.projects.through
    has_transfer = Exists(verified_transfer.filter(achievements=OuterRef("achievement_id")))
    for row in (Link.objects.filter(project_id__in=base, achievement__state=Achievement.State.VERIFIED,
                                    achievement__kind__in=TRANSFERABLE_KINDS)
                .order_by().annotate(k=_key(slice_, "project__"), t=has_transfer).values("k")
                .annotate(n=Count("achievement_id", distinct=True),
                          m=Count("achievement_id", distinct=True, filter=Q(t=True)))):
        if row["k"] in rates:
            rates[row["k"]].achievements_transferable = row["n"]
            rates[row["k"]].achievements_transferred = row["m"]

    # Government money of the projects.
    Funding = apps.get_model("funding", "ProjectFunding")
    for row in (Funding.objects.filter(project_id__in=base, source__is_government=True).order_by()
                .annotate(k=_key(slice_, "project__")).values("k").annotate(total=Sum("amount"))):
        if row["k"] in rates:
            rates[row["k"]].government_money = row["total"] or ZERO

    # Contract value and money received: each transfer once per key (a transfer of achievements of two projects
    # of the same key is one contract).
    received = Subquery(TransferReceipt.objects.filter(transfer=OuterRef("transfer_id"), received_on__lte=end)
                        .values("transfer").annotate(s=Sum("amount")).values("s"))
    pairs = (Link.objects.filter(project_id__in=base, achievement__transfers__in=verified_transfer).order_by()
             .annotate(k=_key(slice_, "project__"), transfer_id=F("achievement__transfers__pk"),
                       value=F("achievement__transfers__value"))
             .annotate(got=Coalesce(received, Value(ZERO))).values("k", "transfer_id", "value", "got").distinct())
    for row in pairs:
        if row["k"] in rates:
            rates[row["k"]].contract_value += row["value"]
            rates[row["k"]].received += row["got"]
    return dict(rates)


def rate_of(projects: QuerySet, start: datetime.date, end: datetime.date) -> Rate:
    """The transfer rate of the projects accepted in [start, end], in total."""
    return compute(projects, start, end).get("", Rate())


def years(projects: QuerySet, start: datetime.date, end: datetime.date) -> list[int]:
    """The years (Asia/Shanghai) in which projects of `projects` were accepted within [start, end]."""
    return sorted(accepted_in(projects, start, end).order_by().annotate(y=ExtractYear("acceptance__decided_at"))
                  .values_list("y", flat=True).distinct())


def all_projects() -> QuerySet:
    return _project_model().objects.all()
