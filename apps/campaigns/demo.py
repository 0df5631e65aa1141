"""Demo step: a 大排查、解难题、暖万家 campaign in 临沂 and in 菏泽, run through the services —
inspections of most compounds, problems turned into whistles, projects or merged, projects with
sub-items in every state, joint meetings with decisions (some closed on time, some late, some
overdue and escalated) — and the article's 万通盛世馨园: 10 livelihood projects with 21 sub-items
(停车位划分、水泥地铺设、房屋漏水 … solved one by one). The figure is counted, never typed.

Runs after the work-order step (it lifts a few whistles into projects and meetings). Dates are
relative to `today`; the sweep runs at the end so the cards are those of today.
"""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

from django.db.models import Count
from django.utils import timezone
from PIL import Image

from apps.campaigns import services
from apps.campaigns.choices import ProblemStatus, UnitKind
from apps.campaigns.sweep import campaigns_sweep
from apps.core.demo import HEZE, LINYI, LUOZHUANG, SHENGZHUANG, WANTONG, WANTONG_COMPOUND
from apps.workdays.calendar import CALENDAR_TZ

CAMPAIGN_NAME = "大排查、解难题、暖万家"
COUNTIES_PER_CAMPAIGN = 2
MAX_INSPECTIONS = 50  # per city: the demo stays quick; progress shows a campaign under way
CHECKLIST = [
    "主干道和地面是否硬化完好",
    "停车是否规范、有无占用绿化带和消防通道",
    "房屋有无漏水、外墙有无脱落",
    "垃圾是否及时清运",
    "路灯、监控等设施是否完好",
    "物业服务用房和公共用房是否落实",
]
# The article's ten projects of 万通盛世馨园 and their 21 sub-items (names beyond the three the
# article names are generated). (project, [(sub-item, unit kind, funding, budget)], state)
WANTONG_PROJECTS = [
    (
        "停车位的划分",
        [
            ("主干道停车位划线", "company", "company", 18000),
            ("绿化带内车辆清理", "community", "other", 0),
            ("新增停车位硬化", "company", "owners", 42000),
        ],
        "closed",
    ),
    (
        "水泥地铺设",
        [
            ("主干道水泥地铺设", "department", "fiscal", 160000),
            ("楼间通道铺设", "company", "fiscal", 85000),
            ("单元门前坡道", "company", "owners", 12000),
        ],
        "closed",
    ),
    (
        "房屋漏水治理",
        [
            ("3号楼屋面防水", "company", "maintenance_fund", 68000),
            ("6号楼外墙渗漏修复", "company", "maintenance_fund", 54000),
        ],
        "closed",
    ),
    (
        "主干道垃圾清运",
        [("积存垃圾清运", "company", "company", 9000), ("增设分类垃圾桶", "community", "fiscal", 6000)],
        "closed",
    ),
    (
        "党建广场建设",
        [("广场铺装", "department", "fiscal", 120000), ("凉亭和座椅", "department", "fiscal", 36000)],
        "closed",
    ),
    (
        "路灯维修",
        [
            ("主干道路灯更换", "company", "maintenance_fund", 21000),
            ("楼道声控灯", "company", "company", 4000),
        ],
        "closed",
    ),
    (
        "雨污管网疏通",
        [("化粪池清掏", "company", "company", 8000), ("雨水管改造", "department", "fiscal", 95000)],
        "in_progress",
    ),
    (
        "绿化带恢复",
        [("补种绿植", "company", "owners", 15000), ("围挡护栏", "company", "company", 7000)],
        "in_progress",
    ),
    ("监控安防", [("出入口监控", "company", "company", 26000)], "overdue"),
    (
        "楼道粉刷",
        [("1至4号楼楼道粉刷", "company", "owners", 32000), ("5至8号楼楼道粉刷", "company", "owners", 30000)],
        "planned",
    ),
]
OTHER_PROBLEMS = [
    ("小区主干道坑洼，雨天积水", "南门主干道", "project"),
    ("顶楼屋面漏水，墙面发霉", "2号楼", "project"),
    ("车辆乱停，消防通道被占", "北门", "meeting"),
    ("垃圾清运不及时", "东侧垃圾房", "workorder"),
    ("楼道堆放杂物", "3号楼", "workorder"),
    ("路灯损坏多盏", "中心花园", "project"),
    ("外墙瓷砖脱落", "5号楼", "project"),
    ("缺少电动车充电设施", "自行车棚", "project"),
]
PROJECT_SUBITEMS = {
    "小区主干道坑洼，雨天积水": [("路面修补", "company", "maintenance_fund", 38000)],
    "顶楼屋面漏水，墙面发霉": [
        ("屋面防水", "company", "maintenance_fund", 46000),
        ("墙面修复", "company", "company", 8000),
    ],
    "路灯损坏多盏": [("路灯更换", "company", "company", 12000)],
    "外墙瓷砖脱落": [
        ("外墙排险", "department", "fiscal", 30000),
        ("外墙修复", "company", "maintenance_fund", 90000),
    ],
    "缺少电动车充电设施": [
        ("充电桩安装", "company", "company", 25000),
        ("车棚改造", "company", "owners", 18000),
    ],
}


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=CALENDAR_TZ)


