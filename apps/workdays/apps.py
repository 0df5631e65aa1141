from django.apps import AppConfig

from apps.core.contributions import Contribution, NavItem


class WorkdaysConfig(AppConfig):
    name = "apps.workdays"
    label = "workdays"
    verbose_name = "工作日历"
    contribution = Contribution(
        urls=("workdays/", "apps.workdays.urls"),
        nav=(NavItem("工作日历", "workday_calendar", "workdays.add_workdayyear", order=95),),
    )

    def ready(self):
        from apps.workdays import checks  # noqa: F401 — registers the calendar-coverage check
