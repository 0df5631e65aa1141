from django.apps import AppConfig

from apps.core.contributions import Contribution, DemoStep, NavItem, Surface, Tiles
from apps.core.roles import Role, perms

MODELS = ("compound", "building", "unit", "owner", "ownerunit", "propertycompany", "department")
VIEW = perms("registry", MODELS, "view")
HOUSING = ("compound", "building", "unit", "owner", "ownerunit")


class RegistryConfig(AppConfig):
    name = "apps.registry"
    label = "registry"
    verbose_name = "小区与物业企业"
    contribution = Contribution(
        urls=("registry/", "apps.registry.urls"),
        api_router="apps.registry.api:router",
        nav=(
            NavItem("小区", "compound_list", "registry.view_compound", order=30, group="基础台账"),
            NavItem("物业企业", "company_list", "registry.view_propertycompany", order=35, group="基础台账"),
            NavItem("职能部门", "department_list", "registry.view_department", order=55, group="基础台账"),
        ),
        grants={
            Role.CITY: VIEW
            | perms("registry", MODELS, "add", "change", "delete")
            | {"registry.view_owner_pii", "registry.import_records"},
            Role.COUNTY: VIEW
            | perms("registry", MODELS, "add", "change", "delete")
            | {"registry.import_records"},
            Role.STREET: VIEW | perms("registry", HOUSING, "add", "change") | {"registry.import_records"},
            Role.COMMUNITY: VIEW
            | perms("registry", HOUSING, "add", "change")
            | {"registry.view_owner_pii", "registry.import_records"},
            Role.COMPANY: perms(
                "registry", ("compound", "building", "unit", "owner", "propertycompany"), "view"
            )
            | perms("registry", ("building", "unit"), "add", "change")
            | {"registry.view_owner_pii"},
            Role.COMMITTEE: perms(
                "registry", ("compound", "building", "unit", "owner", "propertycompany"), "view"
            ),
            Role.DEPARTMENT: perms("registry", ("compound", "propertycompany", "department"), "view"),
            Role.RESIDENT: perms("registry", ("compound", "propertycompany"), "view"),
        },
        tiles=(
            Tiles("apps.registry.selectors:home_tiles", order=10),
            Tiles("apps.registry.selectors:owner_tiles", order=90),
        ),
        demo=DemoStep(
            "apps.registry.demo", "登记：物业企业、小区、职能部门、示范小区的楼栋房屋业主", order=20
        ),
        world="apps.registry.testing:world_objects",
        imports=(
            "apps.registry.imports:units",
            "apps.registry.imports:compounds",
            "apps.registry.imports:buildings",
            "apps.registry.imports:companies",
            "apps.registry.imports:departments",
        ),
        scope_surfaces={
            "compound": Surface("compound_list", "compound_detail", "registry/compound", "name"),
            "company": Surface("company_list", "company_detail", "registry/propertycompany", "name"),
            "department": Surface("department_list", "department_detail", "registry/department", "name"),
            "building": Surface(None, "building_detail", "registry/building", "name"),
            "unit": Surface(None, "unit_detail", "registry/unit", "building.name"),
            "owner": Surface("owner_list", "owner_detail", "registry/owner", "masked_name"),
        },
    )
