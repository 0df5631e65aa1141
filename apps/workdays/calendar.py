"""The Chinese working-day calendar (工作日 / 调休) and deadline arithmetic.

Pure functions: each takes an optional `cal` (a `WorkCalendar`); without it they use the calendar
loaded from the database (`default_calendar()`, cached per process). Sources, in order:

1. `WorkdayOverride` rows (admin-editable) — they win;
2. the `chinese-calendar` package (State Council notices 2004–2026 in version 1.11.0);
3. for a year the package does not know: Monday–Friday, but ONLY when a `WorkdayYear` row says
   that year's notice has been entered into the override table.

A day in a year known to neither raises `CalendarMissing` — never a silent weekends-only guess.

Deadline rules (民法典 第201–203条, RULES.md §4): the start day is not counted; a period ends at
24:00 of its last day, returned here as the following midnight (an exclusive bound: overdue
means `now >= deadline`); a last day that falls on a rest day moves to the next working day.
Hours are clock hours from the moment itself (第201条第2款): emergency and utility services run
around the clock (北京接诉即办条例 第19条), so holidays do not stop an hour clock.
"""

from __future__ import annotations

import datetime
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from chinese_calendar import constants as _cc_constants

# China has one time zone; the calendar does not depend on the server's settings.
CALENDAR_TZ = ZoneInfo("Asia/Shanghai")

# Units of a time limit (the values are stored in workorders.Category and friends).
WORKING_DAYS = "working_days"
DAYS = "days"
HOURS = "hours"
UNITS = (WORKING_DAYS, DAYS, HOURS)

PACKAGE_YEARS = frozenset(
    range(min(d.year for d in _cc_constants.holidays), max(d.year for d in _cc_constants.holidays) + 1)
)

_PACKAGE_WORKDAYS = frozenset(_cc_constants.workdays)  # make-up working days on weekends
_PACKAGE_HOLIDAYS = frozenset(_cc_constants.holidays)


class CalendarMissing(Exception):
    """No holiday data for a year: neither the package nor an entered notice covers it."""

    def __init__(self, year: int):
        self.year = year
        self.message = f"{year}年的法定节假日安排尚未录入，请在“工作日历”中录入国务院办公厅的放假通知"
        super().__init__(self.message)


@dataclass(frozen=True, eq=False)
class WorkCalendar:
    """Overrides and the years whose notice has been entered; `use_package=False` ignores the
    package (tests of the override path)."""

    overrides: Mapping[datetime.date, bool] = field(default_factory=dict)
    declared_years: frozenset[int] = frozenset()
    use_package: bool = True

    def covers(self, year: int) -> bool:
        return (self.use_package and year in PACKAGE_YEARS) or year in self.declared_years

    def is_workday(self, day: datetime.date) -> bool:
        if not self.covers(day.year):
            raise CalendarMissing(day.year)
        override = self.overrides.get(day)
        if override is not None:
            return override
        if self.use_package and day.year in PACKAGE_YEARS:
            # The package's own rule, without `chinese_calendar.is_workday`: that re-validates
            # the year with min()/max() over all ~700 holidays on every call (~100 µs; a 5-day
            # deadline around National Day took ~0.8 ms). The year is checked above.
            return day in _PACKAGE_WORKDAYS or (day.weekday() < 5 and day not in _PACKAGE_HOLIDAYS)
        return day.weekday() < 5  # a declared year: the notice's exceptions are all overrides


# ------------------------------------------------------------------ pure functions
def _cal(cal: WorkCalendar | None) -> WorkCalendar:
    return cal if cal is not None else default_calendar()


def local_date(value: datetime.date | datetime.datetime) -> datetime.date:
    """The calendar day of a date, or of an aware datetime in China time."""
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            raise ValueError("需要带时区的时间（aware datetime）")
        return value.astimezone(CALENDAR_TZ).date()
    return value


def end_of_day(day: datetime.date) -> datetime.datetime:
    """24:00 of a day in China time, i.e. the next midnight (exclusive deadline bound)."""
    return datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min, tzinfo=CALENDAR_TZ)


def is_workday(day: datetime.date | datetime.datetime, cal: WorkCalendar | None = None) -> bool:
    return _cal(cal).is_workday(local_date(day))


def next_workday(day: datetime.date, cal: WorkCalendar | None = None) -> datetime.date:
    """`day` itself if it is a working day, else the first working day after it."""
    c = _cal(cal)
    while not c.is_workday(day):
        day += datetime.timedelta(days=1)
    return day


def add_working_days(start, n: int, cal: WorkCalendar | None = None):
    """The n-th working day after the start day (the start day is not counted).

    A date gives a date; an aware datetime gives the deadline instant (24:00 of that day).
    Negative n counts backwards (the n-th working day before). n = 0 gives the start day
    itself, moved to the next working day if it is a rest day.
    """
    c = _cal(cal)
    day = local_date(start)
    step = datetime.timedelta(days=1 if n >= 0 else -1)
    if n == 0:
        day = next_workday(day, c)
    counted = 0
    while counted < abs(n):
        day += step
        if c.is_workday(day):
            counted += 1
    return end_of_day(day) if isinstance(start, datetime.datetime) else day


