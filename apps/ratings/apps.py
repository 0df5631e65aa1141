from django.apps import AppConfig

from apps.core.contributions import Contribution, DemoStep, NavItem
from apps.core.roles import Role

VIEW = {
    "ratings.view_ratingscheme",
    "ratings.view_ratinground",
    "ratings.view_ratingentry",
    "ratings.view_objection",
}
SURVEY_VIEW = {"ratings.view_surveycampaign", "ratings.view_surveytemplate"}


class RatingsConfig(AppConfig):
    name = "apps.ratings"
    label = "ratings"
    verbose_name = "星级评定与满意度测评"
    contribution = Contribution(
        report_sections=("apps.ratings.report:section",),
        page_panels={
            "party.partyorg": ("apps.ratings.panels:party_org_section",),
            "registry.compound": ("apps.ratings.panels:compound_section",),
        },
        urls=("ratings/", "apps.ratings.urls"),
        api_router="apps.ratings.api:router",
        nav=(
            NavItem("星级评定", "round_list", "ratings.view_ratinground", order=72, group="党建引领"),
            NavItem(
                "满意度测评",
                "survey_campaign_list",
                "ratings.view_surveycampaign",
                order=73,
                group="专项工作",
            ),
        ),
        grants={
            Role.CITY: VIEW
            | SURVEY_VIEW
            | {
                "ratings.add_ratingscheme",
                "ratings.add_ratinground",
                "ratings.approve_ratingentry",
                "ratings.answer_objection",
                "ratings.revoke_ratingentry",
                "ratings.add_surveycampaign",
                "ratings.add_surveytemplate",
                "ratings.add_objection",
            },
            Role.COUNTY: VIEW
            | SURVEY_VIEW
            | {
                "ratings.review_ratingentry",
                "ratings.answer_objection",
                "ratings.add_objection",
                "ratings.add_surveycampaign",
            },
            Role.STREET: VIEW | SURVEY_VIEW | {"ratings.review_ratingentry", "ratings.add_objection"},
            Role.COMMUNITY: VIEW | SURVEY_VIEW | {"ratings.add_objection", "ratings.view_survey_text"},
            Role.COMPANY: VIEW | {"ratings.selfassess_ratingentry", "ratings.add_objection"},
            Role.COMMITTEE: {"ratings.view_ratingentry", "ratings.add_objection"},
            Role.RESIDENT: {"ratings.view_ratingentry", "ratings.add_objection"},
        },
        home_tiles="apps.ratings.selectors:home_tiles",
        home_order=75,
        demo=DemoStep("apps.ratings.demo", "星级评定与满意度测评", order=85),
        audit_verbs={
            "open": "开启评定",
            "selfassess": "提交自评",
            "review": "审核打分",
            "approve": "审定",
            "publish": "开始公示",
            "finalize": "评定生效",
            "revoke": "撤销星级",
            "object": "提出异议",
            "answer": "答复异议",
            "respond": "提交测评",
            "new_version": "新版本",
            "notify": "发送通知",
        },
    )
