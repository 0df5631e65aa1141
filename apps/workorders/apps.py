from django.apps import AppConfig

from apps.core.contributions import Contribution, DemoStep, NavItem
from apps.core.roles import Role, perms

VIEW = perms(
    "workorders",
    ("workorder", "workorderphoto", "assignment", "callback", "escalation", "category", "categorylimit"),
    "view",
) | perms("workorders", "handlermonthstat", "view")
# (The old map also granted view_regionmonthstat, a model that no longer exists: the region
# rollups are County/Street/CommunityMonthStat. Dropped rather than widened, so nobody gains access.)
# One permission per workflow verb (apps/workorders/choices.py VERBS).
# The desk of each level: dispatch, call back, close, send back for rework, escalate, merge, reject,
# decide on a unit's request for more time.
DESK = perms(
    "workorders",
    "workorder",
    *(
        "submit",
        "dispatch",
        "callback",
        "close",
        "reopen",
        "escalate",
        "merge",
        "reject",
        "approve_extension",
    ),
)
# Handling units (company, committee, department / street office) report in and do the work,
# and may ask for more time.
HANDLER = perms("workorders", "workorder", "sign", "return", "resolve", "extend") | {
    "workorders.view_reporter_pii"
}


class WorkordersConfig(AppConfig):
    name = "apps.workorders"
    label = "workorders"
    verbose_name = "业主吹哨、支部报到（工单）"
    contribution = Contribution(
        urls=("workorders/", "apps.workorders.urls"),
        api_router="apps.workorders.api:router",
        nav=(
            NavItem("吹哨工单", "workorder_list", "workorders.view_workorder", order=20),
            NavItem("分类时限", "category_list", "workorders.change_categorylimit", order=92, group="设置"),
        ),
        grants={
            Role.CITY: VIEW | DESK | perms("workorders", "categorylimit", "add", "change", "delete"),
            Role.COUNTY: VIEW | DESK,
            Role.STREET: VIEW | DESK,
            Role.COMMUNITY: VIEW
            | DESK
            | perms("workorders", "workorder", "accept")
            | {"workorders.view_reporter_pii"},
            Role.COMPANY: VIEW | HANDLER,
            Role.COMMITTEE: VIEW | HANDLER | perms("workorders", "workorder", "submit"),
            Role.DEPARTMENT: VIEW | HANDLER,
            Role.RESIDENT: perms("workorders", ("workorder", "workorderphoto", "category"), "view")
            | perms("workorders", "workorder", "submit", "callback"),
        },
        demo=DemoStep("apps.workorders.demo", "吹哨报到工单", order=60),
    )

    def ready(self):
        from apps.core.audit import register_verbs
        from apps.workorders.choices import VERBS

        register_verbs({**VERBS, "view_pii": "查看诉求人信息（未脱敏）", "deadline_set": "补算期限"})
