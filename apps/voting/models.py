"""Owners' joint decisions (业主共同决定, 民法典 第278条): decisions, matters, the frozen roll,
ballots chained by hash, paper double entry and proxies. The arithmetic lives in tally.py."""

from __future__ import annotations

import datetime
import hashlib
import json

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from apps.core.models import TimeStampedModel
from apps.core.scoping import Scope
from apps.voting.choices import (
    MATTER_CHOICES,
    AreaBasis,
    Channel,
    Choice,
    DecisionForm,
    DecisionStatus,
    PaperStatus,
)
from apps.voting.tally import MATTERS, RULE_LABELS, CountingPolicy, rule_for


def _compound_scope(scope: Scope, via: str):
    from apps.registry.models import Compound

    return Compound.scope_q(scope, via=f"{via}compound__")


class CountingPolicyRecord(TimeStampedModel):
    """A compound's counting method where its assembly's rules depart from the statute (山东 第25条)."""

    compound = models.OneToOneField(
        "registry.Compound", verbose_name="小区", on_delete=models.PROTECT, related_name="counting_policy"
    )
    developer_units_one_person = models.BooleanField("开发建设单位未售房屋合计按一人计算", default=True)
    multi_unit_owner_one_person = models.BooleanField("一人拥有多套房屋按一人计算", default=True)
    abstention_participates = models.BooleanField("弃权计入参与表决", default=True)
    silence_follows_majority = models.BooleanField(
        "未参与表决视为同意多数意见",
        default=False,
        help_text="仅在业主大会议事规则明确约定时启用；启用会记入操作记录并在结果公告中载明",
    )
    basis = models.CharField("依据（议事规则条款）", max_length=200)

    class Meta:
        verbose_name = "表决计票规则（本小区约定）"
        verbose_name_plural = "表决计票规则（本小区约定）"
        ordering = ["compound_id"]

    def __str__(self):
        return f"{self.compound}计票规则" if self.compound_id else "计票规则"

    @property
    def audit_region_code(self) -> str:
        return self.compound.community_id

    def policy(self) -> CountingPolicy:
        return CountingPolicy(
            developer_units_one_person=self.developer_units_one_person,
            multi_unit_owner_one_person=self.multi_unit_owner_one_person,
            abstention_participates=self.abstention_participates,
            silence_follows_majority=self.silence_follows_majority,
        )

    def clean(self):
        if self.policy().deviations and not (self.basis or "").strip():
            raise ValidationError({"basis": "偏离法定计票方法时须写明业主大会议事规则的依据条款"})

    @classmethod
    def scope_q(cls, scope: Scope, via: str = ""):
        return _compound_scope(scope, via)


