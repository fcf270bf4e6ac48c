"""Reads of the policy catalogue that pages, the API and other apps share.

The catalogue is public, so nothing here is scoped to a user. Within one request the current
version's clauses are read once and kept (keyed by the request id), so that a page citing many
clauses with `clause_title()` costs one query; outside a request every call reads afresh.
"""

import contextvars
import datetime

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from minsheng.core import context
from minsheng.policy.models import (
    Clause,
    Department,
    District,
    Domain,
    FocusDirection,
    FundingMode,
    FundingSource,
    PolicyVersion,
    SupportType,
)

_request_cache: contextvars.ContextVar = contextvars.ContextVar("minsheng_policy_clauses", default=None)


def current_version(on: datetime.date | None = None) -> PolicyVersion | None:
    """The version in force on a day (today in Asia/Shanghai by default); the newest one if none is."""
    day = on or timezone.localdate()
    versions = PolicyVersion.objects.order_by("-effective_from", "-pk")
    in_force = versions.filter(effective_from__lte=day).exclude(effective_to__lt=day).first()
    return in_force or versions.first()


def clauses(version: PolicyVersion | None = None) -> QuerySet[Clause]:
    """The clauses of a version (the current one by default), in the notice's order."""
    version = version or current_version()
    if version is None:
        return Clause.objects.none()
    return Clause.objects.filter(version=version).select_related("version").order_by("number")


def clauses_by_code() -> dict[str, Clause]:
    """The current version's clauses by id, read once per request."""
    request_id = context.current().request_id
    cached = _request_cache.get()
    if request_id and cached is not None and cached[0] == request_id:
        return cached[1]
    mapping = {c.code: c for c in clauses()}
    if request_id:
        _request_cache.set((request_id, mapping))
    return mapping


def clause(code: str) -> Clause | None:
    """One clause of the current version by its id ("M19"), or None."""
    return clauses_by_code().get((code or "").strip().upper())


def clause_title(code: str) -> str:
    """The clause's title in the page's language ("" for an unknown id)."""
    found = clause(code)
    return found.title if found is not None else ""


def clause_label(code: str) -> str:
    """"M19 加强民生科技知识产权创造和保护力度": the id and the title, or the bare id when unknown."""
    title = clause_title(code)
    return f"{code} {title}" if title else code


def clauses_by_part(version: PolicyVersion | None = None) -> list[tuple[str, str, list[Clause]]]:
    """[(part value, part label, [clauses])] in the notice's order, parts without clauses left out."""
    grouped: dict[str, list[Clause]] = {value: [] for value in Clause.Part.values}
    for item in clauses(version):
        grouped.setdefault(item.part, []).append(item)
    labels = dict(Clause.Part.choices)
    return [(part, labels.get(part, part), items) for part, items in grouped.items() if items]


def neighbours(item: Clause) -> tuple[Clause | None, Clause | None]:
    """The clauses before and after one clause in its version."""
    siblings = Clause.objects.filter(version_id=item.version_id)
    before = siblings.filter(number__lt=item.number).order_by("-number").first()
    after = siblings.filter(number__gt=item.number).order_by("number").first()
    return before, after


def domains() -> QuerySet[Domain]:
    return Domain.objects.select_related("lead_department").prefetch_related(
        Prefetch("focus_directions", queryset=FocusDirection.objects.order_by("order", "pk")))


def departments() -> QuerySet[Department]:
    return Department.objects.prefetch_related(Prefetch("led_domains", queryset=Domain.objects.order_by("code")))


def districts() -> QuerySet[District]:
    return District.objects.all()


def funding_modes() -> QuerySet[FundingMode]:
    return FundingMode.objects.all()


def support_types() -> QuerySet[SupportType]:
    return SupportType.objects.all()


def funding_sources() -> QuerySet[FundingSource]:
    return FundingSource.objects.all()


def government_source_codes() -> set[str]:
    """Codes of the funding sources that count as government money in the leverage ratio (M20)."""
    return set(FundingSource.objects.filter(is_government=True).values_list("code", flat=True))


def citing(code: str) -> dict[str, list]:
    """The reference rows that cite a clause: domains, funding modes, support types, funding sources."""
    return {
        "domains": list(domains().filter(clause_code=code)),
        "funding_modes": list(FundingMode.objects.filter(clause_code=code)),
        "support_types": list(SupportType.objects.filter(clause_code=code)),
        "funding_sources": list(FundingSource.objects.filter(clause_code=code)),
    }


# --- Choices for the lists' filters (core.listing.Filter) ----------------------------------------

def district_choices() -> list[tuple[str, str]]:
    """Every district, by code, in the catalogue's order."""
    return [(d.code, d.name) for d in District.objects.all()]


def domain_choices() -> list[tuple[str, str]]:
    """Every domain, by code, named as the catalogue names it."""
    return [(d.code, str(d)) for d in Domain.objects.all()]
