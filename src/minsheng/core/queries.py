"""Reads of the audit trail shared by its pages and its export."""

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from minsheng.core import labels
from minsheng.core.models import AuditEvent


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


def target_type_choices() -> list[tuple[str, str]]:
    types = AuditEvent.objects.exclude(target_type="").order_by().values_list("target_type", flat=True).distinct()
    # A model that moved to another app is one kind of record, under today's label (core/labels.py).
    current = {labels.current(t) for t in types}
    return sorted(((t, model_label(t)) for t in current), key=lambda choice: choice[1])


def clause_codes() -> list[str]:
    return sorted(AuditEvent.objects.exclude(clause="").order_by().values_list("clause", flat=True).distinct())


def recorded_actions() -> list[str]:
    """Every action code the trail holds, for the filter."""
    return sorted(AuditEvent.objects.order_by().values_list("action", flat=True).distinct())