class Decision(TimeStampedModel):
    """A joint decision put to the owners of a compound (表决事项), with one or more matters."""

    compound = models.ForeignKey(
        "registry.Compound", verbose_name="小区", on_delete=models.PROTECT, related_name="decisions"
    )
    title = models.CharField("表决名称", max_length=120)
    form = models.CharField("表决形式", max_length=10, choices=DecisionForm.choices)
    status = models.CharField(
        "状态", max_length=10, choices=DecisionStatus.choices, default=DecisionStatus.DRAFT, db_index=True
    )
    opens_at = models.DateTimeField("投票开始")
    closes_at = models.DateTimeField("投票截止")
    description = models.TextField("说明", blank=True)
    organiser = models.ForeignKey(
        "committees.OwnersCommittee",
        verbose_name="召集的业委会",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decisions",
    )
    # Links (issue 14, item 6): the committee whose members come from this decision's result.
    elects_committee = models.ForeignKey(
        "committees.OwnersCommittee",
        verbose_name="选举产生的业委会",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="election_decisions",
    )
    elects_company = models.ForeignKey(
        "registry.PropertyCompany",
        verbose_name="选聘的物业服务企业",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Frozen at opening: the counting policy in force (statutory unless the compound's record says).
    policy = models.JSONField("计票规则（开始表决时确定）", default=dict, blank=True)
    policy_basis = models.CharField("计票规则依据", max_length=200, blank=True)
    roll_frozen_at = models.DateTimeField("名册冻结时间", null=True, blank=True)
    closed_at = models.DateTimeField("实际截止时间", null=True, blank=True)
    close_note = models.CharField("提前截止理由", max_length=200, blank=True)
    published_at = models.DateTimeField("公布时间", null=True, blank=True)
    notice_until = models.DateField("公示截止", null=True, blank=True)
    keep_until = models.DateField("档案保存至", null=True, blank=True)
    chain_head = models.CharField("选票链末端摘要", max_length=64, blank=True)
    ballot_count = models.PositiveIntegerField("选票记录数", default=0)
    is_generated = models.BooleanField("演示数据（生成）", default=False)

    class Meta:
        verbose_name = "业主共同决定"
        verbose_name_plural = "业主共同决定"
        ordering = ["-opens_at", "-id"]
        permissions = [
            ("open_decision", "可开始表决（冻结名册）"),
            ("close_decision", "可截止表决"),
            ("publish_decision", "可公布表决结果"),
            ("view_turnout", "可查看实时参与情况"),
            ("cast_ballot", "可投票（业主）"),
        ]
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_period_ordered",
                condition=Q(closes_at__gt=models.F("opens_at")),
                violation_error_message="投票截止时间必须晚于开始时间",
            )
        ]
        indexes = [models.Index(fields=["compound", "status"], name="voting_decision_comp_status")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("voting_decision_detail", args=[self.pk])

    @property
    def audit_region_code(self) -> str:
        return self.compound.community_id

    def counting_policy(self) -> CountingPolicy:
        return CountingPolicy.from_dict(self.policy)

    def is_accepting(self, now) -> bool:
        return self.status == DecisionStatus.OPEN and self.opens_at <= now < self.closes_at

    def clean(self):
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": "投票截止时间必须晚于开始时间"})

    @classmethod
    def scope_q(cls, scope: Scope, via: str = ""):
        return _compound_scope(scope, via)


class Matter(models.Model):
    """One matter of a decision, classified as an item of 民法典 第278条 (the rule follows from it)."""

    decision = models.ForeignKey(
        Decision, verbose_name="表决", on_delete=models.CASCADE, related_name="matters"
    )
    position = models.PositiveSmallIntegerField("序号", default=1)
    number = models.PositiveSmallIntegerField(
        "第278条事项",
        choices=MATTER_CHOICES,
        validators=[
            MinValueValidator(1, "事项编号应为1至9（民法典第二百七十八条）"),
            MaxValueValidator(9, "事项编号应为1至9（民法典第二百七十八条）"),
        ],
    )
    title = models.CharField("事项内容", max_length=200)
    result = models.JSONField("计票结果（截止时）", default=dict, blank=True)

    class Meta:
        verbose_name = "表决事项"
        verbose_name_plural = "表决事项"
        ordering = ["decision_id", "position", "id"]
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_number_in_278",
                condition=Q(number__gte=1, number__lte=9),
                violation_error_message="事项编号应为1至9（民法典第二百七十八条）",
            )
        ]

    def __str__(self):
        return f"{self.position}. {self.title}"

    @property
    def rule(self) -> str:
        return rule_for(self.number)

    @property
    def rule_label(self) -> str:
        return RULE_LABELS[self.rule]

    @property
    def statute_title(self) -> str:
        return MATTERS.get(self.number, ("", ""))[0]

    @property
    def audit_region_code(self) -> str:
        return self.decision.compound.community_id

    @classmethod
    def scope_q(cls, scope: Scope, via: str = ""):
        return _compound_scope(scope, f"{via}decision__")