def add_days(start, n: int, cal: WorkCalendar | None = None):
    """n calendar days (自然日) after the start day; a last day on a rest day moves to the next
    working day (民法典 第203条). Date → date; aware datetime → deadline instant."""
    if n < 0:
        raise ValueError("期间天数不能为负数")
    day = next_workday(local_date(start) + datetime.timedelta(days=n), cal)
    return end_of_day(day) if isinstance(start, datetime.datetime) else day


def add_hours(start: datetime.datetime, hours: int | float) -> datetime.datetime:
    """Clock hours from the moment itself (民法典 第201条第2款); needs no calendar."""
    if not isinstance(start, datetime.datetime) or start.tzinfo is None:
        raise ValueError("按小时计算期限需要带时区的起始时间")
    if hours < 0:
        raise ValueError("期间小时数不能为负数")
    return start + datetime.timedelta(hours=hours)


def working_days_between(start, end, cal: WorkCalendar | None = None) -> int:
    """Working days after the start day up to and including the end day (negative if end is
    earlier). `working_days_between(d, add_working_days(d, n)) == n` for n > 0."""
    c = _cal(cal)
    a, b = local_date(start), local_date(end)
    sign = 1
    if b < a:
        a, b, sign = b, a, -1
    count = 0
    day = a
    while day < b:
        day += datetime.timedelta(days=1)
        if c.is_workday(day):
            count += 1
    return sign * count


def deadline_after(start: datetime.datetime, amount: int, unit: str, cal: WorkCalendar | None = None):
    """The deadline instant of a time limit of `amount` `unit`s starting at `start`."""
    if unit == WORKING_DAYS:
        return add_working_days(start, amount, cal)
    if unit == DAYS:
        return add_days(start, amount, cal)
    if unit == HOURS:
        return add_hours(start, amount)
    raise ValueError(f"未知的期限单位：{unit}")


def calendar_coverage_warning(
    today: datetime.date, cal: WorkCalendar | None = None, *, days_before_year_end: int = 60
) -> str | None:
    """A Chinese warning when this year, or next year within the last N days of the year, has no
    holiday data; None when all is well."""
    c = _cal(cal)
    if not c.covers(today.year):
        return CalendarMissing(today.year).message + "；目前所有按工作日计算的期限都无法计算。"
    days_left = (datetime.date(today.year, 12, 31) - today).days
    if days_left < days_before_year_end and not c.covers(today.year + 1):
        return (
            CalendarMissing(today.year + 1).message
            + f"。距年底还有{days_left}天，期限跨入{today.year + 1}年的工单将显示“日历缺失”，暂不计算期限。"
        )
    return None


# ------------------------------------------------------------------ the database-backed calendar
_lock = threading.Lock()
_cache: dict = {"calendar": None, "fingerprint": None, "checked": 0.0}


def _fingerprint():
    from django.db.models import Count, Max

    from apps.workdays.models import WorkdayOverride, WorkdayYear

    a = WorkdayOverride.objects.aggregate(n=Count("id"), m=Max("updated_at"))
    b = WorkdayYear.objects.aggregate(n=Count("id"), m=Max("updated_at"))
    return (a["n"], a["m"], b["n"], b["m"])


def _load() -> WorkCalendar:
    from apps.workdays.models import WorkdayOverride, WorkdayYear

    overrides = dict(WorkdayOverride.objects.values_list("date", "is_workday"))
    years = frozenset(WorkdayYear.objects.values_list("year", flat=True))
    return WorkCalendar(overrides=overrides, declared_years=years)


def default_calendar() -> WorkCalendar:
    """The calendar from the database, cached per process. The fingerprint of the override
    tables is re-checked at most every WORKDAY_CALENDAR_CACHE_SECONDS, so an edit made in
    another process is seen within that time; the editing process clears its cache at once."""
    from django.conf import settings

    ttl = getattr(settings, "WORKDAY_CALENDAR_CACHE_SECONDS", 60)
    now = time.monotonic()
    with _lock:
        cal = _cache["calendar"]
        if cal is not None and now - _cache["checked"] < ttl:
            return cal
    fingerprint = _fingerprint()
    with _lock:
        if _cache["calendar"] is None or fingerprint != _cache["fingerprint"]:
            _cache["calendar"] = _load()
            _cache["fingerprint"] = fingerprint
        _cache["checked"] = now
        return _cache["calendar"]


def calendar_cache_clear() -> None:
    with _lock:
        _cache.update(calendar=None, fingerprint=None, checked=0.0)
