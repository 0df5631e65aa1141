"""Shared by the work-order API modules: the router, request-body base, output schemas and
the functions that turn orders into them."""

from __future__ import annotations

import datetime
from typing import Literal

from ninja import Field, Router, Schema
from pydantic import ConfigDict

from apps.core.api import page_schema, require_perm
from apps.core.validators import mask_mobile, mask_name
from apps.workorders import policy, selectors
from apps.workorders.choices import (
    Channel,
    HandlerKind,
    Level,
    LimitUnit,
    SlaCard,
    Status,
    Urgency,
)
from apps.workorders.models import Category, WorkOrder
from apps.workorders.services.common import handler_kind_of

router = Router(tags=["工单（业主吹哨、支部报到）"])

VIEW_PERM = "workorders.view_workorder"
VIEW_MESSAGE = "您的角色无权查看工单"
TRACKING_CODE = r"^[0-9A-Za-z]{1,10}$"
# The channels of a staff filing on somebody's behalf (the form's choices; Open311 has its own).
API_CHANNELS = Literal["staff", "grid", "hotline"]


class Strict(Schema):
    """Request bodies refuse unknown fields: a forged `status` or `handler` is a 400."""

    model_config = ConfigDict(extra="forbid")


# ------------------------------------------------------------ categories
class StageLimitOut(Schema):
    amount: int
    unit: LimitUnit
    label: str = Field(..., description="如“3工作日”“24小时”")


class CategoryOut(Schema):
    id: int
    code: str = Field(..., description="分类代码，亦即 Open311 的 service_code")
    name: str
    description: str
    default_handler_kind: HandlerKind
    default_handler_kind_label: str
    evidence_required: bool = Field(..., description="办结时须上传现场照片")
    is_active: bool
    accept_limit: StageLimitOut = Field(..., description="受理派单时限（默认值；各市可另行设置）")
    sign_limit: StageLimitOut
    resolve_limit: StageLimitOut


def _limit(amount: int, unit: str) -> dict:
    return {"amount": amount, "unit": unit, "label": f"{amount}{LimitUnit(unit).label}"}


def category_out(c: Category) -> dict:
    return {
        "id": c.pk,
        "code": c.code,
        "name": c.name,
        "description": c.description,
        "default_handler_kind": c.default_handler_kind,
        "default_handler_kind_label": c.get_default_handler_kind_display(),
        "evidence_required": c.evidence_required,
        "is_active": c.is_active,
        "accept_limit": _limit(c.accept_limit, c.accept_unit),
        "sign_limit": _limit(c.sign_limit, c.sign_unit),
        "resolve_limit": _limit(c.resolve_limit, c.resolve_unit),
    }


# ------------------------------------------------------------ orders: output
class CodedRef(Schema):
    id: int
    code: str
    name: str


class HandlerOut(Schema):
    kind: HandlerKind
    kind_label: str
    id: int
    name: str


class WorkOrderOut(Schema):
    id: int
    tracking_code: str = Field(..., description="查询码（10位），Open311 的 service_request_id")
    status: Status
    status_label: str
    level: Level = Field(..., description="当前受理派单层级")
    level_label: str
    category: CodedRef
    compound: CodedRef
    region_code: str = Field(..., description="所属社区区划代码（12位）")
    urgency: Urgency
    channel: Channel
    is_joint: bool = Field(..., description="业主联名诉求")
    is_anonymous: bool
    submitted_at: datetime.datetime
    updated_at: datetime.datetime
    ended_at: datetime.datetime | None
    due_at: datetime.datetime | None = Field(..., description="本环节期限（到此时刻即超期）")
    deadline_state: Literal["none", "yellow", "red", "missing"] = Field(
        ..., description="none 正常，yellow 黄牌（临期），red 红牌（超期），missing 日历缺失、期限待定"
    )
    handler: HandlerOut | None = Field(..., description="当前（或最后）处理单位")
    return_count: int
    rework_count: int
    escalation_count: int
    duplicate_count: int
    version: int = Field(..., description="版本号：操作时可作为 version 传回，若已被他人处理则返回409")


class ReporterOut(Schema):
    name: str
    phone: str
    masked: bool = Field(..., description="是否已脱敏；pii=true 且有权限时为原文（留痕）")


class AssignmentOut(Schema):
    handler: HandlerOut
    is_rework: bool
    dispatched_at: datetime.datetime
    instructions: str
    sign_due_at: datetime.datetime | None
    resolve_due_at: datetime.datetime | None
    return_until: datetime.datetime | None
    signed_at: datetime.datetime | None
    resolved_at: datetime.datetime | None
    resolution_note: str
    extension_state: str = Field(
        ..., description="延期申请：空=未申请，pending 待审批，approved 已批准，refused 未批准"
    )
    extension_days: int | None = Field(..., description="申请延期的工作日数")
    resolve_due_before_extension: datetime.datetime | None = Field(..., description="批准延期前的办结期限")