def _png(colour) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (320, 240), colour).save(buf, format="PNG")
    return buf.getvalue()


class Seeder:
    def __init__(self, *, rng, today, log):
        self.rng, self.today, self.log = rng, today, log
        self.before, self.after = _png((150, 120, 90)), _png((90, 160, 110))
        self.counts = {
            "inspections": 0,
            "problems": 0,
            "projects": 0,
            "subitems": 0,
            "meetings": 0,
            "decisions": 0,
        }
        from apps.accounts.models import User

        self.community_user = User.objects.filter(username="wantong_community").first()
        self.committee_user = User.objects.filter(username="committee_member").first()

    # ---------------------------------------------------------------- helpers
    def subitem(self, project, name, kind, funding, budget, *, start, finish):
        company = project.compound.company if kind == "company" else None
        item = services.subitem_add(
            actor=None,
            project=project,
            name=name,
            responsible_kind=kind,
            responsible_unit={"community": "社区居委会", "department": "区住房和城乡建设局"}.get(kind, "")
            or ("" if company else "小区自管组织"),
            responsible_company=company,
            budget=Decimal(budget),
            funding_source=funding,
            planned_start=start,
            planned_finish=finish,
        )
        self.counts["subitems"] += 1
        return item

    def advance(self, item, state: str, *, start: datetime.date):
        """Drive a sub-item to `state` (planned / in_progress / completed / accepted) in the past."""
        if state == "planned":
            return
        services.subitem_progress(
            actor=None, subitem=item, note="进场施工", before_photos=[self.before], now=_at(start, 9)
        )
        if state == "in_progress":
            return
        done = min(item.planned_finish - datetime.timedelta(days=self.rng.randint(0, 3)), self.today)
        done = max(done, start)
        services.subitem_progress(
            actor=None,
            subitem=item,
            note="施工完成，申请验收",
            completes=True,
            after_photos=[self.after],
            now=_at(done, 16),
        )
        if state == "completed":
            return
        accept_day = min(done + datetime.timedelta(days=2), self.today)
        services.subitem_accept(
            actor=None, side="branch", subitem=item, note="质量合格，同意验收", now=_at(accept_day, 10)
        )
        satisfaction = self.rng.choice(["业主满意", "居民普遍满意", "满意，建议加强日常维护"])
        if (
            self.committee_user is not None
            and self.committee_user.committee.compound_id == item.project.compound_id
        ):
            services.subitem_accept(
                actor=self.committee_user, subitem=item, note=satisfaction, now=_at(accept_day, 15)
            )
        else:
            services.subitem_accept(
                actor=None, side="committee", subitem=item, note=satisfaction, now=_at(accept_day, 15)
            )

    # ---------------------------------------------------------------- a city's campaign
    def city(self, city_code: str):
        from apps.regions.models import Region

        city = Region.objects.get(pk=city_code)
        # the campaign covers the counties with the most compounds (罗庄区 among them in 临沂)
        counties = list(
            Region.objects.filter(parent=city, level="county")
            .annotate(n=Count("children__children__compounds"))
            .order_by("-n", "code")[:COUNTIES_PER_CAMPAIGN]
        )
        if city_code == LINYI and LUOZHUANG not in {c.pk for c in counties}:
            counties[-1] = Region.objects.get(pk=LUOZHUANG)
        start = self.today - datetime.timedelta(days=150)
        campaign = services.campaign_create(
            actor=None,
            name=f"{city.name}“{CAMPAIGN_NAME}”专项行动",
            region=city,
            start_date=start,
            end_date=self.today + datetime.timedelta(days=20),
            regions=counties,
            checklist=CHECKLIST,
            description="全面排查小区环境、设施和物业服务短板，列出问题清单，按民生项目逐项解决。",
            is_generated=True,
        )
        compounds = list(
            services.compounds_in_scope(campaign).select_related("company", "community").order_by("code")
        )
        inspected = 0
        items = list(campaign.items.all())
        for compound in compounds:
            if compound.name == WANTONG_COMPOUND and compound.community_id == WANTONG:
                self.wantong(campaign, compound, items)
                continue
            if self.rng.random() > 0.7 or inspected >= MAX_INSPECTIONS:  # the campaign is still running
                continue
            self.inspect(campaign, compound, items, start)
            inspected += 1
        self.meetings(city_code, campaign)
        self.log(f"{city.name}：排查 {campaign.inspections.count()} 个小区")

    def inspect(self, campaign, compound, items, start):
        day = start + datetime.timedelta(days=self.rng.randint(0, 60))
        found = self.rng.sample(OTHER_PROBLEMS, self.rng.randint(0, 3))
        answers = {str(i.pk): {"ok": self.rng.random() > 0.4, "note": ""} for i in items}
        inspection = services.inspection_record(
            actor=None,
            campaign=campaign,
            compound=compound,
            answers=answers,
            note="",
            problems=[
                services.ProblemInput(
                    description=d,
                    location=loc,
                    severity=self.rng.choice(["low", "medium", "high"]),
                    suggested_handling=h,
                )
                for d, loc, h in found
            ],
            now=_at(day),
            is_generated=True,
        )
        self.counts["inspections"] += 1
        projects = []
        for problem in inspection.problems.order_by("pk"):
            self.counts["problems"] += 1
            subs = PROJECT_SUBITEMS.get(problem.description)
            if problem.suggested_handling == "workorder" and self.rng.random() < 0.3:
                self.to_workorder(problem, day)
            elif subs and projects and self.rng.random() < 0.25:
                services.problem_merge(actor=None, problem=problem, project=projects[0])
            elif subs:
                project = services.problem_to_project(
                    actor=None,
                    problem=problem,
                    name=problem.description[:12] + "整治",
                    now=_at(day + datetime.timedelta(days=3)),
                )
                projects.append(project)
                self.counts["projects"] += 1
                state = self.rng.choice(
                    ["accepted", "accepted", "in_progress", "completed", "planned", "overdue"]
                )
                plan = []
                for n, (name, kind, funding, budget) in enumerate(subs):
                    s, f = self.dates(state, day + datetime.timedelta(days=10 + 5 * n))
                    item = self.subitem(project, name, kind, funding, budget, start=s, finish=f)
                    sub_state = "in_progress" if state == "overdue" else state
                    plan.append((item, sub_state, min(s, self.today)))
                for item, sub_state, s in plan:
                    self.advance(item, sub_state, start=s)

    def dates(self, state: str, start: datetime.date) -> tuple[datetime.date, datetime.date]:
        """Planned start and finish that fit the state: accepted work finished in the past,
        running work due in the coming weeks, overdue work due some days ago."""
        r, today = self.rng.randint, self.today
        start = min(start, today - datetime.timedelta(days=30))
        if state == "accepted":
            return start, min(start + datetime.timedelta(days=r(10, 30)), today - datetime.timedelta(days=3))
        if state == "overdue":
            return start, max(start, today - datetime.timedelta(days=r(5, 20)))
        if state == "planned":
            s = today + datetime.timedelta(days=r(2, 10))
            return s, s + datetime.timedelta(days=r(7, 14))
        return start, today + datetime.timedelta(days=r(4, 20))  # in progress / completed

    def to_workorder(self, problem, day):
        from apps.workorders.models import Category

        category = (
            Category.objects.filter(code="sanitation", is_active=True).first()
            or Category.objects.filter(is_active=True).first()
        )
        services.problem_to_workorder(actor=None, problem=problem, category=category, now=_at(day, 11))

    # ---------------------------------------------------------------- 万通盛世馨园
    def wantong(self, campaign, compound, items):
        day = datetime.date(2020, 3, 10)  # the article: the secretary took office on 2020-02-24
        day = max(day, campaign.start_date)
        actor = (
            self.community_user if self.community_user and self.community_user.region_id == WANTONG else None
        )
        inspection = services.inspection_record(
            actor=actor,
            campaign=campaign,
            compound=compound,
            answers={str(i.pk): {"ok": False, "note": ""} for i in items},
            note="环境脏乱差：没有水泥地，主干道堆满垃圾，绿化带里停进汽车，多栋房屋漏水。",
            problems=[
                services.ProblemInput(
                    description=name, location="小区", severity="high", suggested_handling="project"
                )
                for name, _, _ in WANTONG_PROJECTS
            ],
            now=_at(day),
            is_generated=True,
        )
        self.counts["inspections"] += 1
        problems = {p.description: p for p in inspection.problems.all()}
        for n, (name, subs, state) in enumerate(WANTONG_PROJECTS):
            project = services.problem_to_project(
                actor=actor, problem=problems[name], name=name, now=_at(day + datetime.timedelta(days=2))
            )
            self.counts["projects"] += 1
            self.counts["problems"] += 1
            plan = []
            for k, (sub, kind, funding, budget) in enumerate(subs):
                if state == "closed":
                    s = day + datetime.timedelta(days=5 + 6 * n + 2 * k)
                    f = s + datetime.timedelta(days=20)
                    sub_state = "accepted"
                elif state == "overdue":
                    s, f = self.today - datetime.timedelta(days=50), self.today - datetime.timedelta(days=6)
                    sub_state = "in_progress"
                elif state == "in_progress":
                    s, f = (
                        self.today - datetime.timedelta(days=20),
                        self.today + datetime.timedelta(days=12 + 3 * k),
                    )
                    sub_state = "completed" if k == 0 else "in_progress"
                else:
                    s, f = self.today + datetime.timedelta(days=5), self.today + datetime.timedelta(days=25)
                    sub_state = "planned"
                s, f = min(s, f), f
                item = self.subitem(project, sub, kind, funding, budget, start=s, finish=f)
                plan.append((item, sub_state, min(s, self.today)))
            for item, sub_state, s in plan:  # all sub-items first: the last acceptance closes it
                self.advance(item, sub_state, start=s)

    # ---------------------------------------------------------------- joint meetings
    def meetings(self, city_code, campaign):
        from apps.campaigns.models import Problem, Project
        from apps.regions.models import Region
        from apps.registry.models import Compound
        from apps.workorders.models import WorkOrder

        streets = []
        if city_code == LINYI:
            streets.append(Region.objects.get(pk=SHENGZHUANG))
        streets += list(
            Region.objects.filter(level="street", code__startswith=city_code[:4])
            .exclude(pk=SHENGZHUANG)
            .filter(
                code__in=Compound.objects.filter(community__pk__startswith=city_code[:4]).values_list(
                    "community__parent_id", flat=True
                )
            )
            .order_by("code")[:3]
        )
        for n, street in enumerate(streets):
            compound = (
                Compound.objects.filter(community__parent=street, name=WANTONG_COMPOUND).first()
                or Compound.objects.filter(community__parent=street)
                .select_related("company")
                .order_by("code")
                .first()
            )
            if compound is None:
                continue
            held_day = self.today - datetime.timedelta(days=40 - 7 * n)
            invitees = [
                services.InviteeInput(UnitKind.BRANCH, f"{compound.name}党支部"),
                services.InviteeInput(UnitKind.COMMITTEE, f"{compound.name}业主委员会"),
                services.InviteeInput(
                    UnitKind.COMPANY, compound.company.name if compound.company else "代管单位"
                ),
                services.InviteeInput(UnitKind.DEPARTMENT, "区住房和城乡建设局"),
                services.InviteeInput(UnitKind.COMMUNITY, f"{compound.community.name}"),
            ]
            meeting = services.meeting_convene(
                actor=None,
                title=f"{street.name}物业管理联席会议（第{n + 1}次）",
                convener_region=street,
                convener_name=f"{street.name}党工委",
                scheduled_at=_at(held_day, 9),
                location=f"{compound.community.name}党群服务中心",
                compound=compound,
                invitees=invitees,
                is_generated=True,
            )
            self.counts["meetings"] += 1
            project = Project.objects.filter(compound=compound, status="open").first()
            if project:
                services.agenda_add(actor=None, meeting=meeting, project=project)
            problem = Problem.objects.filter(compound=compound, status=ProblemStatus.OPEN).first()
            if problem:
                services.agenda_add(actor=None, meeting=meeting, problem=problem)
            order = WorkOrder.objects.filter(
                region_code__startswith=street.code, status__in=["accepted", "signed"]
            ).first()
            if order:
                services.agenda_add(actor=None, meeting=meeting, workorder=order)
            if not meeting.agenda.exists():
                services.agenda_add(actor=None, meeting=meeting, title="小区停车和环境综合整治")
            services.meeting_record(
                actor=None,
                meeting=meeting,
                minutes="小区党支部、业委会、物业企业三方联动，街道协调有关部门，逐项议定解决办法：\n"
                "一、停车秩序由物业企业牵头整治，业委会组织业主协商车位方案；\n"
                "二、房屋漏水使用维修资金的，业委会按程序组织表决；\n三、议定事项按期办结，社区跟踪督办。",
                attended=[i.pk for i in meeting.invitees.all()][:4],
                now=_at(held_day, 11),
            )
            specs = [
                ("物业企业制定停车秩序整治方案并公示", UnitKind.COMPANY, 10, "公示照片", "on_time"),
                ("业委会组织业主就维修资金使用进行表决", UnitKind.COMMITTEE, 20, "表决结果公告", "late"),
                ("住建部门督促开发商移交物业服务用房", UnitKind.DEPARTMENT, 25, "移交协议", "open"),
                ("社区建立问题台账并每周通报进展", UnitKind.COMMUNITY, 60, "台账截图", "open"),
            ]
            items = list(meeting.agenda.all())
            for k, (text, kind, days, evidence, fate) in enumerate(specs):
                unit = next((i.unit_name for i in invitees if i.kind == kind), "社区居委会")
                d = services.decision_add(
                    actor=None,
                    meeting=meeting,
                    text=text,
                    owner_kind=kind,
                    owner_unit=unit,
                    deadline=held_day + datetime.timedelta(days=days),
                    required_evidence=evidence,
                    agenda_item=items[k % len(items)],
                )
                self.counts["decisions"] += 1
                if (
                    fate == "on_time"
                    and d.due_at
                    and d.due_at <= timezone.now() + datetime.timedelta(days=365)
                ):
                    services.decision_close(
                        actor=None,
                        decision=d,
                        evidence_note="已完成，佐证材料已上传",
                        now=min(d.due_at - datetime.timedelta(days=2), timezone.now()),
                    )
                elif fate == "late" and d.due_at and d.due_at + datetime.timedelta(days=3) < timezone.now():
                    services.decision_close(
                        actor=None,
                        decision=d,
                        evidence_note="已完成（逾期）",
                        now=d.due_at + datetime.timedelta(days=3),
                    )
        # one meeting still to come on 盛庄街道, so a whistle can be lifted onto it
        if city_code == LINYI:
            street = Region.objects.get(pk=SHENGZHUANG)
            services.meeting_convene(
                actor=None,
                title=f"{street.name}物业管理联席会议（下次）",
                convener_region=street,
                convener_name=f"{street.name}党工委",
                scheduled_at=_at(self.today + datetime.timedelta(days=7), 9),
                location="万通社区党群服务中心",
                invitees=[
                    services.InviteeInput(UnitKind.BRANCH, "万通盛世馨园党支部"),
                    services.InviteeInput(UnitKind.COMMITTEE, "万通盛世馨园业主委员会"),
                ],
                is_generated=True,
            )


def seed(*, rng, today, log) -> None:
    seeder = Seeder(rng=rng, today=today, log=log)
    for city in (LINYI, HEZE):
        seeder.city(city)
    report = campaigns_sweep()
    log("，".join(f"{k} {v}" for k, v in seeder.counts.items()) + f"；{report}")
