"""Reads of the report archive, scoped to the user (an official: their region and below)."""

from __future__ import annotations

from django.db.models import QuerySet

from apps.core.scoping import scope_of, scoped
from apps.regions.models import Region
from apps.reports.build import REPORT_LEVELS
from apps.reports.models import MonthlyReport


def report_list_for(*, user) -> QuerySet[MonthlyReport]:
    return scoped(MonthlyReport.objects.select_related("region", "generated_by"), user)


def report_regions_for(*, user) -> list[Region]:
    """The regions a user may generate a report for: their own and those below it, down to the
    streets (a superuser: the province and the cities)."""
    scope = scope_of(user)
    qs = scoped(Region.objects.filter(level__in=REPORT_LEVELS), user)
    if scope.everything:
        qs = qs.filter(level__in=("province", "city"))
    elif scope.region_code:
        qs = qs.filter(code__startswith=scope.region_prefix)
    return list(qs.order_by("code")[:2000])


def report_jobs_for(*, user) -> QuerySet:
    from apps.jobs.selectors import jobs_of
    from apps.reports.services import KIND

    return jobs_of(user).filter(kind=KIND)
