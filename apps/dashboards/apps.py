from django.apps import AppConfig

from apps.core.contributions import Contribution, NavItem


class DashboardsConfig(AppConfig):
    name = "apps.dashboards"
    label = "dashboards"
    verbose_name = "治理驾驶舱"
    contribution = Contribution(
        urls=("dashboard/", "apps.dashboards.urls"),
        api_router="apps.dashboards.api:router",
        nav=(NavItem("治理驾驶舱", "dashboard", "regions.view_region", order=10),),
    )
