"""The working-day calendar as pure functions: no database (explicit WorkCalendar objects)."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from apps.workdays.calendar import (
    DAYS,
    HOURS,
    WORKING_DAYS,
    CalendarMissing,
    WorkCalendar,
    add_days,
    add_hours,
    add_working_days,
    calendar_coverage_warning,
    deadline_after,
    is_workday,
    working_days_between,
)

D = datetime.date
TZ = ZoneInfo("Asia/Shanghai")
PACKAGE = WorkCalendar()  # the package alone, no overrides


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2026, 9, 19), False),  # Saturday
        (D(2026, 9, 20), True),  # Sunday, make-up working day for National Day (调休上班)
        (D(2026, 9, 25), False),  # Mid-Autumn Festival (Friday)
        (D(2026, 9, 30), True),
        *[(D(2026, 10, d), False) for d in range(1, 8)],  # National Day holidays 10-01 .. 10-07
        (D(2026, 10, 8), True),
        (D(2026, 10, 9), True),
        (D(2026, 10, 10), True),  # Saturday, make-up working day (调休上班)
        (D(2026, 10, 11), False),  # Sunday
    ],
)
def test_national_day_2026_with_make_up_days(day, expected):
    assert is_workday(day, PACKAGE) is expected


def test_start_day_is_not_counted_and_holidays_are_skipped():
    # Wednesday 09-30 + 1 working day: 10-01..07 are holidays, so the deadline is Thursday 10-08.
    assert add_working_days(D(2026, 9, 30), 1, PACKAGE) == D(2026, 10, 8)
    assert add_working_days(D(2026, 9, 29), 3, PACKAGE) == D(2026, 10, 9)
    # The make-up Saturday counts as a working day.
    assert add_working_days(D(2026, 10, 9), 1, PACKAGE) == D(2026, 10, 10)
    # Started on a holiday: the first working day after it is day 1.
    assert add_working_days(D(2026, 10, 3), 1, PACKAGE) == D(2026, 10, 8)
    # Counting backwards (the yellow card's start).
    assert add_working_days(D(2026, 10, 8), -1, PACKAGE) == D(2026, 9, 30)


def test_datetime_start_gives_the_end_of_the_last_day_in_china_time():
    start = datetime.datetime(2026, 9, 30, 15, 30, tzinfo=TZ)
    assert add_working_days(start, 1, PACKAGE) == datetime.datetime(
        2026, 10, 9, 0, 0, tzinfo=TZ
    )  # 10-08 24:00
    # 17:00 UTC on 09-30 is 01:00 on 10-01 in China: the start day is a holiday.
    utc = datetime.datetime(2026, 9, 30, 17, 0, tzinfo=datetime.UTC)
    assert add_working_days(utc, 1, PACKAGE) == datetime.datetime(2026, 10, 9, 0, 0, tzinfo=TZ)
    with pytest.raises(ValueError):
        add_working_days(datetime.datetime(2026, 9, 30, 15, 30), 1, PACKAGE)


def test_calendar_day_deadline_on_a_holiday_moves_to_the_next_working_day():
    # 民法典 第203条: 09-28 + 5 days = 10-03 (National Day) → 10-08.
    assert add_days(D(2026, 9, 28), 5, PACKAGE) == D(2026, 10, 8)
    # A plain weekend too: Friday 2026-03-06 + 1 day = Saturday → Monday 03-09.
    assert add_days(D(2026, 3, 6), 1, PACKAGE) == D(2026, 3, 9)
    # A make-up Saturday is a working day: no move.
    assert add_days(D(2026, 10, 9), 1, PACKAGE) == D(2026, 10, 10)


def test_hours_run_around_the_clock():
    start = datetime.datetime(2026, 9, 30, 23, 0, tzinfo=TZ)
    assert add_hours(start, 2) == datetime.datetime(2026, 10, 1, 1, 0, tzinfo=TZ)
    assert deadline_after(start, 24, HOURS, PACKAGE) == datetime.datetime(2026, 10, 1, 23, 0, tzinfo=TZ)
    with pytest.raises(ValueError):
        add_hours(datetime.datetime(2026, 9, 30, 23, 0), 2)


def test_deadline_after_dispatches_on_the_unit():
    start = datetime.datetime(2026, 9, 30, 10, 0, tzinfo=TZ)
    assert deadline_after(start, 1, WORKING_DAYS, PACKAGE) == datetime.datetime(2026, 10, 9, tzinfo=TZ)
    assert deadline_after(start, 2, DAYS, PACKAGE) == datetime.datetime(
        2026, 10, 9, tzinfo=TZ
    )  # 10-02 → 10-08
    with pytest.raises(ValueError):
        deadline_after(start, 1, "fortnights", PACKAGE)


def test_working_days_between():
    assert working_days_between(D(2026, 9, 30), D(2026, 10, 9), PACKAGE) == 2
    assert working_days_between(D(2026, 10, 9), D(2026, 9, 30), PACKAGE) == -2
    assert working_days_between(D(2026, 9, 30), D(2026, 9, 30), PACKAGE) == 0
    for n in range(1, 12):
        assert (
            working_days_between(D(2026, 9, 18), add_working_days(D(2026, 9, 18), n, PACKAGE), PACKAGE) == n
        )


def test_a_year_without_data_is_an_error_not_a_weekend_guess():
    with pytest.raises(CalendarMissing) as info:
        is_workday(D(2027, 1, 4), PACKAGE)
    assert info.value.year == 2027
    assert str(info.value) == "2027年的法定节假日安排尚未录入，请在“工作日历”中录入国务院办公厅的放假通知"
    # A deadline that runs into the unknown year fails the same way (12-31 is fine, 2027-01-01 is not).
    assert add_working_days(D(2026, 12, 30), 1, PACKAGE) == D(2026, 12, 31)
    with pytest.raises(CalendarMissing):
        add_working_days(D(2026, 12, 30), 2, PACKAGE)
    with pytest.raises(CalendarMissing):
        is_workday(D(2003, 6, 2), PACKAGE)


def test_an_override_alone_does_not_make_a_year_known():
    cal = WorkCalendar(overrides={D(2027, 1, 1): False})
    with pytest.raises(CalendarMissing):
        is_workday(D(2027, 1, 1), cal)


def test_a_declared_year_uses_its_overrides_and_weekdays():
    holidays = {D(2027, 1, 1): False, D(2027, 2, 6): True}  # a holiday Friday, a make-up Saturday
    cal = WorkCalendar(overrides=holidays, declared_years=frozenset({2027}))
    assert is_workday(D(2027, 1, 1), cal) is False
    assert is_workday(D(2027, 1, 4), cal) is True  # Monday
    assert is_workday(D(2027, 1, 2), cal) is False  # Saturday
    assert is_workday(D(2027, 2, 6), cal) is True
    assert add_working_days(D(2026, 12, 30), 2, cal) == D(2027, 1, 4)


def test_overrides_win_over_the_package():
    cal = WorkCalendar(overrides={D(2026, 10, 8): False, D(2026, 10, 3): True})
    assert is_workday(D(2026, 10, 8), cal) is False
    assert is_workday(D(2026, 10, 3), cal) is True
    assert add_working_days(D(2026, 9, 30), 1, cal) == D(2026, 10, 3)


def test_a_calendar_without_the_package():
    cal = WorkCalendar(use_package=False, declared_years=frozenset({2026}))
    assert is_workday(D(2026, 10, 1), cal) is True  # nothing entered: just a Thursday
    with pytest.raises(CalendarMissing):
        is_workday(D(2025, 10, 1), cal)


def test_coverage_warning_near_year_end():
    message = calendar_coverage_warning(D(2026, 11, 26), PACKAGE)
    assert message.startswith("2027年的法定节假日安排尚未录入")
    assert "35天" in message
    assert calendar_coverage_warning(D(2026, 10, 1), PACKAGE) is None  # more than 60 days left
    assert calendar_coverage_warning(D(2026, 11, 26), WorkCalendar(declared_years=frozenset({2027}))) is None
    assert calendar_coverage_warning(D(2027, 3, 1), PACKAGE).startswith(
        "2027年"
    )  # the year itself is unknown