class RollVoter(models.Model):
    """One person on a decision's frozen roll for the headcount (司法解释 第9条), with their area."""

    decision = models.ForeignKey(
        Decision, verbose_name="表决", on_delete=models.CASCADE, related_name="voters"
    )
    key = models.CharField("计票身份", max_length=200)
    label = models.CharField("名称（脱敏）", max_length=200)
    area = models.DecimalField("专有部分面积合计（㎡）", max_digits=12, decimal_places=2)
    is_developer = models.BooleanField("开发建设单位", default=False)
    owners = models.ManyToManyField(
        "registry.Owner", verbose_name="业主", related_name="roll_entries", blank=True
    )

    class Meta:
        verbose_name = "表决权人（名册）"
        verbose_name_plural = "表决权人（名册）"
        ordering = ["decision_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "key"],
                name="%(app_label)s_%(class)s_unique_key",
                violation_error_message="名册中已有该表决权人",
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_area_positive",
                condition=Q(area__gt=0),
                violation_error_message="表决权人的专有部分面积必须大于0",
            ),
        ]

    def __str__(self):
        return self.label

    @property
    def audit_region_code(self) -> str:
        return self.decision.compound.community_id

    @classmethod
    def scope_q(cls, scope: Scope, via: str = ""):
        return _compound_scope(scope, f"{via}decision__")


class RollUnit(models.Model):
    """An exclusive part on the frozen roll: its area and which rule of 第8条 gave it."""

    decision = models.ForeignKey(
        Decision, verbose_name="表决", on_delete=models.CASCADE, related_name="roll_units"
    )
    voter = models.ForeignKey(
        RollVoter, verbose_name="表决权人", on_delete=models.CASCADE, related_name="units"
    )
    unit = models.ForeignKey("registry.Unit", verbose_name="房屋", on_delete=models.PROTECT, related_name="+")
    label = models.CharField("房屋", max_length=80)
    area = models.DecimalField("专有部分面积（㎡）", max_digits=9, decimal_places=2)
    area_basis = models.CharField("面积依据", max_length=10, choices=AreaBasis.choices)
    developer_held = models.BooleanField("开发建设单位未售出", default=False)

    class Meta:
        verbose_name = "名册房屋"
        verbose_name_plural = "名册房屋"
        ordering = ["decision_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "unit"],
                name="%(app_label)s_%(class)s_unique_unit",
                violation_error_message="该房屋已在名册中",
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_area_positive",
                condition=Q(area__gt=0),
                violation_error_message="名册房屋的专有部分面积必须大于0",
            ),
        ]

    def __str__(self):
        return self.label


class Proxy(TimeStampedModel):
    """An owner's written authorisation for another owner to vote in one decision (潍坊 第32条)."""

    decision = models.ForeignKey(
        Decision, verbose_name="表决", on_delete=models.CASCADE, related_name="proxies"
    )
    principal = models.ForeignKey(
        RollVoter, verbose_name="委托人", on_delete=models.PROTECT, related_name="proxies_given"
    )
    agent = models.ForeignKey(
        "registry.Owner",
        verbose_name="受托人（本小区业主）",
        on_delete=models.PROTECT,
        related_name="proxies_held",
    )
    document = models.FileField("授权委托书（扫描件）", upload_to="voting/proxies/%Y/%m/", max_length=200)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "表决委托"
        verbose_name_plural = "表决委托"
        ordering = ["decision_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "principal"],
                name="%(app_label)s_%(class)s_one_per_principal",
                violation_error_message="该业主在本次表决中已委托他人",
            )
        ]

    def __str__(self):
        return f"{self.principal} → {self.agent}"

    @property
    def audit_region_code(self) -> str:
        return self.decision.compound.community_id

    @classmethod
    def scope_q(cls, scope: Scope, via: str = ""):
        return _compound_scope(scope, f"{via}decision__")


