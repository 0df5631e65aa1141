"""Reads of the working-day calendar: which years are known, and the banner officials see."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings

from apps.workdays.calendar import PACKAGE_YEARS, calendar_coverage_warning, default_calendar
from apps.workdays.models import WorkdayOverride, WorkdayYear


@dataclass
class YearRow:
    year: int
    source: str  # 内置 (the package) | 已录入 (a notice entered here) | 缺失
    record: WorkdayYear | None
    holidays: int
    workdays: int


def calendar_years(*, today: datetime.date) -> list[YearRow]:
    """This year, next year and every year entered here, newest first."""
    records = {r.year: r for r in WorkdayYear.objects.all()}
    years = sorted({today.year, today.year + 1, *records}, reverse=True)
    overrides = list(WorkdayOverride.objects.filter(date__year__in=years).values_list("date", "is_workday"))
    rows = []
    for year in years:
        if year in records:
            source = "已录入"
        elif year in PACKAGE_YEARS:
            source = "内置"
        else:
            source = "缺失"
        rows.append(
            YearRow(
                year=year,
                source=source,
                record=records.get(year),
                holidays=sum(1 for d, w in overrides if d.year == year and not w),
                workdays=sum(1 for d, w in overrides if d.year == year and w),
            )
        )
    return rows


def calendar_overrides(*, year: int) -> list[WorkdayOverride]:
    return list(WorkdayOverride.objects.filter(date__year=year).order_by("date"))


def calendar_banner_for(*, user, today: datetime.date) -> str | None:
    """The missing-holidays warning, for officials who can read the calendar; else None."""
    from apps.core.roles import OFFICIAL_ROLES

    if not (user.is_superuser or getattr(user, "role", None) in OFFICIAL_ROLES):
        return None
    if not user.has_perm("workdays.view_workdayyear"):
        return None
    return calendar_coverage_warning(
        today, default_calendar(), days_before_year_end=settings.WORKDAY_COVERAGE_WARNING_DAYS
    )
