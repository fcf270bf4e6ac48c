"""The public policy pages: the 24 measures, one measure with what cites it, and the reference data."""

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from minsheng.policy import indicators, queries


def _english() -> bool:
    return (get_language() or "").startswith("en")


@require_safe
def index(request):
    version = queries.current_version()
    parts = queries.clauses_by_part(version) if version is not None else []
    return render(request, "policy/index.html", {
        "version": version,
        "parts": parts,
        "measure_count": sum(len(items) for _part, _label, items in parts),
        "domains": queries.domains(),
        "english": _english(),
    })


@require_safe
def clause_detail(request, code: str):
    item = queries.clauses().filter(code=code).first()
    if item is None:
        raise Http404("no such clause")
    before, after = queries.neighbours(item)
    return render(request, "policy/clause_detail.html", {
        "clause": item,
        "version": item.version,
        "citing": queries.citing(item.code),
        "indicators": indicators.for_clause(item.code),
        "previous": before,
        "next": after,
        "english": _english(),
    })


@require_safe
def reference(request):
    return render(request, "policy/reference.html", {
        "domains": queries.domains(),
        "departments": queries.departments(),
        "districts": queries.districts(),
        "funding_modes": queries.funding_modes(),
        "support_types": queries.support_types(),
        "funding_sources": queries.funding_sources(),
        "english": _english(),
    })
