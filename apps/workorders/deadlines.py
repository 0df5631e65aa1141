"""Stage deadlines, yellow/red cards and automatic-escalation times.

Pure functions over the calendar (apps/workdays/calendar.py) plus one lookup of a category's
limits. A time that falls in a year without holiday data is left unset and the order is
flagged `calendar_missing` — the sweep fills it in once the year's notice is entered. Never a
weekends-only guess.
"""

from __future__ import annotations

import datetime
import time
from dataclasses import dataclass

from django.conf import settings

from apps.workdays import calendar as cal_mod
from apps.workdays.calendar import CalendarMissing, WorkCalendar
from apps.workorders.choices import Level, LimitUnit, SlaCard, Urgency
from apps.workorders.models.categories import Category, CategoryLimit, Limit, StageLimits

TICK = datetime.timedelta(microseconds=1)


_limits_cache: dict[tuple, tuple[float, StageLimits]] = {}


def limits_cache_clear() -> None:
    _limits_cache.clear()


def limits_for(*, category: Category, urgency: str, city_code: str) -> StageLimits:
    """This city and urgency → all cities and urgency → (urgent) the chain for 一般 → defaults.

    Cached per process for WORKORDER_LIMITS_CACHE_SECONDS (an edit through the services clears
    the editing process's cache at once; other processes see it within that time)."""
    key = (category.pk, category.updated_at, urgency, city_code)
    hit = _limits_cache.get(key)
    now = time.monotonic()
    if hit is not None and now - hit[0] < settings.WORKORDER_LIMITS_CACHE_SECONDS:
        return hit[1]
    limits = _limits_for(category=category, urgency=urgency, city_code=city_code)
    if len(_limits_cache) > 10_000:
        _limits_cache.clear()
    _limits_cache[key] = (now, limits)
    return limits


def _limits_for(*, category: Category, urgency: str, city_code: str) -> StageLimits:
    rows = {
        (r.urgency, r.city_code): r
        for r in CategoryLimit.objects.filter(category=category, city_code__in=[city_code, ""])
    }
    chain = [(urgency, city_code), (urgency, "")]
    if urgency != Urgency.NORMAL:
        chain += [(Urgency.NORMAL, city_code), (Urgency.NORMAL, "")]
    for key in chain:
        if key in rows:
            return rows[key].stage_limits
    return category.stage_limits


def joint_accept_cap() -> Limit:
    return Limit(settings.WORKORDER_JOINT_ACCEPT_LIMIT_WORKING_DAYS, LimitUnit.WORKING_DAYS)


def callback_limit() -> Limit:
    return Limit(settings.WORKORDER_CALLBACK_LIMIT_WORKING_DAYS, LimitUnit.WORKING_DAYS)


def return_limit() -> Limit:
    return Limit(settings.WORKORDER_RETURN_LIMIT_WORKING_DAYS, LimitUnit.WORKING_DAYS)


def due_after(start: datetime.datetime, limit: Limit, cal: WorkCalendar | None = None) -> datetime.datetime:
    """The deadline of `limit` counted from `start`. Raises CalendarMissing."""
    return cal_mod.deadline_after(start, limit.amount, limit.unit, cal)


def warn_before(due: datetime.datetime, limit: Limit, cal: WorkCalendar | None = None) -> datetime.datetime:
    """When the yellow card starts: N working days before a day-based deadline (the card shows
    during the last N working days), or when the last X % of an hour-based limit begins."""
    if limit.unit == LimitUnit.HOURS:
        return due - warn_lead(limit)
    n = settings.WORKORDER_YELLOW_BEFORE_WORKING_DAYS
    if n <= 0:
        return due
    last_day = cal_mod.local_date(due - TICK)
    return cal_mod.end_of_day(cal_mod.add_working_days(last_day, -n, cal))


def warn_lead(limit: Limit) -> datetime.timedelta:
    """How long before the deadline of an hour-based limit the yellow card starts: the last
    X % of the limit (the same for every start)."""
    return datetime.timedelta(hours=limit.amount * settings.WORKORDER_YELLOW_BEFORE_HOURS_PERCENT / 100)


def escalates(level: str, escalatable: bool = True) -> bool:
    """Whether an overdue stage at `level` is escalated by the sweep: not at the city (the top
    of the ladder), not a stage that cannot be (call-back, the return limit), not when switched off."""
    return escalatable and level != Level.CITY and settings.WORKORDER_AUTO_ESCALATE_OVERDUE


def escalate_after(due: datetime.datetime, cal: WorkCalendar | None = None) -> datetime.datetime:
    n = settings.WORKORDER_ESCALATE_AFTER_OVERDUE_WORKING_DAYS
    if n <= 0:
        return due
    last_day = cal_mod.local_date(due - TICK)
    return cal_mod.end_of_day(cal_mod.add_working_days(last_day, n, cal))


def card_at(now: datetime.datetime, *, warn_at, due_at) -> str:
    """Red from the deadline on, yellow from the warning time on, else none."""
    if due_at is not None and now >= due_at:
        return SlaCard.RED
    if warn_at is not None and now >= warn_at:
        return SlaCard.YELLOW
    return SlaCard.NONE


@dataclass(frozen=True)
class StageTimes:
    due_at: datetime.datetime | None = None
    warn_at: datetime.datetime | None = None
    escalate_at: datetime.datetime | None = None
    calendar_missing: bool = False
    missing_year: int | None = None

    def card(self, now: datetime.datetime) -> str:
        return card_at(now, warn_at=self.warn_at, due_at=self.due_at)


NO_STAGE = StageTimes()


def stage_times(
    *,
    start: datetime.datetime,
    limit: Limit,
    level: str,
    escalatable: bool = True,
    cap: Limit | None = None,
    cal: WorkCalendar | None = None,
) -> StageTimes:
    """Deadline, warning time and overdue-escalation time of a stage that starts at `start`.
    Any time that needs a year without holiday data stays None and `calendar_missing` is set."""
    missing_year = None
    try:
        due = due_after(start, limit, cal)
        if cap is not None:
            due = min(due, due_after(start, cap, cal))
    except CalendarMissing as exc:
        return StageTimes(calendar_missing=True, missing_year=exc.year)
    try:
        warn = warn_before(due, limit, cal)
    except CalendarMissing as exc:
        warn, missing_year = None, exc.year
    escalate = None
    if escalates(level, escalatable):
        try:
            escalate = escalate_after(due, cal)
        except CalendarMissing as exc:
            missing_year = exc.year
    return StageTimes(
        due_at=due,
        warn_at=warn,
        escalate_at=escalate,
        calendar_missing=missing_year is not None,
        missing_year=missing_year,
    )


def on_time(at: datetime.datetime, due: datetime.datetime | None) -> bool | None:
    """Met the deadline (None when the deadline is unknown: such events are not rated)."""
    return None if due is None else at < due


def extended_times(
    *, due: datetime.datetime, days: int, level: str, cal: WorkCalendar | None = None
) -> StageTimes:
    """The resolve stage's times after an approved extension of `days` working days, counted
    from the day of the current deadline (that day itself not counted, as for every limit): the
    new deadline is the end of the `days`-th working day after it. Raises CalendarMissing."""
    limit = Limit(days, LimitUnit.WORKING_DAYS)
    new_due = due_after(due - TICK, limit, cal)
    warn = warn_before(new_due, limit, cal)
    escalate = None
    if escalates(level):
        escalate = escalate_after(new_due, cal)
    return StageTimes(due_at=new_due, warn_at=warn, escalate_at=escalate)
