"""What the platform does on its own, on time (settings.SCHEDULE): the reminders every quarter of an hour, the audit
trail's check and the backup each night.

`minsheng scheduler` reads the clock every half minute and queues each entry that is due as a background job
(core/jobs.py), which the worker runs. A firing is keyed by the entry and its slot (the quarter hour, or the day)
and recorded as an Occasion in the same transaction as the job: a second scheduler, a restart or a clock read
twice queues nothing twice. A scheduler that was stopped fires, once started again, the current slot only, not
every slot it missed: reminders look at the state of things, not at the time they were due, so none is lost.
A platform's very first scheduler does not fire a nightly entry whose time had already passed that day (a
newcomer's first `make run` at noon writes no backup at once): nothing was missed, as nothing ran before.
"""

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from minsheng.core import clock, jobs
from minsheng.core.models import Occasion

logger = logging.getLogger("minsheng.jobs")
MINUTES_PER_DAY = 24 * 60
# Slots of the schedule are kept this long (reminders' occasions are kept: they say who was told what).
SLOTS_KEPT = datetime.timedelta(days=7)
SLOT_PREFIX = "schedule:"
FIRST_LOOK_PREFIX = "first-look:"            # when a scheduler first looked at an entry; kept


@dataclass(frozen=True)
class Entry:
    name: str
    job: str                                 # dotted path of a core.jobs job taking no argument
    every_minutes: int = 0                   # every N minutes (N divides a day) ...
    at: datetime.time | None = None          # ... or once a day, from this local time on

    def slot(self, moment: datetime.datetime) -> str | None:
        """The slot `moment` falls in (local time), or None before today's time of a daily entry."""
        local = timezone.localtime(moment)
        if self.every_minutes:
            minutes = local.hour * 60 + local.minute
            start = minutes - minutes % self.every_minutes
            return f"{local:%Y-%m-%d}T{start // 60:02d}:{start % 60:02d}"
        return f"{local:%Y-%m-%d}" if local.time() >= self.at else None

    @property
    def key_prefix(self) -> str:
        return f"{SLOT_PREFIX}{self.name}:"


def entries() -> list[Entry]:
    found = []
    for row in settings.SCHEDULE:
        every, at = int(row.get("every_minutes", 0)), row.get("at")
        if bool(every) == bool(at) or (every and MINUTES_PER_DAY % every):
            raise ImproperlyConfigured(f"SCHEDULE entry {row['name']!r} needs every_minutes (dividing a day) or "
                                       f"at (HH:MM), not both")
        found.append(Entry(row["name"], row["job"], every, datetime.time.fromisoformat(at) if at else None))
    return found


def claim(key: str) -> bool:
    """Record that `key` happened, in the caller's transaction; False if it already had (do nothing then).

    On PostgreSQL a second claim of the same key waits for the first transaction and then finds the key taken.
    """
    try:
        with transaction.atomic():
            Occasion.objects.create(key=key)
    except IntegrityError:
        return False
    return True


def _first_looks(moment: datetime.datetime) -> dict[str, datetime.datetime]:
    """When a scheduler first looked at each entry, recorded the first time: now, or when the entry first fired if
    a scheduler ran it before first looks were recorded."""
    seen = dict(Occasion.objects.filter(key__startswith=FIRST_LOOK_PREFIX).values_list("key", "created_at"))
    for entry in entries():
        key = FIRST_LOOK_PREFIX + entry.name
        if key not in seen:
            fired = (Occasion.objects.filter(key__startswith=entry.key_prefix).order_by("created_at")
                     .values_list("created_at", flat=True).first())
            seen[key] = Occasion.objects.get_or_create(key=key, defaults={"created_at": fired or moment})[0].created_at
    return {key.removeprefix(FIRST_LOOK_PREFIX): when for key, when in seen.items()}


def _passed_before_first_look(entry: Entry, first_look: datetime.datetime, moment: datetime.datetime) -> bool:
    """Whether today's time of a daily entry had passed when a scheduler first looked at it, that same day."""
    first, now = timezone.localtime(first_look), timezone.localtime(moment)
    return entry.at is not None and first.date() == now.date() and first.time() > entry.at


def tick(moment: datetime.datetime | None = None) -> list[str]:
    """Queue every entry whose current slot has not fired yet; returns the names queued."""
    moment = moment or clock.now()
    first_looks = _first_looks(moment)
    fired = []
    for entry in entries():
        slot = entry.slot(moment)
        if slot is None or _passed_before_first_look(entry, first_looks[entry.name], moment):
            continue
        with transaction.atomic():
            if claim(entry.key_prefix + slot):
                jobs.later(import_string(entry.job))
                fired.append(entry.name)
                logger.info("scheduled job %s queued for %s", entry.name, slot)
    Occasion.objects.filter(key__startswith=SLOT_PREFIX, created_at__lt=moment - SLOTS_KEPT).delete()
    return fired


def last_fired() -> dict[str, Occasion]:
    """Each entry's latest firing, for the operations page."""
    found = {}
    for entry in entries():
        latest = Occasion.objects.filter(key__startswith=entry.key_prefix).order_by("-created_at").first()
        if latest is not None:
            found[entry.name] = latest
    return found