class PaperBallot(TimeStampedModel):
    """A signed paper ballot, entered twice by two different staff; only a match is counted."""

    decision = models.ForeignKey(
        Decision, verbose_name="表决", on_delete=models.CASCADE, related_name="paper_ballots"
    )
    voter = models.ForeignKey(RollVoter, verbose_name="表决权人", on_delete=models.PROTECT, related_name="+")
    scan = models.FileField("选票扫描件", upload_to="voting/paper/%Y/%m/", max_length=200)
    status = models.CharField(
        "状态", max_length=16, choices=PaperStatus.choices, default=PaperStatus.AWAITING_SECOND, db_index=True
    )
    first_choices = models.JSONField("第一次录入", default=dict)
    first_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="第一录入人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    second_choices = models.JSONField("第二次录入", default=dict, blank=True)
    second_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="第二录入人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    void_reason = models.CharField("作废原因", max_length=200, blank=True)

    class Meta:
        verbose_name = "纸质选票"
        verbose_name_plural = "纸质选票"
        ordering = ["decision_id", "id"]
        permissions = [("enter_paperballot", "可录入、复录纸质选票")]
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "voter"],
                condition=~Q(status="void"),
                name="%(app_label)s_%(class)s_one_live_per_voter",
                violation_error_message="该表决权人已有一张未作废的纸质选票",
            )
        ]

    def __str__(self):
        return f"纸质选票 {self.voter}"

    @property
    def audit_region_code(self) -> str:
        return self.decision.compound.community_id

    @classmethod
    def scope_q(cls, scope: Scope, via: str = ""):
        return _compound_scope(scope, f"{via}decision__")


class Ballot(models.Model):
    """One person's vote on one matter; append-only, each row chained to the previous by sha256."""

    decision = models.ForeignKey(
        Decision, verbose_name="表决", on_delete=models.PROTECT, related_name="ballots"
    )
    matter = models.ForeignKey(Matter, verbose_name="事项", on_delete=models.PROTECT, related_name="ballots")
    voter = models.ForeignKey(
        RollVoter, verbose_name="表决权人", on_delete=models.PROTECT, related_name="ballots"
    )
    choice = models.CharField("表决意见", max_length=8, choices=Choice.choices)
    channel = models.CharField("方式", max_length=8, choices=Channel.choices)
    cast_by = models.ForeignKey(
        "registry.Owner",
        verbose_name="投票人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    proxy = models.ForeignKey(Proxy, verbose_name="委托", null=True, blank=True, on_delete=models.PROTECT)
    paper = models.ForeignKey(
        PaperBallot, verbose_name="纸质选票", null=True, blank=True, on_delete=models.PROTECT
    )
    submitted_at = models.DateTimeField("提交时间")
    seq = models.PositiveIntegerField("链序号")
    prev_hash = models.CharField("前一条摘要", max_length=64)
    hash = models.CharField("本条摘要", max_length=64)

    class Meta:
        verbose_name = "选票"
        verbose_name_plural = "选票"
        ordering = ["decision_id", "seq"]
        constraints = [
            models.UniqueConstraint(
                fields=["matter", "voter"],
                name="%(app_label)s_%(class)s_one_per_voter",
                violation_error_message="该业主已就此事项投票，不能重复投票或修改",
            ),
            models.UniqueConstraint(
                fields=["decision", "seq"],
                name="%(app_label)s_%(class)s_unique_seq",
                violation_error_message="选票链序号重复",
            ),
        ]

    def __str__(self):
        return f"选票#{self.seq}"

    @property
    def audit_region_code(self) -> str:
        return self.decision.compound.community_id

    def canonical(self) -> dict:
        """The fields the chain protects, in a fixed JSON form."""
        return {
            "decision": self.decision_id,
            "seq": self.seq,
            "matter": self.matter_id,
            "voter": self.voter_id,
            "choice": self.choice,
            "channel": self.channel,
            "cast_by": self.cast_by_id,
            "proxy": self.proxy_id,
            "paper": self.paper_id,
            "submitted_at": self.submitted_at.astimezone(datetime.UTC).isoformat(),  # as stored
        }

    def compute_hash(self) -> str:
        return chain_hash(self.canonical(), self.prev_hash)

    @classmethod
    def scope_q(cls, scope: Scope, via: str = ""):
        if scope.role == "resident":  # an owner sees only the ballots cast for them or by them
            return Q(**{f"{via}voter__owners__user_id": scope.user_id}) | Q(
                **{f"{via}cast_by__user_id": scope.user_id}
            )
        return _compound_scope(scope, f"{via}decision__")


GENESIS = "0" * 64


def chain_hash(record: dict, prev_hash: str) -> str:
    """sha256 over the canonical JSON of a record followed by the previous record's hash."""
    text = json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((text + prev_hash).encode("utf-8")).hexdigest()
