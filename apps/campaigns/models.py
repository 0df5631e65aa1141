"""Campaigns (大排查) with inspections and problems; livelihood projects (民生项目) with sub-items;
joint meetings (联席会议, 三方联动) with agenda items and decisions (议定事项)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from apps.campaigns.choices import (
    CampaignStatus,
    Card,
    DecisionStatus,
    FundingSource,
    Handling,
    MeetingStatus,
    PhotoKind,
    ProblemStatus,
    ProjectStatus,
    Severity,
    SubItemStatus,
    UnitKind,
)
from apps.core.models import TimeStampedModel
from apps.core.scoping import PREFIX_LENGTH, Scope, q_region

USER = settings.AUTH_USER_MODEL


def _ancestor_prefixes(prefix: str) -> list[str]:
    """The prefixes of every region that contains the region of `prefix` (itself included)."""
    return sorted({prefix[:n] for n in PREFIX_LENGTH.values() if n <= len(prefix)})


def _compound_q(scope: Scope, via: str) -> Q | None:
    from apps.registry.models import Compound

    return Compound.scope_q(scope, via=f"{via}compound__")


# ------------------------------------------------------------------ campaigns
class Campaign(TimeStampedModel):
    """A special campaign (专项行动) a city or county runs over the compounds of some regions."""

    name = models.CharField("行动名称", max_length=100)
    region = models.ForeignKey(
        "regions.Region", verbose_name="发起区划", on_delete=models.PROTECT, related_name="+"
    )
    region_prefix = models.CharField("发起区划前缀", max_length=12, editable=False, db_index=True)
    start_date = models.DateField("开始日期")
    end_date = models.DateField("结束日期")
    regions = models.ManyToManyField(
        "regions.Region", verbose_name="排查范围", related_name="+", help_text="县区、街道或社区"
    )
    description = models.TextField("工作要求", blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.ACTIVE
    )
    created_by = models.ForeignKey(
        USER, verbose_name="发起人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_generated = models.BooleanField("演示数据（生成）", default=False)

    class Meta:
        verbose_name = "专项行动"
        verbose_name_plural = "专项行动"
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_end_after_start",
                condition=Q(end_date__gte=models.F("start_date")),
                violation_error_message="结束日期不能早于开始日期",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("campaign_detail", args=[self.pk])

    @property
    def audit_region_code(self) -> str:
        return self.region_id

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "结束日期不能早于开始日期"})

    @classmethod
    def scope_q(cls, scope: Scope, via: str = ""):
        """Officials of the launching region and of every region inside it."""
        if scope.region_prefix:
            return Q(**{f"{via}region_prefix__in": _ancestor_prefixes(scope.region_prefix)}) | Q(
                **{f"{via}region_prefix__startswith": scope.region_prefix}
            )
        return None


class ChecklistItem(models.Model):
    """One question of a campaign's inspection checklist."""

    campaign = models.ForeignKey(
        Campaign, verbose_name="专项行动", on_delete=models.CASCADE, related_name="items"
    )
    text = models.CharField("排查项目", max_length=200)
    position = models.PositiveSmallIntegerField("序号", default=0)

    class Meta:
        verbose_name = "排查清单项"
        verbose_name_plural = "排查清单项"
        ordering = ["campaign", "position", "id"]

    def __str__(self):
        return self.text


