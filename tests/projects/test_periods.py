"""The reporting periods are computed from the task book's dates and the call's frequency (M17)."""

from datetime import date

from minsheng.projects.periods import REPORT_GRACE_DAYS, add_months, period, periods


def test_six_monthly_periods_over_two_years():
    found = periods(date(2027, 1, 1), date(2028, 12, 31), 6)
    assert [(p.number, p.starts_on, p.ends_on) for p in found] == [
        (1, date(2027, 1, 1), date(2027, 6, 30)), (2, date(2027, 7, 1), date(2027, 12, 31)),
        (3, date(2028, 1, 1), date(2028, 6, 30)), (4, date(2028, 7, 1), date(2028, 12, 31))]
    assert found[0].due_on == date(2027, 7, 15)
    assert REPORT_GRACE_DAYS == 15


def test_the_last_period_ends_with_the_task_book():
    found = periods(date(2027, 3, 15), date(2028, 1, 20), 6)
    assert [(p.starts_on, p.ends_on) for p in found] == [
        (date(2027, 3, 15), date(2027, 9, 14)), (date(2027, 9, 15), date(2028, 1, 20))]


def test_no_periods_without_a_frequency_or_dates():
    assert periods(date(2027, 1, 1), date(2028, 12, 31), 0) == []
    assert periods(None, date(2028, 12, 31), 6) == []
    assert periods(date(2028, 1, 1), date(2027, 12, 31), 6) == []


def test_month_ends_are_clamped():
    assert add_months(date(2027, 1, 31), 1) == date(2027, 2, 28)
    assert add_months(date(2027, 8, 31), 6) == date(2028, 2, 29)
    assert add_months(date(2027, 11, 30), 3) == date(2028, 2, 29)


def test_one_period_by_number():
    assert period(date(2027, 1, 1), date(2028, 12, 31), 12, 2).ends_on == date(2028, 12, 31)
    assert period(date(2027, 1, 1), date(2028, 12, 31), 12, 3) is None
