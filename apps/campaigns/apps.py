from django.apps import AppConfig

from apps.core.contributions import Contribution, DemoStep, NavItem, Surface
from apps.core.roles import Role


def _p(model: str, *verbs: str) -> set[str]:
    return {f"campaigns.{verb}_{model}" for verb in verbs}


VIEW = (
    _p("campaign", "view")
    | _p("checklistitem", "view")
    | _p("inspection", "view")
    | _p("problem", "view")
    | _p("photo", "view")
    | _p("project", "view")
    | _p("subitem", "view")
    | _p("progressupdate", "view")
    | _p("jointmeeting", "view")
    | _p("invitee", "view")
    | _p("agendaitem", "view")
    | _p("decision", "view")
)
LAUNCH = _p("campaign", "add", "change")
INSPECT = _p("inspection", "add") | {"campaigns.convert_problem"} | _p("project", "add", "change")
CONVENE = _p("jointmeeting", "add", "change") | _p("decision", "add") | {"campaigns.close_decision"}
PROJECT_VIEW = (
    _p("project", "view") | _p("subitem", "view") | _p("progressupdate", "view") | _p("photo", "view")
)

GRANTS = {
    Role.CITY: VIEW | LAUNCH | INSPECT,
    Role.COUNTY: VIEW | LAUNCH | INSPECT,
    # 山东省物业管理条例 第74条: the street convenes the joint meeting; community party
    # organisations convene the compound-level 三方联动 meeting.
    Role.STREET: VIEW | INSPECT | CONVENE,
    Role.COMMUNITY: VIEW | INSPECT | CONVENE | {"campaigns.accept_subitem"},
    Role.COMPANY: VIEW - _p("campaign", "view") | {"campaigns.report_progress_subitem"},
    Role.COMMITTEE: VIEW - _p("campaign", "view") | {"campaigns.accept_subitem"},
    Role.DEPARTMENT: PROJECT_VIEW
    | _p("jointmeeting", "view")
    | _p("decision", "view")
    | {"campaigns.report_progress_subitem"},
    Role.RESIDENT: PROJECT_VIEW,
}


# Audit verbs (the part after the dot) → Chinese labels.
VERB_LABELS = {
    "to_workorder": "转为工单",
    "to_project": "列入民生项目",
    "merge": "并入项目",
    "progress": "报告进度",
    "accept": "验收签字",
    "accept_refused": "验收不通过",
    "card": "亮牌",
    "hold": "记录会议纪要",
    "attendance": "记录出席",
    "escalate": "逾期督办",
    "lift_meeting": "提交联席会议",
    "lift_project": "转为民生项目",
}


class CampaignsConfig(AppConfig):
    name = "apps.campaigns"
    label = "campaigns"
    verbose_name = "大排查、民生项目与联席会议"

    contribution = Contribution(
        report_sections=("apps.campaigns.report:section",),
        page_panels={
            "workorders.workorder:order": ("apps.campaigns.panels:order_links_panel",),
            "workorders.workorder:track": ("apps.campaigns.panels:order_progress_panel",),
        },
        urls=("campaigns/", "apps.campaigns.urls"),
        api_router="apps.campaigns.api:router",
        nav=(
            NavItem("大排查", "campaign_overview", "campaigns.view_project", order=65, group="专项工作"),
            NavItem("联席会议", "meeting_list", "campaigns.view_jointmeeting", order=66, group="专项工作"),
        ),
        grants=GRANTS,
        home_tiles="apps.campaigns.selectors:home_tiles",
        demo=DemoStep("apps.campaigns.demo", "大排查、民生项目与联席会议", order=75),
        world="apps.campaigns.testing:world_objects",
        scope_surfaces={
            "campaign": Surface("campaign_list", "campaign_detail", "campaigns/campaign", "name"),
            "project": Surface("project_list", "project_detail", "campaigns/project", "name"),
            "meeting": Surface("meeting_list", "meeting_detail", "campaigns/jointmeeting", "title"),
        },
        audit_verbs=VERB_LABELS,
    )
