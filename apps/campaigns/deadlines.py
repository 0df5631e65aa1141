"""Deadlines of sub-items and decisions on the working-day calendar (apps/workdays).

A sub-item's planned finish and a decision's deadline are days: the period ends at 24:00 of
that day, moved to the next working day when it is a rest day (民法典 第203条, RULES.md §4).
The yellow card shows during the last N working days (CAMPAIGNS_YELLOW_BEFORE_WORKING_DAYS);
an open decision is escalated to the convening level M working days after its deadline
(CAMPAIGNS_DECISION_ESCALATE_AFTER_WORKING_DAYS, 0 = at the deadline). A year without holiday
data leaves the times unset and flags `calendar_missing`, never a weekends-only guess.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings

from apps.workdays import calendar as cal_mod
from apps.workdays.calendar import CalendarMissing, WorkCalendar


@dataclass(frozen=True)
class DayTimes:
    due_at: datetime.datetime | None = None
    warn_at: datetime.datetime | None = None
    escalate_at: datetime.datetime | None = None
    calendar_missing: bool = False


def times_for_day(day: datetime.date, *, escalate: bool = False, cal: WorkCalendar | None = None) -> DayTimes:
    try:
        last = cal_mod.next_workday(day, cal)
        due = cal_mod.end_of_day(last)
        n = settings.CAMPAIGNS_YELLOW_BEFORE_WORKING_DAYS
        warn = cal_mod.end_of_day(cal_mod.add_working_days(last, -n, cal)) if n > 0 else due
        esc = None
        if escalate:
            m = settings.CAMPAIGNS_DECISION_ESCALATE_AFTER_WORKING_DAYS
            esc = cal_mod.end_of_day(cal_mod.add_working_days(last, m, cal)) if m > 0 else due
    except CalendarMissing:
        return DayTimes(calendar_missing=True)
    return DayTimes(due_at=due, warn_at=warn, escalate_at=esc)