class Inspection(models.Model):
    """One compound's inspection in a campaign, recorded on a phone."""

    campaign = models.ForeignKey(
        Campaign, verbose_name="专项行动", on_delete=models.PROTECT, related_name="inspections"
    )
    compound = models.ForeignKey(
        "registry.Compound", verbose_name="小区", on_delete=models.PROTECT, related_name="inspections"
    )
    region_code = models.CharField("所属社区区划代码", max_length=12, editable=False, db_index=True)
    inspector = models.ForeignKey(
        USER, verbose_name="排查人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    inspected_at = models.DateTimeField("排查时间", default=timezone.now)
    answers = models.JSONField("清单答复", default=dict, blank=True, help_text="清单项编号 → 是否合格、说明")
    note = models.TextField("总体情况", blank=True)
    is_generated = models.BooleanField("演示数据（生成）", default=False)

    class Meta:
        verbose_name = "小区排查"
        verbose_name_plural = "小区排查"
        ordering = ["-inspected_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "compound"],
                name="%(app_label)s_%(class)s_one_per_compound",
                violation_error_message="该小区在本次行动中已有排查记录",
            )
        ]

    def __str__(self):
        return f"{self.compound.name}排查" if self.compound_id else "排查"

    def get_absolute_url(self):
        return reverse("inspection_detail", args=[self.pk])

    @property
    def audit_region_code(self) -> str:
        return self.region_code

    @classmethod
    def scope_q(cls, scope: Scope, via: str = ""):
        if scope.region_prefix:
            return q_region(scope, f"{via}region_code")
        return _compound_q(scope, via)


class Problem(models.Model):
    """A problem found in an inspection; it becomes a work order, a project, or joins a project."""

    inspection = models.ForeignKey(
        Inspection, verbose_name="排查记录", on_delete=models.CASCADE, related_name="problems"
    )
    campaign = models.ForeignKey(
        Campaign, verbose_name="专项行动", on_delete=models.PROTECT, related_name="+"
    )
    compound = models.ForeignKey(
        "registry.Compound", verbose_name="小区", on_delete=models.PROTECT, related_name="+"
    )
    region_code = models.CharField("所属社区区划代码", max_length=12, editable=False, db_index=True)
    description = models.TextField("问题描述")
    location = models.CharField("小区内位置", max_length=100, blank=True)
    severity = models.CharField("严重程度", max_length=10, choices=Severity.choices, default=Severity.MEDIUM)
    suggested_handling = models.CharField(
        "建议处置方式", max_length=12, choices=Handling.choices, default=Handling.PROJECT
    )
    status = models.CharField(
        "处置状态", max_length=12, choices=ProblemStatus.choices, default=ProblemStatus.OPEN
    )
    workorder = models.ForeignKey(
        "workorders.WorkOrder",
        verbose_name="转办工单",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="campaign_problems",
    )
    project = models.ForeignKey(
        "Project",
        verbose_name="民生项目",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="problems",
    )
    created_by = models.ForeignKey(
        USER, verbose_name="登记人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("登记时间", default=timezone.now)
    is_generated = models.BooleanField("演示数据（生成）", default=False)

    class Meta:
        verbose_name = "排查问题"
        verbose_name_plural = "排查问题"
        ordering = ["-created_at", "-id"]
        permissions = [("convert_problem", "可处置排查问题（转工单、立项、并入项目）")]
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_outcome_matches_status",
                condition=Q(status=ProblemStatus.OPEN)
                | Q(status=ProblemStatus.WORKORDER, workorder__isnull=False)
                | Q(status__in=[ProblemStatus.PROJECT, ProblemStatus.MERGED], project__isnull=False),
                violation_error_message="已处置的问题必须指明工单或民生项目",
            )
        ]

    def __str__(self):
        return self.description[:30]

    def get_absolute_url(self):
        return reverse("problem_detail", args=[self.pk])

    @property
    def audit_region_code(self) -> str:
        return self.region_code

    @classmethod
    def scope_q(cls, scope: Scope, via: str = ""):
        return Inspection.scope_q(scope, via)


