from django.apps import AppConfig

from apps.core.contributions import Contribution, DemoStep, NavItem, Surface
from apps.core.roles import Role, perms

MODELS = ("ownerscommittee", "committeemember")
VIEW = perms("committees", (*MODELS, "committeerules"), "view")
EDIT = perms("committees", MODELS, "add", "change")


class CommitteesConfig(AppConfig):
    name = "apps.committees"
    label = "committees"
    verbose_name = "业主委员会"
    contribution = Contribution(
        urls=("committees/", "apps.committees.urls"),
        api_router="apps.committees.api:router",
        nav=(
            NavItem(
                "业委会", "committee_list", "committees.view_ownerscommittee", order=50, group="业主自治"
            ),
        ),
        grants={
            Role.CITY: VIEW
            | perms("committees", MODELS, "add", "change", "delete")
            | perms("committees", "committeerules", "add", "change"),
            Role.COUNTY: VIEW | EDIT,
            Role.STREET: VIEW | EDIT,
            Role.COMMUNITY: VIEW | EDIT,
            Role.COMPANY: perms("committees", MODELS, "view"),
            Role.COMMITTEE: perms("committees", MODELS, "view"),
            Role.RESIDENT: perms("committees", "ownerscommittee", "view"),
        },
        home_tiles="apps.committees.selectors:home_tiles",
        home_order=30,
        demo=DemoStep("apps.committees.demo", "业委会：规则、业主委员会、物管会、党建指导员", order=40),
        world="apps.committees.testing:world_objects",
        imports=("apps.committees.imports:committees",),
        scope_surfaces={
            "committee": Surface(
                "committee_list", "committee_detail", "committees/ownerscommittee", "compound.name"
            ),
            "member": Surface(None, None, "committees/committeemember", "committee.compound.name"),
            "rules": Surface(
                "committeerules_list", "committeerules_detail", "committees/committeerules", "source"
            ),
        },
    )
