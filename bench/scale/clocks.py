"""Time for the order generator: instants as integer microseconds since the epoch (UTC), their
COPY text, and *stage clocks* — a stage's deadline, warning and escalation times as
`deadlines.stage_times` computes them, from tables filled once per local day."""

from __future__ import annotations

import datetime

from apps.workdays import calendar as cal_mod
from apps.workdays.calendar import CalendarMissing
from apps.workorders import deadlines
from apps.workorders.choices import LimitUnit

# Times in the simulation are integers: microseconds since the epoch (UTC). Adding, comparing
# and formatting them costs a fraction of what aware datetimes cost (str() of a datetime alone
# was ~1.5 µs, twenty times per order); the database gets the same instants.
US = 1_000_000
HOUR = 3600 * US
DAY = 86400 * US
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
ONE_US = datetime.timedelta(microseconds=1)
_DAY_TEXT = [str(datetime.date(1970, 1, 1) + datetime.timedelta(days=d)) + " " for d in range(65_000)]
_HMS_TEXT = [f"{h:02d}:{m:02d}:{s:02d}" for h in range(24) for m in range(60) for s in range(60)]


def to_us(value: datetime.datetime | None) -> int | None:
    return None if value is None else (value - EPOCH) // ONE_US


def to_datetime(us: int) -> datetime.datetime:
    return EPOCH + datetime.timedelta(microseconds=us)


def fmt(us: int | None) -> str | None:
    """COPY text of an instant: '2026-11-26 10:00:00.000000+00'."""
    if us is None:
        return None
    s, f = divmod(us, US)
    d, r = divmod(s, 86400)
    return f"{_DAY_TEXT[d]}{_HMS_TEXT[r]}.{f:06d}+00"


def local_offset(*instants: datetime.datetime) -> int:
    """The calendar's UTC offset in µs, which must be the same at every instant of the set
    (China time has had no daylight saving since 1991): a local day is then (t + offset) // DAY."""
    offsets = {cal_mod.CALENDAR_TZ.utcoffset(i.replace(tzinfo=None)) for i in instants}
    if len(offsets) != 1:
        raise RuntimeError(f"日历时区在生成期间偏移不固定：{offsets}")
    return offsets.pop() // ONE_US


# A stage's times, as the simulation keeps them: (due, warn, escalate, calendar missing) in µs,
# then the COPY text of due, warn and escalate.
NO_STAGE = (None, None, None, False, None, None, None)


def pack(times: deadlines.StageTimes) -> tuple:
    due, warn, esc = to_us(times.due_at), to_us(times.warn_at), to_us(times.escalate_at)
    return (due, warn, esc, times.calendar_missing, fmt(due), fmt(warn), fmt(esc))


def stage_clock(limit, *, level: str, escalatable: bool = True, offset: int, cap=None):
    """A function start (µs) → the stage's times: `deadlines.stage_times` remembered, never
    re-derived (the test suite checks every generated order against it):

    - a limit in days: the times depend only on the local start day, so they are computed once
      per day with `deadlines.stage_times` itself and looked up after that;
    - a limit in hours: the deadline is the start plus the hours, the warning a fixed time
      before it, and the escalation time (end of the N-th working day after the deadline's
      day) is computed once per deadline day;
    - with a cap (joint requests, 1 %): `deadlines.stage_times` on every call."""
    if cap is not None:

        def capped(start: int) -> tuple:
            return pack(
                deadlines.stage_times(
                    start=to_datetime(start), limit=limit, level=level, escalatable=escalatable, cap=cap
                )
            )

        return capped
    table: dict[int, tuple] = {}
    if limit.unit != LimitUnit.HOURS:

        def by_day(start: int) -> tuple:
            day = (start + offset) // DAY
            hit = table.get(day)
            if hit is None:
                hit = table[day] = pack(
                    deadlines.stage_times(
                        start=to_datetime(start), limit=limit, level=level, escalatable=escalatable
                    )
                )
            return hit

        return by_day
    # An hour limit's deadline and warning are the same span after any start: taken from
    # `deadlines` itself, as is whether the stage escalates.
    span = (deadlines.due_after(EPOCH, limit) - EPOCH) // ONE_US
    before = deadlines.warn_lead(limit) // ONE_US
    escalates = deadlines.escalates(level, escalatable)

    def by_hours(start: int) -> tuple:
        due = start + span
        warn = due - before
        if not escalates:
            return (due, warn, None, False, fmt(due), fmt(warn), None)
        day = (due - 1 + offset) // DAY  # the deadline's day: the last instant before it
        hit = table.get(day)
        if hit is None:
            try:
                esc = to_us(deadlines.escalate_after(to_datetime(due)))
                hit = table[day] = (esc, False, fmt(esc))
            except CalendarMissing:
                hit = table[day] = (None, True, None)
        return (due, warn, hit[0], hit[1], fmt(due), fmt(warn), hit[2])

    return by_hours
