"""Reminders (M17): each app says what is due in its own `reminders.py` (settings.REMINDER_SOURCES), as
`due(now) -> Iterable[Reminder]`; `send_due`, queued by the scheduler every quarter of an hour, tells the people.

A reminder is sent once per occasion: its key names the object and the deadline or revision it is about, and is
claimed (core.schedule.claim) in the transaction that writes the notifications and queues the mails. Run twice,
or by two workers at once, it sends nothing the second time; a deadline moved later is a new occasion.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from minsheng.core import clock, jobs, mail, schedule
from minsheng.core.models import Occasion
from minsheng.notifications.services import notify, prefixed

KEY_PREFIX = "reminder:"


@dataclass(frozen=True)
class Reminder:
    key: str                    # the occasion, e.g. "review.overdue:12:202612011800"
    kind: str                   # a code of notifications/kinds.py
    recipients: list            # users: a notification each, a mail as each chose
    subject: str
    body: str
    target: object = None
    url: str = ""
    addresses: list = field(default_factory=list)   # people without an account: mail only


def sources() -> list[Callable]:
    return [import_string(f"{path}.due") for path in settings.REMINDER_SOURCES]


def _new(reminders: list[Reminder]) -> list[Reminder]:
    """Those whose occasion has not been claimed yet (read in one query; `claim` still decides)."""
    sent = set(Occasion.objects.filter(key__in=[KEY_PREFIX + r.key for r in reminders]).values_list("key", flat=True))
    return [r for r in reminders if KEY_PREFIX + r.key not in sent]


def send(reminders: Iterable[Reminder]) -> int:
    """Send each reminder whose occasion is new; returns how many were sent."""
    count = 0
    for reminder in _new(list(reminders)):
        with transaction.atomic():
            if not schedule.claim(KEY_PREFIX + reminder.key):
                continue
            notify(reminder.recipients, reminder.kind, reminder.subject, reminder.body, target=reminder.target,
                   url=reminder.url)
            mail.send_later([(prefixed(reminder.subject), reminder.body, [address]) for address in reminder.addresses])
        count += 1
    return count


@jobs.job(label=_("Reminders due"))
def send_due() -> int:
    """Every reminder due now, from every source, in the platform's language."""
    now = clock.now()
    with translation.override(settings.LANGUAGE_CODE):
        return sum(send(source(now)) for source in sources())
