"""Reads of programmes and calls, scoped to what the user may see (rules.py says why)."""

from decimal import Decimal

from django.db.models import Q, QuerySet, Sum

from minsheng.calls import states
from minsheng.calls.models import Call, Programme
from minsheng.calls.rules import PUBLIC_STATES
from minsheng.core import clock
from minsheng.core.roles import is_auditor, is_department_officer, is_staff_officer

PHASES = ("open", "upcoming", "closed")


def calls_for(user) -> QuerySet[Call]:
    """Published and withdrawn calls for everyone; every call for officers and auditors; a department
    officer also the calls its department co-owns."""
    queryset = Call.objects.select_related("programme", "programme__source", "funding_mode", "support_type")
    if is_staff_officer(user) or is_auditor(user):
        return queryset
    if is_department_officer(user) and user.department_id:
        return queryset.filter(Q(state__in=PUBLIC_STATES) | Q(co_owners=user.department_id)).distinct()
    return queryset.filter(state__in=PUBLIC_STATES)


def detail_queryset(user) -> QuerySet[Call]:
    return calls_for(user).prefetch_related(
        "domains", "focus_directions", "co_owners", "topics__problems", "criteria", "rules__template")


def phase(call: Call, now=None) -> str:
    now = now or clock.now()
    if now < call.opens_at:
        return "upcoming"
    if now < call.closes_at:
        return "open"
    return "closed"


def filter_calls(queryset: QuerySet[Call], *, domain: str = "", when: str = "", state: str = "",
                 now=None) -> QuerySet[Call]:
    now = now or clock.now()
    if domain:
        queryset = queryset.filter(domains__code=domain)
    if when == "open":
        queryset = queryset.filter(opens_at__lte=now, closes_at__gt=now)
    elif when == "upcoming":
        queryset = queryset.filter(opens_at__gt=now)
    elif when == "closed":
        queryset = queryset.filter(closes_at__lte=now)
    if state:
        queryset = queryset.filter(state=state)
    return queryset.prefetch_related("domains", "co_owners").distinct()


def programmes_for(user) -> QuerySet[Programme]:
    if not user.has_perm("calls.view_programme"):
        return Programme.objects.none()
    committed = Sum("calls__budget", filter=Q(calls__state__in=states.COMMITTED))
    return Programme.objects.select_related("source").annotate(committed=committed)


def usage(programme: Programme) -> dict:
    """The envelope split into what the calls take (by state) and what is left, for the bar chart."""
    total = programme.budget or Decimal(0)
    rows = []
    for call in programme.calls.filter(state__in=states.COMMITTED).order_by("opens_at"):
        share = (call.budget / total * 100) if total else Decimal(0)
        rows.append({"call": call, "share": round(float(share), 2)})
    taken = sum((row["call"].budget for row in rows), Decimal(0))
    offset = 0.0
    for row in rows:
        row["offset"] = offset
        offset += row["share"]
    return {"rows": rows, "taken": taken, "remaining": total - taken,
            "taken_share": round(float(taken / total * 100), 1) if total else 0.0}
