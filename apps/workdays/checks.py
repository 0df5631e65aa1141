"""`manage.py check` warns when the holiday data of this year, or of next year near year end,
is missing (see calendar_coverage_warning)."""

from django.core.checks import Warning, register
from django.db import DatabaseError
from django.utils import timezone


@register("workdays")
def check_calendar_coverage(app_configs=None, **kwargs):
    from django.conf import settings

    from apps.workdays.calendar import WorkCalendar, calendar_coverage_warning, default_calendar

    try:
        cal = default_calendar()
    except DatabaseError:  # tables not migrated yet: judge by the package alone
        cal = WorkCalendar()
    message = calendar_coverage_warning(
        timezone.localdate(), cal, days_before_year_end=settings.WORKDAY_COVERAGE_WARNING_DAYS
    )
    if message:
        return [
            Warning(message, hint="在管理后台“工作日历 › 年度放假安排”录入放假通知。", id="workdays.W001")
        ]
    return []
