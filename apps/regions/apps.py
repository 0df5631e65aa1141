from django.apps import AppConfig

from apps.core.contributions import Contribution, DemoStep, NavItem, Surface
from apps.core.roles import OFFICIAL_ROLES, Role


class RegionsConfig(AppConfig):
    name = "apps.regions"
    label = "regions"
    verbose_name = "行政区划"
    contribution = Contribution(
        urls=("regions/", "apps.regions.urls"),
        api_router="apps.regions.api:router",
        nav=(NavItem("行政区划", "region_list", "regions.view_region", order=90, group="基础台账"),),
        grants={
            **{role: {"regions.view_region"} for role in OFFICIAL_ROLES},
            Role.CITY: {
                "regions.view_region",
                "regions.import_region",
                "regions.add_region",
                "regions.change_region",
            },
        },
        demo=DemoStep("apps.regions.demo", "区划：国家统计局区划代码，补充文章中 NBS 未收录的社区", order=10),
        imports=("apps.regions.imports:regions",),
        scope_surfaces={"community": Surface("region_list", "region_detail", "regions/region", "name")},
    )
