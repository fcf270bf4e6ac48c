"""Working days for the public notice (公示): mainland holidays and make-up working days from chinese-calendar.

chinese-calendar knows only the years the State Council has published; for a date in any other year it raises
NotImplementedError, and we count Monday to Friday instead (the result says so, and the page shows it).
Pure computation: no Django.
"""

from datetime import date, timedelta

import chinese_calendar


def is_workday(day: date) -> tuple[bool, bool]:
    """(is a working day, counted by the Monday–Friday fallback)."""
    try:
        return bool(chinese_calendar.is_workday(day)), False
    except NotImplementedError:
        return day.weekday() < 5, True


def notice_end(published: date, days: int) -> tuple[date, bool]:
    """The last day of a notice of `days` working days published on `published` (that day not counted), and
    whether any day of the count fell back to Monday–Friday."""
    if days < 1:
        raise ValueError("a notice lasts at least one working day")
    day, counted, fallback = published, 0, False
    while counted < days:
        day += timedelta(days=1)
        working, guessed = is_workday(day)
        fallback = fallback or guessed
        counted += working
    return day, fallback
