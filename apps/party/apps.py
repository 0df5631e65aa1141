from django.apps import AppConfig

from apps.core.contributions import Contribution, DemoStep, NavItem, Surface
from apps.core.roles import Role, perms

MODELS = ("partyorg", "partyinstructor", "partyorgrating", "redcollarsecretary")
VIEW = perms("party", MODELS, "view")


class PartyConfig(AppConfig):
    name = "apps.party"
    label = "party"
    verbose_name = "党建"
    contribution = Contribution(
        urls=("party/", "apps.party.urls"),
        api_router="apps.party.api:router",
        nav=(
            NavItem("党组织", "partyorg_list", "party.view_partyorg", order=40, group="党建引领"),
            NavItem(
                "红领书记", "secretary_list", "party.view_redcollarsecretary", order=45, group="党建引领"
            ),
        ),
        grants={
            Role.CITY: VIEW | perms("party", MODELS, "add", "change", "delete"),
            Role.COUNTY: VIEW | perms("party", MODELS, "add", "change"),
            Role.STREET: VIEW | perms("party", ("partyorg", "redcollarsecretary"), "add", "change"),
            Role.COMMUNITY: VIEW,
            Role.COMPANY: perms("party", ("partyorg", "partyinstructor", "partyorgrating"), "view"),
            Role.COMMITTEE: perms("party", "partyorg", "view"),
        },
        home_tiles="apps.party.selectors:home_tiles",
        home_order=20,
        demo=DemoStep(
            "apps.party.demo",
            "党建：红领书记、行业党委、企业党组织、联合党支部、小区党支部、星级评定",
            order=30,
        ),
        world="apps.party.testing:world_objects",
        imports=(
            "apps.party.imports:party_orgs",
            "apps.party.imports:instructors",
            "apps.party.imports:secretaries",
        ),
        scope_surfaces={
            "partyorg": Surface("partyorg_list", "partyorg_detail", "party/partyorg", "name"),
            "rating": Surface(None, None, "party/partyorgrating", "party_org.name"),
            "instructor": Surface("instructor_list", "instructor_detail", "party/partyinstructor", "name"),
            "secretary": Surface("secretary_list", "secretary_detail", "party/redcollarsecretary", "name"),
        },
    )
