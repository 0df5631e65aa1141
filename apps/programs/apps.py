from django.apps import AppConfig

from apps.core.contributions import Contribution, DemoStep, NavItem, Surface
from apps.core.roles import Role

_MODELS = (
    "servicearrangement",
    "collectionrecord",
    "fallbackagreement",
    "inspection",
    "pairingagreement",
    "milestone",
    "subsidyapplication",
    "plannercapacity",
)
VIEW = {f"programs.view_{m}" for m in _MODELS} | {"programs.view_coverage"}
COUNTY_DESK = VIEW | {
    "programs.add_servicearrangement",
    "programs.change_servicearrangement",
    "programs.assign_fallback",
    "programs.add_pairingagreement",
    "programs.change_pairingagreement",
    "programs.run_planner",
    "programs.approve_subsidy",
    "programs.disburse_subsidy",
    "programs.inspect_fallback",
}
GRANTS = {
    Role.CITY: VIEW,
    Role.COUNTY: COUNTY_DESK,
    Role.STREET: VIEW | {"programs.inspect_fallback", "programs.add_servicearrangement"},
    Role.COMMUNITY: VIEW | {"programs.inspect_fallback"},
    Role.COMPANY: VIEW | {"programs.sign_pairing", "programs.apply_subsidy", "programs.add_collectionrecord"},
    Role.COMMITTEE: {"programs.view_servicearrangement", "programs.view_collectionrecord"},
    Role.RESIDENT: {"programs.view_servicearrangement"},
}


class ProgramsConfig(AppConfig):
    name = "apps.programs"
    label = "programs"
    verbose_name = "物业服务覆盖（兜底与大手牵小手）"
    contribution = Contribution(
        report_sections=("apps.programs.report:section",),
        urls=("programs/", "apps.programs.urls"),
        api_router="apps.programs.api:router",
        nav=(NavItem("物业覆盖", "programs_overview", "programs.view_coverage", order=72, group="专项工作"),),
        grants=GRANTS,
        home_tiles="apps.programs.selectors:home_tiles",
        home_order=15,
        demo=DemoStep("apps.programs.demo", "物业服务安排：兜底、大手牵小手与财政补助", order=65),
        world="apps.programs.testing:world_objects",
        imports=("apps.programs.imports:arrangements",),
        # agreements and subsidies need unserved compounds the persona world does not have; their
        # scope per role is tested in apps/programs/tests/test_views.py
        scope_surfaces={
            "arrangement": Surface(
                "arrangement_list", "arrangement_detail", "programs/servicearrangement", "compound.name"
            ),
        },
        audit_verbs={
            "create": "新建",
            "update": "修改",
            "end": "终止",
            "assign": "指定兜底",
            "inspect": "巡查",
            "sign": "签订",
            "outcome": "记录过渡结果",
            "remind": "到期提醒",
            "apply": "申请",
            "approve": "审核通过",
            "refuse": "不予通过",
            "disburse": "拨付",
            "delete": "删除",
        },
        dashboard_panels=("apps.programs.panels:dashboard_panel",),
    )
