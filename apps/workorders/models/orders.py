from __future__ import annotations

import os
import secrets
import threading

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from apps.core.scoping import Scope
from apps.core.sql import written_fast
from apps.workorders.choices import (
    OPEN,
    Channel,
    EscalationReason,
    HandlerKind,
    Level,
    SlaCard,
    Status,
    Urgency,
)

TRACKING_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read over the phone
assert len(TRACKING_ALPHABET) == 32


_random = bytearray()
_random_lock = threading.Lock()
os.register_at_fork(after_in_child=_random.clear)  # a forked worker never reuses the parent's bytes


def new_tracking_code() -> str:
    """10 random characters (50 bits): unguessable, so the code alone may show an order's status.
    32 letters are exactly the low 5 bits of a byte, so every letter is equally likely. The bytes
    come from the system's random source 4 KiB at a time (ten `secrets.choice` calls were ten
    reads, each letting go of the GIL: under gunicorn's threads a fifth of a whistle's time
    went waiting to get it back); each byte is used once."""
    with _random_lock:
        if len(_random) < 10:
            _random.extend(secrets.token_bytes(4096))
        chunk = bytes(_random[-10:])
        del _random[-10:]
    return "".join(TRACKING_ALPHABET[b & 31] for b in chunk)


class HandlerFields(models.Model):
    """A handling unit: a property company, an owners' committee, or a department (street offices
    are departments of kind 街道办事处). Exactly one of the three links is set."""

    handler_kind = models.CharField("处理单位类型", max_length=16, choices=HandlerKind.choices, blank=True)
    handler_company = models.ForeignKey(
        "registry.PropertyCompany",
        verbose_name="物业服务企业",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    handler_committee = models.ForeignKey(
        "committees.OwnersCommittee",
        verbose_name="业委会（物管会）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    handler_department = models.ForeignKey(
        "registry.Department",
        verbose_name="职能部门（街道办事处）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )

    class Meta:
        abstract = True

    @property
    def handler(self):
        return self.handler_company or self.handler_committee or self.handler_department

    @property
    def handler_key(self) -> tuple[str, int] | None:
        """("company"|"committee"|"department", id) — the identity used by rollups and scope."""
        if self.handler_company_id:
            return ("company", self.handler_company_id)
        if self.handler_committee_id:
            return ("committee", self.handler_committee_id)
        if self.handler_department_id:
            return ("department", self.handler_department_id)
        return None


def _one_handler_q(prefix: str = "handler_") -> Q:
    none = Q(
        **{
            f"{prefix}company__isnull": True,
            f"{prefix}committee__isnull": True,
            f"{prefix}department__isnull": True,
        }
    )
    company = Q(
        **{
            f"{prefix}kind": HandlerKind.COMPANY,
            f"{prefix}company__isnull": False,
            f"{prefix}committee__isnull": True,
            f"{prefix}department__isnull": True,
        }
    )
    committee = Q(
        **{
            f"{prefix}kind": HandlerKind.COMMITTEE,
            f"{prefix}company__isnull": True,
            f"{prefix}committee__isnull": False,
            f"{prefix}department__isnull": True,
        }
    )
    department = Q(
        **{
            f"{prefix}kind__in": [HandlerKind.STREET_OFFICE, HandlerKind.DEPARTMENT],
            f"{prefix}company__isnull": True,
            f"{prefix}committee__isnull": True,
            f"{prefix}department__isnull": False,
        }
    )
    return (none & Q(**{f"{prefix}kind": ""})) | company | committee | department


@written_fast
class WorkOrder(HandlerFields):
    """A resident's request (诉求 / 工单) from intake to closure: 业主吹哨、支部报到."""

    pii_fields = {"reporter_name": "name", "reporter_phone": "mobile"}  # apps/core/pii.py
    pii_permission = "workorders.view_reporter_pii"

    tracking_code = models.CharField("查询码", max_length=10, default=new_tracking_code, editable=False)
    compound = models.ForeignKey(
        "registry.Compound",
        verbose_name="小区",
        on_delete=models.PROTECT,
        related_name="workorders",
        db_index=False,
    )
    building = models.ForeignKey(
        "registry.Building",
        verbose_name="楼栋",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    unit = models.ForeignKey(
        "registry.Unit",
        verbose_name="房屋",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    # The compound's community code (denormalised): scope by prefix and rollups need no join.
    region_code = models.CharField("所属社区区划代码", max_length=12, editable=False)
    category = models.ForeignKey(
        "workorders.Category",
        verbose_name="诉求分类",
        on_delete=models.PROTECT,
        related_name="orders",
        db_index=False,
    )
    urgency = models.CharField("紧急程度", max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    description = models.TextField("诉求内容")
    channel = models.CharField("来源渠道", max_length=16, choices=Channel.choices)

    reporter_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="诉求人账号",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reported_workorders",
        db_index=False,
    )
    reporter_name = models.CharField("诉求人姓名", max_length=50, blank=True)
    reporter_phone = models.CharField("诉求人电话", max_length=11, blank=True)
    is_anonymous = models.BooleanField("匿名", default=False, help_text="姓名和电话仅社区可见")
    joint_owner_count = models.PositiveIntegerField("联名业主人数", default=0)
    is_joint = models.BooleanField(
        "业主联名诉求", default=False, help_text="联名业主达到规定人数（菏泽条例第28条：10名以上）"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )

    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.SUBMITTED)
    # Optimistic lock: every transition is `UPDATE ... WHERE version = seen` (compare-and-set).
    version = models.PositiveIntegerField("版本", default=0, editable=False)
    level = models.CharField("受理层级", max_length=10, choices=Level.choices, default=Level.COMMUNITY)
    current_assignment = models.ForeignKey(
        "workorders.Assignment",
        verbose_name="当前派单",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name="合并至",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duplicates",
        db_index=False,
    )
    end_reason = models.TextField("不予受理/合并说明", blank=True)

    submitted_at = models.DateTimeField("提交时间", default=timezone.now)
    accepted_at = models.DateTimeField("受理时间", null=True, blank=True)
    accept_due_at = models.DateTimeField("受理期限", null=True, blank=True)
    accept_on_time = models.BooleanField("按时受理", null=True, blank=True)
    ended_at = models.DateTimeField("结束时间", null=True, blank=True, help_text="结案、不予受理或合并的时间")

    # The current stage: when its clock started, its deadline, when its yellow card starts,
    # and when the sweep escalates it. All NULL in terminal states (so sweeps skip them).
    stage_started_at = models.DateTimeField("本环节起算时间", null=True, blank=True)
    due_at = models.DateTimeField("本环节期限", null=True, blank=True)
    warn_at = models.DateTimeField("黄牌预警时间", null=True, blank=True)
    escalate_at = models.DateTimeField("自动升级时间", null=True, blank=True)
    escalate_reason = models.CharField(
        "自动升级原因", max_length=16, choices=EscalationReason.choices, blank=True
    )
    sla_card = models.CharField("时限状态", max_length=8, choices=SlaCard.choices, default=SlaCard.NONE)
    card_changed_at = models.DateTimeField("亮牌时间", null=True, blank=True)
    calendar_missing = models.BooleanField(
        "日历缺失", default=False, help_text="期限跨入尚未录入放假安排的年度，暂无法计算"
    )

    return_count = models.PositiveSmallIntegerField("退单次数", default=0)
    rework_count = models.PositiveSmallIntegerField("重办次数", default=0)
    escalation_count = models.PositiveSmallIntegerField("升级次数", default=0)
    duplicate_count = models.PositiveSmallIntegerField("重复诉求数", default=0)

    is_generated = models.BooleanField("演示数据（生成）", default=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", default=timezone.now)

    class Meta:
        verbose_name = "工单"
        verbose_name_plural = "工单"
        ordering = ["-submitted_at", "-id"]
        permissions = [
            ("submit_workorder", "可提交诉求"),
            ("accept_workorder", "可受理工单"),
            ("dispatch_workorder", "可派单"),
            ("sign_workorder", "可签收工单"),
            ("return_workorder", "可退单"),
            ("resolve_workorder", "可办结工单"),
            ("callback_workorder", "可回访"),
            ("close_workorder", "可结案"),
            ("reopen_workorder", "可重办"),
            ("escalate_workorder", "可升级督办"),
            ("merge_workorder", "可合并重复工单"),
            ("reject_workorder", "可不予受理"),
            ("extend_workorder", "可申请延期"),
            ("approve_extension_workorder", "可审批延期"),
            ("view_reporter_pii", "可查看诉求人未脱敏信息"),
        ]
        constraints = [
            # A constraint, not unique=True: PostgreSQL would add an unused LIKE index as well.
            models.UniqueConstraint(
                fields=["tracking_code"],
                name="%(app_label)s_%(class)s_unique_tracking_code",
                violation_error_message="查询码重复",
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_one_handler",
                condition=_one_handler_q(),
                violation_error_message="处理单位只能是物业企业、业委会或职能部门之一",
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_merged_has_target",
                condition=~Q(status=Status.MERGED) | Q(merged_into__isnull=False),
                violation_error_message="合并的工单必须指明合并至哪一工单",
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_not_merged_into_self",
                condition=~Q(merged_into=models.F("pk")),
                violation_error_message="工单不能合并到自身",
            ),
        ]
        # Few full indexes on purpose: a card change or a transition rewrites the row and every
        # index entry (no HOT update), and the table holds millions of rows. Optional links get
        # partial indexes; foreign keys that are never searched (category, created_by, ...)
        # get none (deleting such a row, which the platform never does, would scan).
        indexes = [
            # Officials' lists and queues: `region_code LIKE 'prefix%'` (pattern ops: any collation).
            models.Index(
                fields=["region_code", "status"],
                name="wo_region_status_idx",
                opclasses=["varchar_pattern_ops", "varchar_pattern_ops"],
            ),
            models.Index(fields=["compound", "-submitted_at"], name="wo_compound_idx"),
            models.Index(
                fields=["handler_company", "status"],
                name="wo_handler_company_idx",
                condition=Q(handler_company__isnull=False),
            ),
            models.Index(
                fields=["handler_committee", "status"],
                name="wo_handler_committee_idx",
                condition=Q(handler_committee__isnull=False),
            ),
            models.Index(
                fields=["handler_department", "status"],
                name="wo_handler_department_idx",
                condition=Q(handler_department__isnull=False),
            ),
            models.Index(
                fields=["reporter_user"], name="wo_reporter_idx", condition=Q(reporter_user__isnull=False)
            ),
            models.Index(
                fields=["merged_into"], name="wo_merged_into_idx", condition=Q(merged_into__isnull=False)
            ),
            models.Index(fields=["building"], name="wo_building_idx", condition=Q(building__isnull=False)),
            models.Index(fields=["unit"], name="wo_unit_idx", condition=Q(unit__isnull=False)),
            # The sweep's (status, deadline) indexes, as partial indexes holding only the rows with
            # something to do: deadlines are NULL in finished states, and a red row leaves the
            # red index — so a sweep with nothing to do reads nothing.
            models.Index(
                fields=["due_at"],
                name="wo_sweep_red_idx",
                condition=Q(sla_card__in=["none", "yellow"], due_at__isnull=False),
            ),
            models.Index(
                fields=["warn_at"],
                name="wo_sweep_yellow_idx",
                condition=Q(sla_card="none", warn_at__isnull=False),
            ),
            models.Index(
                fields=["escalate_at"], name="wo_sweep_escalate_idx", condition=Q(escalate_at__isnull=False)
            ),
            models.Index(fields=["id"], name="wo_calendar_missing_idx", condition=Q(calendar_missing=True)),
        ]

    def __str__(self):
        return f"工单{self.pk or ''}（{self.category.name if self.category_id else ''}）"

    def get_absolute_url(self) -> str:
        try:
            return reverse("workorder_detail", args=[self.pk])
        except NoReverseMatch:
            return f"/workorders/{self.pk}/"

    @property
    def audit_region_code(self) -> str:
        return self.region_code

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    @property
    def county_code(self) -> str:
        return self.region_code[:6]

    def sla_state(self, now) -> str:
        """The card the current stage deserves at `now` (pure; works on an unsaved instance)."""
        from apps.workorders.deadlines import card_at

        return card_at(now, warn_at=self.warn_at, due_at=self.due_at)

    @classmethod
    def scope_q(cls, scope: Scope, via: str = ""):
        """Who sees an order: the one rule, `policy.visible_clauses` (officials of the region,
        the units it is or was assigned to, the reporter)."""
        from apps.workorders.policy import visible_q

        return visible_q(scope, via)
