"""The reporting periods of a project (M17), computed, never stored: from the signed task book's start and end
dates and the call's frequency. Pure: dates in, periods out.

Period k covers the months ((k-1)·n, k·n] after the start; the last one ends on the task book's end date. A
report for a period is due REPORT_GRACE_DAYS after the period ends.
"""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

# M17: the organisation reports its progress periodically; a report is due within 15 days after its period ends.
REPORT_GRACE_DAYS = 15


@dataclass(frozen=True)
class Period:
    number: int
    starts_on: date
    ends_on: date
    due_on: date


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the last day of that month when it is shorter (31 Jan + 1 = 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def periods(starts_on: date | None, ends_on: date | None, every_months: int) -> list[Period]:
    """The reporting periods between the two dates, every `every_months` months (none for 0 or missing dates)."""
    if not every_months or starts_on is None or ends_on is None or ends_on < starts_on:
        return []
    result, begin, k = [], starts_on, 1
    while begin <= ends_on:
        end = min(add_months(starts_on, k * every_months) - timedelta(days=1), ends_on)
        result.append(Period(k, begin, end, end + timedelta(days=REPORT_GRACE_DAYS)))
        begin, k = end + timedelta(days=1), k + 1
    return result


def period(starts_on: date | None, ends_on: date | None, every_months: int, number: int) -> Period | None:
    return next((p for p in periods(starts_on, ends_on, every_months) if p.number == number), None)
