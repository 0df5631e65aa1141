from django.apps import AppConfig

from apps.core.contributions import Contribution, NavItem, Surface
from apps.core.roles import Role

VIEW = {"reports.view_monthlyreport"}
GENERATE = VIEW | {"reports.add_monthlyreport"}


class ReportsConfig(AppConfig):
    """物业治理月报: the monthly report of a city, county or street — PDF and Excel, archived."""

    name = "apps.reports"
    label = "reports"
    verbose_name = "物业治理月报"
    contribution = Contribution(
        urls=("reports/", "apps.reports.urls"),
        nav=(NavItem("月报", "report_list", "reports.view_monthlyreport", order=11),),
        grants={Role.CITY: GENERATE, Role.COUNTY: GENERATE, Role.STREET: GENERATE, Role.COMMUNITY: VIEW},
        world="apps.reports.testing:world_objects",
        scope_surfaces={
            "monthlyreport": Surface("report_list", "report_detail", "reports/monthlyreport", "title")
        },
        audit_verbs={"create": "生成月报", "regenerate": "重新生成月报"},
    )
