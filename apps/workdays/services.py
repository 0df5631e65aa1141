"""Writes to the working-day calendar. Every change clears this process's calendar cache at
once and again after commit (other processes notice within WORKDAY_CALENDAR_CACHE_SECONDS)."""

from __future__ import annotations

import datetime

from django.db import transaction

from apps.core.services import record_create, record_delete, record_update
from apps.workdays.calendar import calendar_cache_clear
from apps.workdays.models import WorkdayOverride, WorkdayYear


def _changed() -> None:
    calendar_cache_clear()
    transaction.on_commit(calendar_cache_clear)


@transaction.atomic
def workday_year_create(*, actor, data: dict) -> WorkdayYear:
    obj = record_create(model=WorkdayYear, data=data, actor=actor)
    _changed()
    return obj


@transaction.atomic
def workday_year_update(*, year: WorkdayYear, actor, data: dict) -> WorkdayYear:
    obj = record_update(obj=year, data=data, actor=actor)
    _changed()
    return obj


@transaction.atomic
def workday_year_delete(*, year: WorkdayYear, actor) -> None:
    record_delete(obj=year, actor=actor)
    _changed()


@transaction.atomic
def workday_override_create(*, actor, data: dict) -> WorkdayOverride:
    obj = record_create(model=WorkdayOverride, data=data, actor=actor)
    _changed()
    return obj


@transaction.atomic
def workday_override_update(*, override: WorkdayOverride, actor, data: dict) -> WorkdayOverride:
    obj = record_update(obj=override, data=data, actor=actor)
    _changed()
    return obj


@transaction.atomic
def workday_override_delete(*, override: WorkdayOverride, actor) -> None:
    record_delete(obj=override, actor=actor)
    _changed()


@transaction.atomic
def workday_notice_enter(
    *,
    actor,
    year: int,
    notice: str,
    holidays: list[datetime.date],
    workdays: list[datetime.date],
    note: str = "",
    published_on: datetime.date | None = None,
) -> WorkdayYear:
    """Enter one year's State Council notice at once: its holidays, its make-up working days,
    and the year marker that makes the year count as known."""
    from apps.core.errors import DomainError, ForbiddenError

    if actor is not None and not actor.has_perm("workdays.add_workdayyear"):
        raise ForbiddenError("您的角色无权录入放假通知。")
    for day in [*holidays, *workdays]:
        if day.year != year:
            raise DomainError(f"日期 {day:%Y-%m-%d} 不属于{year}年")
    if not holidays:
        raise DomainError(f"{year}年的放假通知至少应有一天放假")
    data = {"notice": notice, "note": note, "published_on": published_on}
    record = WorkdayYear.objects.filter(year=year).first()
    if record is None:
        record = record_create(model=WorkdayYear, data={"year": year, **data}, actor=actor)
    else:
        record = record_update(obj=record, data=data, actor=actor)
    # Re-entering a year (a corrected notice): its days the notice no longer names go.
    named = {*holidays, *workdays}
    for stale in WorkdayOverride.objects.filter(date__year=year).exclude(date__in=named):
        record_delete(obj=stale, actor=actor)
    for day, is_workday in [*((d, False) for d in holidays), *((d, True) for d in workdays)]:
        existing = WorkdayOverride.objects.filter(date=day).first()
        label = "调休上班" if is_workday else "法定节假日"
        if existing is None:
            record_create(
                model=WorkdayOverride,
                data={"date": day, "is_workday": is_workday, "note": label},
                actor=actor,
            )
        elif existing.is_workday != is_workday:
            record_update(obj=existing, data={"is_workday": is_workday, "note": label}, actor=actor)
    _changed()
    return record
