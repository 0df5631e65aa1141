from django.apps import AppConfig

from apps.core.contributions import Contribution, NavItem
from apps.core.roles import Role, perms

VIEW = perms("workdays", ("workdayyear", "workdayoverride"), "view")


class WorkdaysConfig(AppConfig):
    name = "apps.workdays"
    label = "workdays"
    verbose_name = "工作日历"
    contribution = Contribution(
        urls=("workdays/", "apps.workdays.urls"),
        # In the bar for those who keep the calendar; officials reach it from the banner too.
        nav=(NavItem("工作日历", "workday_calendar", "workdays.add_workdayyear", order=95, group="设置"),),
        grants={
            Role.CITY: VIEW
            | perms("workdays", "workdayyear", "add", "change")
            | perms("workdays", "workdayoverride", "add", "change", "delete"),
            **{
                role: VIEW
                for role in (
                    Role.COUNTY,
                    Role.STREET,
                    Role.COMMUNITY,
                    Role.COMPANY,
                    Role.COMMITTEE,
                    Role.DEPARTMENT,
                )
            },
        },
    )

    def ready(self):
        from apps.workdays import checks  # noqa: F401 — registers the calendar-coverage check
