"""Optimistic concurrency: a form carries the version of the record it was made from, and a write made from an
older version is refused, not applied over someone else's change.

A record that two people can edit at once has an integer counter (`Application.version`, `TaskBook.revision`).
The service locks the row (select_for_update), calls `check_version` with the version the form carried, writes,
and calls `bump` to move the counter on. A stale write raises `StaleVersion`, a ValidationError whose message says
who changed the record and when (from its latest audit event), so the page shows it like any other refusal.
"""

from django.core.exceptions import ValidationError
from django.db.models import F, Model
from django.utils import timezone
from django.utils.translation import gettext as _

from minsheng.core import audit


class StaleVersion(ValidationError):
    """The record changed after the version the user read."""


def last_change(record: Model):
    """The latest audit event on the record: who changed it last, and when."""
    return audit.history_for(record).order_by("-seq").select_related("actor").first()


def check_version(locked: Model, expected: int, message: str, *, field: str = "version") -> None:
    """Refuse (StaleVersion) when the locked row's counter is not the one the form was made from.

    `message` names %(who)s and %(when)s: the last change's author and its time (Asia/Shanghai)."""
    if getattr(locked, field) == expected:
        return
    event = last_change(locked)
    who = (getattr(event.actor, "display_name", "") or event.actor_label) if event else _("another user")
    when = timezone.localtime(event.created_at).strftime("%Y-%m-%d %H:%M:%S") if event else ""
    raise StaleVersion(message % {"who": who, "when": when}, code="stale")


def bump(record: Model, *, field: str = "version", **also) -> None:
    """Move the counter on in the database (and on `record`), with any other columns written at the same time."""
    type(record)._default_manager.filter(pk=record.pk).update(**{field: F(field) + 1}, **also)
    setattr(record, field, getattr(record, field) + 1)
    for name, value in also.items():
        setattr(record, name, value)
