"""The database layer of the calendar: overrides and year notices entered through the services."""

import datetime

import pytest
import time_machine

from apps.core.models import Event
from apps.workdays import services
from apps.workdays.calendar import CalendarMissing, add_working_days, calendar_cache_clear, is_workday
from apps.workdays.checks import check_calendar_coverage

D = datetime.date


@pytest.fixture(autouse=True)
def _fresh_cache():
    calendar_cache_clear()
    yield
    calendar_cache_clear()


def test_an_override_takes_effect_at_once(db, users):
    assert is_workday(D(2026, 10, 8)) is True
    services.workday_override_create(
        actor=users["city"], data={"date": D(2026, 10, 8), "is_workday": False, "note": "示例：临时放假"}
    )
    assert is_workday(D(2026, 10, 8)) is False
    assert Event.objects.filter(verb="workdayoverride.create").count() == 1


@time_machine.travel(datetime.datetime(2026, 11, 26, 9, 0, tzinfo=datetime.UTC), tick=False)
def test_entering_next_years_notice_makes_the_year_known(db, users, settings):
    with pytest.raises(CalendarMissing):
        add_working_days(D(2026, 12, 30), 2)
    assert [w.id for w in check_calendar_coverage()] == ["workdays.W001"]
    services.workday_notice_enter(
        actor=users["city"],
        year=2027,
        notice="国务院办公厅关于2027年部分节假日安排的通知（示例）",
        holidays=[D(2027, 1, 1)],
        workdays=[],
    )
    assert add_working_days(D(2026, 12, 30), 2) == D(2027, 1, 4)
    assert is_workday(D(2027, 1, 1)) is False
    assert check_calendar_coverage() == []


def test_notice_dates_must_belong_to_the_year(db, users):
    from apps.core.errors import DomainError

    with pytest.raises(DomainError):
        services.workday_notice_enter(
            actor=users["city"], year=2027, notice="x", holidays=[D(2028, 1, 1)], workdays=[]
        )
