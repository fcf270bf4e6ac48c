"""The server's clock, in one place: deadlines are decided here, and tests freeze it by patching `now`."""

from datetime import datetime

from django.utils import timezone


def now() -> datetime:
    """The current time, timezone-aware (stored in UTC, shown in Asia/Shanghai)."""
    return timezone.now()