class Photo(models.Model):
    """A photo of a problem, or a before/after photo of a progress update."""

    problem = models.ForeignKey(
        Problem, verbose_name="问题", null=True, blank=True, on_delete=models.CASCADE, related_name="photos"
    )
    progress = models.ForeignKey(
        "ProgressUpdate",
        verbose_name="进度",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="photos",
    )
    kind = models.CharField("类别", max_length=10, choices=PhotoKind.choices)
    file = models.FileField("文件", upload_to="campaigns/%Y/%m/")
    image_format = models.CharField("格式", max_length=8)
    width = models.PositiveIntegerField("宽")
    height = models.PositiveIntegerField("高")
    size = models.PositiveIntegerField("字节数")
    uploaded_by = models.ForeignKey(
        USER, verbose_name="上传人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("上传时间", default=timezone.now)

    class Meta:
        verbose_name = "照片"
        verbose_name_plural = "照片"
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_one_parent",
                condition=Q(problem__isnull=False, progress__isnull=True)
                | Q(problem__isnull=True, progress__isnull=False),
                violation_error_message="照片必须属于一个问题或一条进度",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()}{self.pk}"

    def get_absolute_url(self):
        return reverse("campaign_photo", args=[self.pk])

    @classmethod
    def scope_q(cls, scope: Scope, via: str = ""):
        a = Problem.scope_q(scope, f"{via}problem__")
        b = Project.scope_q(scope, f"{via}progress__subitem__project__")
        parts = [p for p in (a, b) if p is not None]
        if not parts:
            return None
        q = parts[0]
        for p in parts[1:]:
            q |= p
        return q