class WorkOrderDetailOut(WorkOrderOut):
    description: str
    building: str
    unit: str
    reporter: ReporterOut
    joint_owner_count: int
    end_reason: str = Field(..., description="不予受理的理由或合并说明")
    merged_into: str | None = Field(..., description="合并至的工单查询码")
    accepted_at: datetime.datetime | None
    accept_due_at: datetime.datetime | None
    stage_started_at: datetime.datetime | None
    warn_at: datetime.datetime | None = Field(..., description="黄牌预警时间")
    current_assignment: AssignmentOut | None
    allowed_verbs: list[str] = Field(..., description="您现在可以对本工单执行的操作")


WorkOrderPage = page_schema(WorkOrderOut, "WorkOrderPage")


def handler_out(kind: str, unit) -> dict | None:
    if unit is None:
        return None
    return {"kind": kind, "kind_label": HandlerKind(kind).label, "id": unit.pk, "name": str(unit)}


def deadline_state(order: WorkOrder) -> str:
    if order.calendar_missing and order.is_open:
        return "missing"
    return order.sla_card or SlaCard.NONE


def workorder_out(o: WorkOrder) -> dict:
    return {
        "id": o.pk,
        "tracking_code": o.tracking_code,
        "status": o.status,
        "status_label": o.get_status_display(),
        "level": o.level,
        "level_label": o.get_level_display(),
        "category": {"id": o.category.pk, "code": o.category.code, "name": o.category.name},
        "compound": {"id": o.compound.pk, "code": o.compound.code, "name": o.compound.name},
        "region_code": o.region_code,
        "urgency": o.urgency,
        "channel": o.channel,
        "is_joint": o.is_joint,
        "is_anonymous": o.is_anonymous,
        "submitted_at": o.submitted_at,
        "updated_at": o.updated_at,
        "ended_at": o.ended_at,
        "due_at": o.due_at,
        "deadline_state": deadline_state(o),
        "handler": handler_out(o.handler_kind, o.handler) if o.handler_kind else None,
        "return_count": o.return_count,
        "rework_count": o.rework_count,
        "escalation_count": o.escalation_count,
        "duplicate_count": o.duplicate_count,
        "version": o.version,
    }


def reporter_out(order: WorkOrder, user, *, pii: bool) -> dict:
    """Masked by default, as on the order page; unmasked only when asked for and allowed (the
    caller logs it). Anonymous orders say 匿名 to everybody else."""
    if pii:
        return {"name": order.reporter_name, "phone": order.reporter_phone, "masked": False}
    if order.is_anonymous:
        return {"name": "匿名", "phone": "", "masked": True}
    return {
        "name": mask_name(order.reporter_name),
        "phone": mask_mobile(order.reporter_phone),
        "masked": True,
    }


def _assignment_out(a) -> dict | None:
    if a is None:
        return None
    unit = a.company or a.committee or a.department
    kind = handler_kind_of(unit)
    return {
        "handler": handler_out(kind, unit),
        "is_rework": a.is_rework,
        "dispatched_at": a.dispatched_at,
        "instructions": a.instructions,
        "sign_due_at": a.sign_due_at,
        "resolve_due_at": a.resolve_due_at,
        "return_until": a.return_until,
        "signed_at": a.signed_at,
        "resolved_at": a.resolved_at,
        "resolution_note": a.resolution_note,
        "extension_state": a.extension_state,
        "extension_days": a.extension_days,
        "resolve_due_before_extension": a.resolve_due_before_extension,
    }


def workorder_detail_out(order: WorkOrder, user, *, pii: bool = False) -> dict:
    current = None
    if order.current_assignment_id:
        current = (
            order.assignments.select_related("company", "committee__compound", "department")
            .filter(pk=order.current_assignment_id)
            .first()
        )
    merged_into = None
    if order.merged_into_id and policy.can_see(user, order.merged_into):
        merged_into = order.merged_into.tracking_code
    return {
        **workorder_out(order),
        "description": order.description,
        "building": order.building.name if order.building_id else "",
        "unit": str(order.unit) if order.unit_id else "",
        "reporter": reporter_out(order, user, pii=pii),
        "joint_owner_count": order.joint_owner_count,
        "end_reason": order.end_reason,
        "merged_into": merged_into,
        "accepted_at": order.accepted_at,
        "accept_due_at": order.accept_due_at,
        "stage_started_at": order.stage_started_at,
        "warn_at": order.warn_at,
        "current_assignment": _assignment_out(current),
        "allowed_verbs": policy.allowed_verbs(order, user),
    }


def order_for(user, order_id: int) -> WorkOrder:
    """The order inside the user's scope (404 otherwise), for a role that may read orders (403)."""
    order = selectors.workorder_get_for(user=user, pk=order_id)
    require_perm(user, VIEW_PERM, VIEW_MESSAGE)
    return order
