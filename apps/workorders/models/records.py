"""The records of an order's life: dispatches (with signing, return, resolution), call-backs,
escalations and photos."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from apps.core.scoping import Scope
from apps.workorders.choices import (
    AssignmentOutcome,
    EscalationReason,
    ExtensionState,
    HandlerKind,
    Level,
    PhotoStage,
    Satisfaction,
)
from apps.workorders.models.orders import WorkOrder, _one_handler_q


def actor_field(label: str, **kwargs) -> models.ForeignKey:
    """Who did a step. Kept when the account is deleted (the audit log names them); never joined
    from the user's side, so no reverse accessor and no index."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=label,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
        **kwargs,
    )


class OrderRecord(models.Model):
    """A record of one order's life: audited in the order's region, visible to whoever sees the
    order (the same rule as WorkOrder.scope_q, through `order`)."""

    class Meta:
        abstract = True

    @property
    def audit_region_code(self) -> str:
        return self.order.region_code

    @classmethod
    def scope_q(cls, scope: Scope, via: str = ""):
        return WorkOrder.scope_q(scope, via=f"{via}order__")


class Assignment(OrderRecord):
    """One dispatch of an order to a handling unit (派单记录), with its signing, return or
    resolution. The first unit to receive a case owns it (首接负责): it may return it only
    within the return limit."""

    order = models.ForeignKey(
        WorkOrder, verbose_name="工单", on_delete=models.CASCADE, related_name="assignments"
    )
    kind = models.CharField("处理单位类型", max_length=16, choices=HandlerKind.choices)
    company = models.ForeignKey(
        "registry.PropertyCompany",
        verbose_name="物业服务企业",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    committee = models.ForeignKey(
        "committees.OwnersCommittee",
        verbose_name="业委会（物管会）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    department = models.ForeignKey(
        "registry.Department",
        verbose_name="职能部门",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    county_code = models.CharField("县区代码", max_length=6, editable=False)
    level = models.CharField("派单层级", max_length=10, choices=Level.choices)
    is_rework = models.BooleanField("重办", default=False)
    outcome = models.CharField(
        "结果", max_length=10, choices=AssignmentOutcome.choices, default=AssignmentOutcome.OPEN
    )

    dispatched_at = models.DateTimeField("派单时间")
    dispatched_by = actor_field("派单人")
    instructions = models.TextField("派单意见", blank=True)
    sign_due_at = models.DateTimeField("签收期限", null=True, blank=True)
    resolve_due_at = models.DateTimeField("办结期限", null=True, blank=True)
    return_until = models.DateTimeField("可退单截止", null=True, blank=True)

    signed_at = models.DateTimeField("签收时间", null=True, blank=True)
    signed_by = actor_field("签收人")
    sign_on_time = models.BooleanField("按时签收", null=True, blank=True)
    returned_at = models.DateTimeField("退单时间", null=True, blank=True)
    return_reason = models.TextField("退单理由", blank=True)
    resolved_at = models.DateTimeField("办结时间", null=True, blank=True)
    resolved_by = actor_field("办结人")
    resolution_note = models.TextField("办理情况", blank=True)
    resolve_on_time = models.BooleanField("按时办结", null=True, blank=True)
    ended_at = models.DateTimeField("结束时间", null=True, blank=True)

    # 延期: the unit asks for more time once per dispatch; the desk that dispatched decides.
    extension_state = models.CharField(
        "延期申请", max_length=8, choices=ExtensionState.choices, blank=True, default=ExtensionState.NONE
    )
    extension_days = models.PositiveSmallIntegerField("申请延期工作日数", null=True, blank=True)
    extension_reason = models.TextField("延期理由", blank=True)
    extension_requested_at = models.DateTimeField("申请延期时间", null=True, blank=True)
    extension_requested_by = actor_field("申请延期人")
    extension_decided_at = models.DateTimeField("延期审批时间", null=True, blank=True)
    extension_decided_by = actor_field("延期审批人")
    extension_decision_note = models.TextField("延期审批意见", blank=True)
    resolve_due_before_extension = models.DateTimeField("延期前办结期限", null=True, blank=True)

    class Meta:
        verbose_name = "派单记录"
        verbose_name_plural = "派单记录"
        ordering = ["order_id", "dispatched_at", "id"]
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_one_handler",
                condition=~Q(kind="") & _one_handler_q(prefix=""),
                violation_error_message="处理单位只能是物业企业、业委会或职能部门之一",
            ),
        ]
        indexes = [
            models.Index(
                fields=["company", "order"], name="wo_assign_company_idx", condition=Q(company__isnull=False)
            ),
            models.Index(
                fields=["committee", "order"],
                name="wo_assign_committee_idx",
                condition=Q(committee__isnull=False),
            ),
            models.Index(
                fields=["department", "order"],
                name="wo_assign_department_idx",
                condition=Q(department__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{self.order_id} → {self.unit}"

    @property
    def unit(self):
        return self.company or self.committee or self.department

    @property
    def unit_key(self) -> tuple[str, int]:
        if self.company_id:
            return ("company", self.company_id)
        if self.committee_id:
            return ("committee", self.committee_id)
        return ("department", self.department_id)


class CallBack(OrderRecord):
    """A call-back to the reporter (回访), or the reporter's own rating. Valid only when the
    reporter was reached; then all three answers are required."""

    order = models.ForeignKey(
        WorkOrder, verbose_name="工单", on_delete=models.CASCADE, related_name="callbacks"
    )
    assignment = models.ForeignKey(
        Assignment,
        verbose_name="被评价的办理",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="callbacks",
        db_index=False,
    )
    created_at = models.DateTimeField("回访时间", default=timezone.now)
    by = actor_field("回访人")
    by_reporter = models.BooleanField("诉求人自评", default=False)
    reached = models.BooleanField("联系上诉求人")
    contacted = models.BooleanField("承办单位曾联系诉求人", null=True, blank=True)
    solved = models.BooleanField("问题已解决", null=True, blank=True)
    satisfaction = models.CharField("满意度", max_length=16, choices=Satisfaction.choices, blank=True)
    note = models.TextField("回访记录", blank=True)

    class Meta:
        verbose_name = "回访记录"
        verbose_name_plural = "回访记录"
        ordering = ["order_id", "created_at", "id"]
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_answers_when_reached",
                condition=Q(reached=False, contacted__isnull=True, solved__isnull=True, satisfaction="")
                | Q(reached=True, contacted__isnull=False, solved__isnull=False) & ~Q(satisfaction=""),
                violation_error_message="联系上诉求人时须填写是否联系、是否解决和满意度；未联系上时不填",
            )
        ]

    def __str__(self):
        return f"回访 {self.order_id} {self.get_satisfaction_display() or '未联系上'}"

    @property
    def is_acceptable(self) -> bool:
        """The order may be closed: the reporter could not be reached, or is content."""
        return not self.reached or (bool(self.solved) and self.satisfaction != Satisfaction.DISSATISFIED)


class Escalation(OrderRecord):
    """One step up the ladder community → street → county → city (升级督办)."""

    order = models.ForeignKey(
        WorkOrder, verbose_name="工单", on_delete=models.CASCADE, related_name="escalations"
    )
    from_level = models.CharField("原层级", max_length=10, choices=Level.choices)
    to_level = models.CharField("升级至", max_length=10, choices=Level.choices)
    reason = models.CharField("原因", max_length=16, choices=EscalationReason.choices)
    note = models.TextField("说明", blank=True)
    at = models.DateTimeField("时间", default=timezone.now)
    actor = actor_field("操作人", help_text="空：系统按规则自动升级")
    assignment = models.ForeignKey(
        Assignment,
        verbose_name="被收回的派单",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )

    class Meta:
        verbose_name = "升级督办记录"
        verbose_name_plural = "升级督办记录"
        ordering = ["order_id", "at", "id"]

    def __str__(self):
        return f"{self.order_id} {self.get_from_level_display()}→{self.get_to_level_display()}"


def photo_path(instance: WorkOrderPhoto, filename: str) -> str:
    now = timezone.localtime()
    ext = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}.get(instance.image_format, "bin")
    return f"workorders/{now:%Y/%m}/{secrets.token_hex(12)}.{ext}"


class WorkOrderPhoto(OrderRecord):
    """A photo of the problem (at intake) or of the finished work (evidence at resolution)."""

    order = models.ForeignKey(WorkOrder, verbose_name="工单", on_delete=models.CASCADE, related_name="photos")
    stage = models.CharField("环节", max_length=12, choices=PhotoStage.choices)
    assignment = models.ForeignKey(
        Assignment,
        verbose_name="派单",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="photos",
        db_index=False,
    )
    file = models.FileField("照片", upload_to=photo_path, max_length=200)
    image_format = models.CharField("格式", max_length=8)
    width = models.PositiveIntegerField("宽")
    height = models.PositiveIntegerField("高")
    size = models.PositiveIntegerField("大小（字节）")
    uploaded_by = actor_field("上传人")
    created_at = models.DateTimeField("上传时间", default=timezone.now)

    class Meta:
        verbose_name = "工单照片"
        verbose_name_plural = "工单照片"
        ordering = ["order_id", "created_at", "id"]

    def __str__(self):
        return f"{self.get_stage_display()} {self.pk}"