# ------------------------------------------------------------------ projects
class Project(TimeStampedModel):
    """A livelihood project (民生项目) of a compound, run as sub-items until all are accepted."""

    name = models.CharField("项目名称", max_length=100)
    compound = models.ForeignKey(
        "registry.Compound", verbose_name="小区", on_delete=models.PROTECT, related_name="+"
    )
    region_code = models.CharField("所属社区区划代码", max_length=12, editable=False, db_index=True)
    campaign = models.ForeignKey(
        Campaign,
        verbose_name="来源专项行动",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
    )
    source_order = models.ForeignKey(
        "workorders.WorkOrder",
        verbose_name="来源工单",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="campaign_projects",
    )
    description = models.TextField("项目说明", blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=ProjectStatus.choices, default=ProjectStatus.OPEN
    )
    closed_at = models.DateTimeField("完成时间", null=True, blank=True)
    created_by = models.ForeignKey(
        USER, verbose_name="立项人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_generated = models.BooleanField("演示数据（生成）", default=False)

    class Meta:
        verbose_name = "民生项目"
        verbose_name_plural = "民生项目"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source_order"],
                condition=Q(source_order__isnull=False),
                name="%(app_label)s_%(class)s_one_per_order",
                violation_error_message="该工单已转为民生项目",
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("project_detail", args=[self.pk])

    @property
    def audit_region_code(self) -> str:
        return self.region_code

    @staticmethod
    def progress_of(statuses) -> Fraction:
        """Share of sub-items accepted (验收); derived, never typed. No sub-items: 0."""
        statuses = list(statuses)
        if not statuses:
            return Fraction(0)
        return Fraction(sum(1 for s in statuses if s == SubItemStatus.ACCEPTED), len(statuses))

    @classmethod
    def scope_q(cls, scope: Scope, via: str = ""):
        """Officials of the region; the compound's company, committee and residents; a company
        or department responsible for one of its sub-items."""
        outer = OuterRef(f"{via}pk" if via else "pk")
        if scope.department_id:
            return Q(
                Exists(SubItem.objects.filter(project=outer, responsible_department_id=scope.department_id))
            )
        if scope.region_prefix:
            return q_region(scope, f"{via}region_code")
        if scope.company_id:
            return Q(**{f"{via}compound__company_id": scope.company_id}) | Q(
                Exists(SubItem.objects.filter(project=outer, responsible_company_id=scope.company_id))
            )
        if scope.compound_id:
            return Q(**{f"{via}compound_id": scope.compound_id})
        return None


class SubItem(TimeStampedModel):
    """A sub-item (子项目) of a project: one unit's job with its budget, funding and dates."""

    project = models.ForeignKey(
        Project, verbose_name="民生项目", on_delete=models.CASCADE, related_name="subitems"
    )
    name = models.CharField("子项目名称", max_length=100)
    responsible_kind = models.CharField("责任单位类型", max_length=12, choices=UnitKind.choices)
    responsible_unit = models.CharField("责任单位", max_length=100)
    responsible_company = models.ForeignKey(
        "registry.PropertyCompany",
        verbose_name="责任物业企业",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    responsible_department = models.ForeignKey(
        "registry.Department",
        verbose_name="责任职能部门",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    budget = models.DecimalField(
        "预算（元）",
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"), "预算不能小于0")],
    )
    funding_source = models.CharField("资金来源", max_length=20, choices=FundingSource.choices)
    planned_start = models.DateField("计划开工日期")
    planned_finish = models.DateField("计划完工日期")
    status = models.CharField(
        "状态", max_length=12, choices=SubItemStatus.choices, default=SubItemStatus.PLANNED
    )
    warn_at = models.DateTimeField("黄牌预警时间", null=True, blank=True)
    due_at = models.DateTimeField("完工期限", null=True, blank=True)
    calendar_missing = models.BooleanField("期限待定（缺节假日安排）", default=False)
    card = models.CharField("时限状态", max_length=8, choices=Card.choices, default=Card.NONE)
    card_changed_at = models.DateTimeField("亮牌时间", null=True, blank=True)
    started_at = models.DateTimeField("开工时间", null=True, blank=True)
    completed_at = models.DateTimeField("完工时间", null=True, blank=True)
    branch_accepted_by = models.ForeignKey(
        USER, verbose_name="党支部验收人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    branch_accepted_at = models.DateTimeField("党支部验收时间", null=True, blank=True)
    branch_note = models.TextField("党支部验收意见", blank=True)
    committee_accepted_by = models.ForeignKey(
        USER, verbose_name="业委会验收人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    committee_accepted_at = models.DateTimeField("业委会验收时间", null=True, blank=True)
    satisfaction_note = models.TextField("居民满意度说明", blank=True)
    accepted_at = models.DateTimeField("验收通过时间", null=True, blank=True)

    class Meta:
        verbose_name = "子项目"
        verbose_name_plural = "子项目"
        ordering = ["project", "planned_start", "id"]
        permissions = [
            ("report_progress_subitem", "可报告子项目进度"),
            ("accept_subitem", "可验收子项目"),
        ]
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_budget_not_negative",
                condition=Q(budget__gte=0),
                violation_error_message="预算不能小于0",
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_finish_after_start",
                condition=Q(planned_finish__gte=models.F("planned_start")),
                violation_error_message="计划完工日期不能早于计划开工日期",
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_accepted_by_both",
                condition=~Q(status=SubItemStatus.ACCEPTED)
                | Q(branch_accepted_at__isnull=False, committee_accepted_at__isnull=False),
                violation_error_message="验收须经小区党支部和业委会双方签字",
            ),
        ]
        indexes = [
            models.Index(
                fields=["due_at"],
                name="campaigns_subitem_sweep_idx",
                condition=Q(status__in=["planned", "in_progress"], card__in=["none", "yellow"]),
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("project_detail", args=[self.project_id]) + f"#subitem-{self.pk}"

    @property
    def audit_region_code(self) -> str:
        return self.project.region_code if self.project_id else ""

    def clean(self):
        from django.core.exceptions import ValidationError

        errors = {}
        if self.planned_start and self.planned_finish and self.planned_finish < self.planned_start:
            errors["planned_finish"] = "计划完工日期不能早于计划开工日期"
        if self.budget is not None and self.budget < 0:
            errors["budget"] = "预算不能小于0"
        if errors:
            raise ValidationError(errors)

    def card_at(self, now) -> str:
        """The card the sub-item deserves at `now`: only unfinished work is late."""
        if self.status not in (SubItemStatus.PLANNED, SubItemStatus.IN_PROGRESS):
            return Card.NONE
        if self.due_at is not None and now >= self.due_at:
            return Card.RED
        if self.warn_at is not None and now >= self.warn_at:
            return Card.YELLOW
        return Card.NONE

    @classmethod
    def scope_q(cls, scope: Scope, via: str = ""):
        return Project.scope_q(scope, f"{via}project__")


class ProgressUpdate(models.Model):
    """A progress report on a sub-item by its responsible unit, with before/after photos."""

    subitem = models.ForeignKey(
        SubItem, verbose_name="子项目", on_delete=models.CASCADE, related_name="updates"
    )
    note = models.TextField("进展情况")
    completes = models.BooleanField("已完工", default=False)
    reported_by = models.ForeignKey(
        USER, verbose_name="报告人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("报告时间", default=timezone.now)

    class Meta:
        verbose_name = "进度报告"
        verbose_name_plural = "进度报告"
        ordering = ["subitem", "created_at", "id"]

    def __str__(self):
        return self.note[:30]

    @classmethod
    def scope_q(cls, scope: Scope, via: str = ""):
        return SubItem.scope_q(scope, f"{via}subitem__")


# ------------------------------------------------------------------ joint meetings
class JointMeeting(TimeStampedModel):
    """A joint meeting (联席会议) convened by a street or community party organisation."""

    title = models.CharField("会议名称", max_length=120)
    convener_region = models.ForeignKey(
        "regions.Region", verbose_name="召集区划", on_delete=models.PROTECT, related_name="+"
    )
    region_code = models.CharField("召集区划代码", max_length=12, editable=False, db_index=True)
    convener_name = models.CharField("召集单位", max_length=100, help_text="如：盛庄街道党工委")
    compound = models.ForeignKey(
        "registry.Compound",
        verbose_name="涉及小区",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    scheduled_at = models.DateTimeField("会议时间")
    location = models.CharField("会议地点", max_length=100, blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    minutes = models.TextField("会议纪要", blank=True)
    held_at = models.DateTimeField("纪要记录时间", null=True, blank=True)
    created_by = models.ForeignKey(
        USER, verbose_name="召集人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_generated = models.BooleanField("演示数据（生成）", default=False)

    class Meta:
        verbose_name = "联席会议"
        verbose_name_plural = "联席会议"
        ordering = ["-scheduled_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_held_has_minutes",
                condition=~Q(status=MeetingStatus.HELD) | ~Q(minutes=""),
                violation_error_message="已召开的会议必须有会议纪要",
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("meeting_detail", args=[self.pk])

    @property
    def audit_region_code(self) -> str:
        return self.region_code

    @property
    def street_code(self) -> str:
        return self.region_code[:9]

    @classmethod
    def scope_q(cls, scope: Scope, via: str = ""):
        """Officials of the convening region and above, community officials for meetings about
        a compound of theirs; the compound's company and owners' committee. Not residents."""
        if scope.region_prefix:
            return q_region(scope, f"{via}region_code") | Q(
                **{f"{via}compound__community__pk__startswith": scope.region_prefix}
            )
        if scope.company_id:
            return Q(**{f"{via}compound__company_id": scope.company_id})
        if scope.committee_id and scope.compound_id:
            return Q(**{f"{via}compound_id": scope.compound_id})
        return None


class Invitee(models.Model):
    """A unit invited to a joint meeting, and whether it attended."""

    meeting = models.ForeignKey(
        JointMeeting, verbose_name="联席会议", on_delete=models.CASCADE, related_name="invitees"
    )
    kind = models.CharField("单位类型", max_length=12, choices=UnitKind.choices)
    unit_name = models.CharField("单位", max_length=100)
    person_name = models.CharField("参会人", max_length=50, blank=True)
    attended = models.BooleanField("出席", null=True, blank=True)

    class Meta:
        verbose_name = "参会单位"
        verbose_name_plural = "参会单位"
        ordering = ["meeting", "id"]

    def __str__(self):
        return self.unit_name


class AgendaItem(models.Model):
    """An item of a meeting's agenda; may link a whistle, an inspection problem or a project."""

    meeting = models.ForeignKey(
        JointMeeting, verbose_name="联席会议", on_delete=models.CASCADE, related_name="agenda"
    )
    title = models.CharField("议题", max_length=200)
    workorder = models.ForeignKey(
        "workorders.WorkOrder",
        verbose_name="关联工单",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="campaign_agenda_items",
    )
    problem = models.ForeignKey(
        Problem,
        verbose_name="关联排查问题",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agenda_items",
    )
    project = models.ForeignKey(
        Project,
        verbose_name="关联民生项目",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agenda_items",
    )
    position = models.PositiveSmallIntegerField("序号", default=0)
    added_by = models.ForeignKey(
        USER, verbose_name="提出人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "会议议题"
        verbose_name_plural = "会议议题"
        ordering = ["meeting", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "workorder"],
                condition=Q(workorder__isnull=False),
                name="%(app_label)s_%(class)s_order_once",
                violation_error_message="该工单已在本次会议议题中",
            )
        ]

    def __str__(self):
        return self.title


class Decision(TimeStampedModel):
    """A decision (议定事项) of a meeting: an owner unit, a deadline and the evidence to show."""

    meeting = models.ForeignKey(
        JointMeeting, verbose_name="联席会议", on_delete=models.CASCADE, related_name="decisions"
    )
    agenda_item = models.ForeignKey(
        AgendaItem,
        verbose_name="议题",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="decisions",
    )
    text = models.TextField("议定事项")
    owner_kind = models.CharField("责任单位类型", max_length=12, choices=UnitKind.choices)
    owner_unit = models.CharField("责任单位", max_length=100)
    deadline = models.DateField("完成期限")
    required_evidence = models.CharField("佐证材料要求", max_length=200)
    status = models.CharField(
        "状态", max_length=10, choices=DecisionStatus.choices, default=DecisionStatus.OPEN
    )
    warn_at = models.DateTimeField("黄牌预警时间", null=True, blank=True)
    due_at = models.DateTimeField("期限（截止时刻）", null=True, blank=True)
    escalate_at = models.DateTimeField("逾期督办时间", null=True, blank=True)
    calendar_missing = models.BooleanField("期限待定（缺节假日安排）", default=False)
    card = models.CharField("时限状态", max_length=8, choices=Card.choices, default=Card.NONE)
    card_changed_at = models.DateTimeField("亮牌时间", null=True, blank=True)
    escalated_at = models.DateTimeField("督办时间", null=True, blank=True)
    evidence_note = models.TextField("落实情况及佐证", blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    closed_by = models.ForeignKey(
        USER, verbose_name="办结确认人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    on_time = models.BooleanField("按期办结", null=True, blank=True)

    class Meta:
        verbose_name = "议定事项"
        verbose_name_plural = "议定事项"
        ordering = ["deadline", "id"]
        permissions = [("close_decision", "可确认议定事项办结")]
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_closed_has_evidence",
                condition=~Q(status=DecisionStatus.CLOSED) | ~Q(evidence_note=""),
                violation_error_message="办结的议定事项必须有落实情况及佐证",
            )
        ]
        indexes = [
            models.Index(
                fields=["due_at"],
                name="campaigns_decision_sweep_idx",
                condition=Q(status="open", card__in=["none", "yellow"]),
            ),
            models.Index(
                fields=["escalate_at"],
                name="campaigns_decision_esc_idx",
                condition=Q(status="open", escalated_at__isnull=True),
            ),
        ]

    def __str__(self):
        return self.text[:40]

    def get_absolute_url(self):
        return reverse("meeting_detail", args=[self.meeting_id]) + f"#decision-{self.pk}"

    @property
    def audit_region_code(self) -> str:
        return self.meeting.region_code if self.meeting_id else ""

    def card_at(self, now) -> str:
        if self.status != DecisionStatus.OPEN:
            return Card.NONE
        if self.due_at is not None and now >= self.due_at:
            return Card.RED
        if self.warn_at is not None and now >= self.warn_at:
            return Card.YELLOW
        return Card.NONE

    @classmethod
    def scope_q(cls, scope: Scope, via: str = ""):
        return JointMeeting.scope_q(scope, f"{via}meeting__")
