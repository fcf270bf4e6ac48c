"""The server's clock, in one place: deadlines are decided here, and tests freeze it by patching `now`."""

from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime

from django.utils import timezone

_set_to: ContextVar[datetime | None] = ContextVar("minsheng_clock_set_to", default=None)


def now() -> datetime:
    """The current time, timezone-aware (stored in UTC, shown in Asia/Shanghai)."""
    moment = _set_to.get()
    return moment if moment is not None else timezone.now()


@contextmanager
def reading(moment: datetime):
    """Run a block as if the clock read `moment`: the demo replays submissions made before a call closed."""
    token = _set_to.set(moment)
    try:
        yield
    finally:
        _set_to.reset(token)


def today() -> date:
    """Today's date where the platform is (TIME_ZONE, Asia/Shanghai), read from `now()`: a moved clock moves it."""
    return timezone.localdate(now())
