from django.apps import AppConfig

from apps.core.contributions import Contribution, DemoStep, NavItem, Surface
from apps.core.roles import Role


def _perms(*names: str, verbs=("view",)) -> set[str]:
    return {f"spaces.{verb}_{name}" for name in names for verb in verbs}


_ALL = ("publicspace", "spacedocument", "recoverycase", "servicecentre", "room", "booking", "bookingseries")
_VIEW_ALL = _perms(*_ALL, "spacerules")
_LEDGER_WRITE = _perms(
    "publicspace", "spacedocument", "recoverycase", "servicecentre", "room", verbs=("add", "change")
)
_BOOK = _perms("booking", "bookingseries", verbs=("add",))
_DESK = {"spaces.approve_booking", "spaces.checkin_booking"}

GRANTS = {
    Role.CITY: _VIEW_ALL | _LEDGER_WRITE | _perms("spacerules", verbs=("add", "change")) | _DESK,
    Role.COUNTY: _VIEW_ALL | _LEDGER_WRITE | _DESK,
    Role.STREET: _VIEW_ALL | _LEDGER_WRITE | _DESK,
    Role.COMMUNITY: _VIEW_ALL | _LEDGER_WRITE | _BOOK | _DESK,
    Role.COMPANY: _perms("publicspace", "spacedocument", "servicecentre", "room", "booking"),
    Role.COMMITTEE: _perms(
        "publicspace", "spacedocument", "recoverycase", "servicecentre", "room", "booking", "bookingseries"
    )
    | _perms("servicecentre", "room", verbs=("add", "change"))
    | _BOOK
    | _DESK,
    Role.DEPARTMENT: _perms("publicspace", "recoverycase", "spacedocument"),
    Role.RESIDENT: _perms("servicecentre", "room", "booking", "bookingseries") | _BOOK,
}


class SpacesConfig(AppConfig):
    name = "apps.spaces"
    label = "spaces"
    verbose_name = "公共用房"
    contribution = Contribution(
        report_sections=("apps.spaces.report:section",),
        urls=("spaces/", "apps.spaces.urls"),
        api_router="apps.spaces.api:router",
        nav=(
            NavItem("公共用房", "space_list", "spaces.view_publicspace", order=76, group="专项工作"),
            NavItem("活动室预约", "centre_list", "spaces.add_booking", order=77, group="专项工作"),
        ),
        grants=GRANTS,
        home_tiles="apps.spaces.selectors:home_tiles",
        demo=DemoStep(
            "apps.spaces.demo",
            "公共用房：台账、清理收回、党群服务中心与活动室预约",
            order=70,
            preflight="apps.accounts.demo:check_demo_password",  # the step makes demo users
        ),
        world="apps.spaces.testing:world_objects",
        imports=("apps.spaces.imports:spaces",),
        scope_surfaces={
            "publicspace": Surface("space_list", "space_detail", "spaces/publicspace", "name"),
            "recoverycase": Surface(
                "recovery_list", "recovery_detail", "spaces/recoverycase", "occupant_name"
            ),
            "servicecentre": Surface("centre_list", "centre_detail", "spaces/servicecentre", "name"),
        },
        audit_verbs={
            "found": "发现占用",
            "action": "联合清理",
            "recover": "收回",
            "hand_over": "移交",
            "convert": "建成服务阵地",
            "approve": "审批通过",
            "reject": "审批不通过",
            "cancel": "取消",
            "check_in": "签到",
            "report": "周期预约结果",
        },
        dashboard_panels=("apps.spaces.panels:dashboard_panel",),
    )
