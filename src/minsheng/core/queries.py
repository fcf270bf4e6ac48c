"""Reads of the audit trail shared by its pages and its export."""

import datetime

from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from minsheng.core import labels
from minsheng.core.models import AuditChainHead, AuditEvent

# Beyond this many matching events a filtered count stops and the page says "more than"; counting a filter that
# matches most of a city's 200,000 events would cost more than the page of 50 it shows.
COUNT_BOUND = 10_000


def audit_events_for(user) -> QuerySet:
    """The events a user may read: the whole trail for auditors and administrators, nothing for others."""
    if user is None or not user.has_perm("accounts.view_audit_trail"):
        return AuditEvent.objects.none()
    return AuditEvent.objects.all()


def _start_of(day: datetime.date) -> datetime.datetime:
    """Midnight of a calendar day in the platform's time zone (Asia/Shanghai), as an aware datetime."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def filter_events(events: QuerySet, filters: dict) -> QuerySet:
    """Apply the cleaned filters of the audit filter form; newest first."""
    if filters.get("date_from"):
        events = events.filter(created_at__gte=_start_of(filters["date_from"]))
    if filters.get("date_to"):
        events = events.filter(created_at__lt=_start_of(filters["date_to"] + datetime.timedelta(days=1)))
    if filters.get("actor"):
        events = events.filter(actor_label__icontains=filters["actor"])
    if filters.get("action"):
        events = events.filter(action__startswith=filters["action"])
    if filters.get("target_type"):
        events = events.filter(target_type__in=labels.labels_of(filters["target_type"]))
    if filters.get("target_id"):
        events = events.filter(target_id=filters["target_id"])
    if filters.get("clause"):
        events = events.filter(clause=filters["clause"])
    if filters.get("q"):
        text = filters["q"]
        events = events.filter(Q(target_label__icontains=text) | Q(reason__icontains=text) | Q(target_id=text))
    return events.order_by("-seq")


def model_label(target_type: str) -> str:
    """The name of the kind of record an event is about (`registry.organisation` → 单位)."""
    if not target_type:
        return ""
    model = labels.model_of(target_type)
    return str(model._meta.verbose_name) if model is not None else target_type


def _distinct_values(column: str) -> list[str]:
    """The distinct non-empty values of an indexed column of the trail, one index probe per value (a loose index
    scan): a few dozen probes instead of reading every event, which DISTINCT does on SQLite and PostgreSQL."""
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    name = connection.ops.quote_name(column)
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH RECURSIVE v(x) AS (SELECT MIN({name}) FROM {table} WHERE {name} > '' UNION ALL "  # noqa: S608
            f"SELECT (SELECT MIN({name}) FROM {table} WHERE {name} > v.x) FROM v WHERE v.x IS NOT NULL) "
            f"SELECT x FROM v WHERE x IS NOT NULL")
        return sorted(value for (value,) in cursor.fetchall())


def event_count(events: QuerySet, filtered: bool) -> tuple[int, bool]:
    """How many events the list shows, and whether that number is exact.

    Unfiltered: the chain head's sequence number, which counts every event appended (the chain's check names any
    row missing or added behind the platform's back). Filtered: counted up to COUNT_BOUND + 1 rows, so that a broad
    filter does not read the whole trail; past the bound the number is COUNT_BOUND and not exact."""
    if not filtered:
        return AuditChainHead.objects.filter(pk=1).values_list("seq", flat=True).first() or 0, True
    counted = events.order_by()[:COUNT_BOUND + 1].count()
    return min(counted, COUNT_BOUND), counted <= COUNT_BOUND


def target_type_choices() -> list[tuple[str, str]]:
    types = _distinct_values("target_type")
    # A model that moved to another app is one kind of record, under today's label (core/labels.py).
    current = {labels.current(t) for t in types}
    return sorted(((t, model_label(t)) for t in current), key=lambda choice: choice[1])


def clause_codes() -> list[str]:
    return _distinct_values("clause")


def recorded_actions() -> list[str]:
    """Every action code the trail holds, for the filter."""
    return _distinct_values("action")
