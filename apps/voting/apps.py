from django.apps import AppConfig

from apps.core.contributions import Contribution, DemoStep, NavItem, Surface
from apps.core.roles import Role

VIEW = {"voting.view_decision"}
# Organisers: the owners' committee; the community and street office where no committee can
# (山东 第28条: the street office convenes when the committee does not).
ORGANISE = {
    "voting.add_decision",
    "voting.change_decision",
    "voting.open_decision",
    "voting.close_decision",
    "voting.publish_decision",
    "voting.view_turnout",
    "voting.enter_paperballot",
    "voting.add_proxy",
    "voting.change_countingpolicyrecord",
    "voting.view_countingpolicyrecord",
}


class VotingConfig(AppConfig):
    name = "apps.voting"
    label = "voting"
    verbose_name = "业主共同决定"
    contribution = Contribution(
        urls=("voting/", "apps.voting.urls"),
        api_router="apps.voting.api:router",
        nav=(
            NavItem("业主表决", "voting_decision_list", "voting.view_decision", order=72, group="业主自治"),
        ),
        grants={
            Role.CITY: VIEW | {"voting.view_turnout", "voting.view_countingpolicyrecord"},
            Role.COUNTY: VIEW | {"voting.view_turnout", "voting.view_countingpolicyrecord"},
            Role.STREET: VIEW | ORGANISE,
            Role.COMMUNITY: VIEW | ORGANISE,
            Role.COMMITTEE: VIEW | ORGANISE,
            Role.COMPANY: VIEW,
            Role.RESIDENT: VIEW | {"voting.cast_ballot"},
        },
        home_tiles="apps.voting.selectors:home_tiles",
        demo=DemoStep("apps.voting.demo", "业主共同决定：表决事项、名册与选票", order=80),
        world="apps.voting.testing:world_objects",
        scope_surfaces={
            "decision": Surface("voting_decision_list", "voting_decision_detail", "voting/decision", "title")
        },
        audit_verbs={
            "create": "新建",
            "update": "修改",
            "open": "开始表决",
            "close": "截止表决",
            "publish": "公布结果",
            "cast": "投票（不含表决意见）",
            "enter": "录入纸质选票",
            "void": "作废",
            "publish_overdue": "提醒逾期未公布结果",
        },
    )

    def ready(self):
        from apps.core.audit import register_verbs

        register_verbs(dict(self.contribution.audit_verbs))  # harmless if core registers them too
