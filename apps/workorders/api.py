"""Open API for work orders (业主吹哨、支部报到): /api/v1/workorders, /api/v1/workorder-categories.

Reads go through the same scoped selectors as the pages; every verb is one POST that calls the
very same service as the order page (`apps.workorders.services`), so the API never allows more
than the user could do on the pages. Refusals come from the services and `policy.check`:
outside the scope 404, wrong role 403, wrong state or a broken rule 400, a lost compare-and-set
(or a stale `version` in the body) 409.

Photos: intake over the API is JSON without photos (the hotline rarely has any; Open311's
`media_url` is kept as a link in the description); `resolve` is multipart/form-data so that
evidence photos can be attached as `photos` files.
"""

from __future__ import annotations

import datetime
from typing import Literal

from django.conf import settings
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from ninja import Field, File, Form, Query, Router, Schema
from ninja import Status as Answer
from ninja.files import UploadedFile
from pydantic import ConfigDict

from apps.api.common import PageParams, RegionCode, in_region_q, page_schema, paginate, require_perm
from apps.api.common import responses as answers
from apps.core.errors import ConflictError, DomainError, ForbiddenError
from apps.core.scoping import scoped
from apps.core.validators import check_mobile, mask_mobile, mask_name, normalize_mobile
from apps.registry.models import Building, Compound, Unit
from apps.workorders import policy, selectors, services
from apps.workorders.choices import (
    OPEN,
    VERBS,
    Channel,
    EscalationReason,
    HandlerKind,
    Level,
    LimitUnit,
    Satisfaction,
    SlaCard,
    Status,
    Urgency,
)
from apps.workorders.models import Category, WorkOrder
from apps.workorders.services.common import CONFLICT, handler_kind_of

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


@router.get("/workorder-categories", response=answers(list[CategoryOut]), summary="诉求分类")
def category_list(request, active: bool | None = Query(None, description="只看（或排除）启用的分类")):
    require_perm(request.auth, "workorders.view_category", "您的角色无权查看诉求分类")
    qs = Category.objects.order_by("sort_order", "id")
    if active is not None:
        qs = qs.filter(is_active=active)
    return [category_out(c) for c in qs]


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


def _handler(kind: str, unit) -> dict | None:
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
        "handler": _handler(o.handler_kind, o.handler) if o.handler_kind else None,
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
        "handler": _handler(kind, unit),
        "is_rework": a.is_rework,
        "dispatched_at": a.dispatched_at,
        "instructions": a.instructions,
        "sign_due_at": a.sign_due_at,
        "resolve_due_at": a.resolve_due_at,
        "return_until": a.return_until,
        "signed_at": a.signed_at,
        "resolved_at": a.resolved_at,
        "resolution_note": a.resolution_note,
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


# ------------------------------------------------------------ orders: reads
class WorkOrderFilters(PageParams):
    region: RegionCode | None = None
    compound: int | None = Field(None, ge=1, le=2**62, description="小区编号")
    category: int | None = Field(None, ge=1, le=2**62, description="诉求分类编号（见 /workorder-categories）")
    status: Status | None = None
    open: bool | None = Field(None, description="只看未结束（或已结束）的工单")
    level: Level | None = Field(None, description="当前受理派单层级")
    card: Literal["none", "yellow", "red", "missing"] | None = Field(
        None, description="时限状态：none 正常、yellow 黄牌、red 红牌、missing 日历缺失"
    )
    created_from: datetime.date | None = Field(None, description="提交日期起（含）")
    created_to: datetime.date | None = Field(None, description="提交日期止（含）")
    q: str | None = Field(None, pattern=TRACKING_CODE, description="查询码（前缀匹配，不区分大小写）")


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


@router.get("/workorders", response=answers(WorkOrderPage), summary="工单列表")
def workorder_list(request, filters: Query[WorkOrderFilters]):
    user = request.auth
    require_perm(user, VIEW_PERM, VIEW_MESSAGE)
    qs = selectors.workorder_list_for(user=user, status=filters.status)
    if filters.region:
        qs = qs.filter(in_region_q(WorkOrder, filters.region))
    if filters.compound:
        qs = qs.filter(compound_id=filters.compound)
    if filters.category:
        qs = qs.filter(category_id=filters.category)
    if filters.open is not None:
        qs = qs.filter(status__in=sorted(OPEN)) if filters.open else qs.exclude(status__in=sorted(OPEN))
    if filters.level:
        qs = qs.filter(level=filters.level)
    if filters.card == "missing":
        qs = qs.filter(calendar_missing=True, status__in=sorted(OPEN))
    elif filters.card:
        qs = qs.filter(sla_card=filters.card)
    if filters.created_from:
        qs = qs.filter(submitted_at__gte=_day_start(filters.created_from))
    if filters.created_to:
        qs = qs.filter(submitted_at__lt=_day_start(filters.created_to + datetime.timedelta(days=1)))
    if filters.q:
        qs = qs.filter(tracking_code__startswith=filters.q.upper())
    return paginate(qs, filters, workorder_out)


def _get(user, order_id: int) -> WorkOrder:
    """The order inside the user's scope (404 otherwise), for a role that may read orders (403)."""
    order = selectors.workorder_get_for(user=user, pk=order_id)
    require_perm(user, VIEW_PERM, VIEW_MESSAGE)
    return order


@router.get(
    "/workorders/{int:order_id}", response=answers(WorkOrderDetailOut, detail=True), summary="工单详情"
)
def workorder_detail(
    request,
    order_id: int,
    pii: bool = Query(False, description="返回未脱敏的诉求人姓名和电话（需要相应权限，且留痕）"),
):
    user = request.auth
    order = _get(user, order_id)
    if pii:
        if not policy.can_view_reporter(user, order):
            raise ForbiddenError("您无权查看诉求人的完整信息")
        if not policy.is_reporter(user, order):
            services.workorder_view_pii(order=order, actor=user)
    return workorder_detail_out(order, user, pii=pii)


UNIT_RELATED = ("company", "committee__compound", "department")


class TimelineEntryOut(Schema):
    at: datetime.datetime
    verb: str = Field(..., description="如 workorder.dispatch")
    label: str
    actor: str = Field(..., description="操作人；诉求人本人显示为“诉求人”；居民看到的时间线不含操作人和意见")
    note: str
    summary: str


@router.get(
    "/workorders/{int:order_id}/timeline",
    response=answers(list[TimelineEntryOut], detail=True),
    summary="工单时间线（最早的在前）",
)
def workorder_timeline(request, order_id: int):
    from apps.workorders.views.common import LABEL_FALLBACK, event_summary

    user = request.auth
    order = _get(user, order_id)
    public = getattr(user, "role", "") == "resident"  # residents see the tracking page's timeline
    entries = selectors.workorder_timeline(order=order, public=public)
    assignments = {} if public else {a.pk: a for a in order.assignments.select_related(*UNIT_RELATED)}
    return [
        {
            "at": e.at,
            "verb": e.verb,
            "label": LABEL_FALLBACK.get(e.verb, e.label),
            "actor": "诉求人" if e.actor_id and e.actor_id == order.reporter_user_id else e.actor,
            "note": e.note,
            "summary": "" if public else event_summary(e, assignments=assignments),
        }
        for e in entries
    ]


class HandlerChoiceOut(HandlerOut):
    suggested: bool = Field(..., description="该分类的默认处理单位")


@router.get(
    "/workorders/{int:order_id}/handlers",
    response=answers(list[HandlerChoiceOut], detail=True),
    summary="可派单的处理单位",
)
def workorder_handlers(request, order_id: int):
    user = request.auth
    order = _get(user, order_id)
    require_perm(user, "workorders.dispatch_workorder", "您的角色无权派单")
    units = services.eligible_handlers(order)
    suggested = services.suggested_handler(order, candidates=units)
    return [{**_handler(handler_kind_of(u), u), "suggested": u is suggested} for u in units]


# ------------------------------------------------------------ intake
class WorkOrderIn(Strict):
    compound: int = Field(..., ge=1, le=2**62, description="小区编号")
    building: int | None = Field(None, ge=1, le=2**62, description="楼栋编号（可选）")
    unit: int | None = Field(None, ge=1, le=2**62, description="房屋编号（可选）")
    category: int = Field(..., ge=1, le=2**62, description="诉求分类编号")
    urgency: Urgency = Urgency.NORMAL
    description: str = Field(
        ...,
        max_length=settings.WORKORDER_DESCRIPTION_MAX_LENGTH,
        pattern=r"^[^\x00]*$",
        description="诉求内容",
    )
    is_anonymous: bool = Field(False, description="匿名：姓名和电话仅社区可见")
    reporter_name: str = Field("", max_length=50, pattern=r"^[^\x00]*$", description="诉求人姓名（代报时）")
    reporter_phone: str = Field(
        "", max_length=20, pattern=r"^[^\x00]*$", description="诉求人手机号（代报时）"
    )
    channel: API_CHANNELS = Field(
        "staff", description="来源渠道（代报时）：staff 代报、grid 网格员、hotline 热线"
    )
    joint_owner_count: int = Field(0, ge=0, le=100000, description="联名业主人数")


def _bad(field: str, message: str) -> DomainError:
    return DomainError(message, field_errors={field: [message]})


@router.post(
    "/workorders",
    response={201: WorkOrderDetailOut, **{k: v for k, v in answers(None, detail=True).items() if k != 200}},
    summary="提交诉求（与页面同一服务；不含照片）",
)
def workorder_create(request, payload: WorkOrderIn):
    """Residents and committee members file for their own compound (their name and phone from
    the account); officials file on a resident's behalf in their region. A compound outside the
    caller's reach is a 404, as on the pages."""
    user = request.auth
    compound = Compound.objects.filter(pk=payload.compound).first()
    if compound is None:
        raise Http404("未找到该小区，或不在您的辖区内。")
    category = Category.objects.filter(pk=payload.category).first()
    if category is None:
        raise _bad("category", "所选分类不存在")
    building = unit = None
    if payload.building:
        building = Building.objects.filter(pk=payload.building).first()
        if building is None:
            raise _bad("building", "所选楼栋不存在")
    if payload.unit:
        unit = Unit.objects.filter(pk=payload.unit).first()
        if unit is None:
            raise _bad("unit", "所选房屋不存在")
    kwargs = {
        "actor": user,
        "compound": compound,
        "category": category,
        "description": payload.description,
        "urgency": payload.urgency,
        "building": building,
        "unit": unit,
        "is_anonymous": payload.is_anonymous,
        "joint_owner_count": payload.joint_owner_count,
    }
    if user.role not in ("resident", "committee"):
        phone = normalize_mobile(payload.reporter_phone)
        if phone and check_mobile(phone):
            raise _bad("reporter_phone", check_mobile(phone))
        # the form's rule: a staff filing needs a phone to call back (not anonymous, not hotline)
        if (
            user.has_perm("workorders.submit_workorder")
            and not payload.is_anonymous
            and not phone
            and payload.channel != Channel.HOTLINE
        ):
            raise _bad("reporter_phone", "代报诉求请填写诉求人手机号，以便回访")
        kwargs.update(channel=payload.channel, reporter_name=payload.reporter_name, reporter_phone=phone)
    order = services.workorder_submit(**kwargs)
    order = selectors.workorder_get_for(user=user, pk=order.pk)
    return Answer(201, workorder_detail_out(order, user))


# ------------------------------------------------------------ verbs
class VerbIn(Strict):
    version: int | None = Field(
        None,
        ge=0,
        le=2**31,
        description="您所见的工单版本号（详情中的 version）；已变化则返回409，不做任何修改",
    )


class AcceptIn(VerbIn):
    note: str = Field("", max_length=2000, pattern=r"^[^\x00]*$", description="受理意见")


class DispatchIn(VerbIn):
    handler_kind: Literal["company", "committee", "department"] = Field(
        ..., description="处理单位类型（街道办事处属 department）"
    )
    handler_id: int = Field(..., ge=1, le=2**62, description="处理单位编号（见 /workorders/{id}/handlers）")
    instructions: str = Field("", max_length=2000, pattern=r"^[^\x00]*$", description="派单意见")


class SignIn(VerbIn):
    note: str = Field("", max_length=2000, pattern=r"^[^\x00]*$", description="签收意见")


class ReasonIn(VerbIn):
    reason: str = Field(..., max_length=2000, pattern=r"^[^\x00]*$", description="理由（必填）")


class CallbackIn(VerbIn):
    reached: bool = Field(True, description="是否联系上诉求人（诉求人本人评价时视为是）")
    contacted: bool | None = Field(None, description="承办单位是否联系过诉求人")
    solved: bool | None = Field(None, description="问题是否已解决")
    satisfaction: Satisfaction | None = Field(None, description="满意度")
    note: str = Field("", max_length=2000, pattern=r"^[^\x00]*$", description="回访记录")


class CloseIn(VerbIn):
    note: str = Field("", max_length=2000, pattern=r"^[^\x00]*$", description="结案意见")


class ReopenIn(VerbIn):
    note: str = Field(..., max_length=2000, pattern=r"^[^\x00]*$", description="重办要求（必填）")


class EscalateIn(VerbIn):
    reason: EscalationReason = Field(..., description="升级原因")
    note: str = Field("", max_length=2000, pattern=r"^[^\x00]*$", description="督办说明")


class MergeIn(VerbIn):
    target: str = Field(
        ..., min_length=1, max_length=20, pattern=r"^[0-9A-Za-z]+$", description="合并至的工单：编号或查询码"
    )
    note: str = Field("", max_length=2000, pattern=r"^[^\x00]*$", description="合并说明")


class ResolveIn(VerbIn):
    note: str = Field(..., max_length=2000, pattern=r"^[^\x00]*$", description="办理情况（必填）")


VERB_ANSWERS = answers(WorkOrderDetailOut, detail=True, extra=(409,))


def _begin(request, order_id: int, version: int | None) -> tuple:
    """The order in scope, readable, and still at the version the caller saw."""
    user = request.auth
    order = _get(user, order_id)
    if version is not None and version != order.version:
        raise ConflictError(CONFLICT)
    return user, order


def _after(user, order: WorkOrder) -> dict:
    try:
        order = selectors.workorder_get_for(user=user, pk=order.pk)
    except Http404:  # the action took the order out of this user's sight: answer what it became
        pass
    return workorder_detail_out(order, user)


def _verb_route(verb: str):
    return router.post(
        f"/workorders/{{int:order_id}}/{verb}",
        response=VERB_ANSWERS,
        summary=f"{VERBS[verb]}（{verb}）",
        operation_id=f"workorder_{verb}",
    )


@_verb_route("accept")
def workorder_accept(request, order_id: int, payload: AcceptIn):
    user, order = _begin(request, order_id, payload.version)
    services.workorder_accept(order=order, actor=user, note=payload.note)
    return _after(user, order)


def _find_handler(order: WorkOrder, kind: str, pk: int):
    for unit in services.eligible_handlers(order):
        unit_kind = handler_kind_of(unit)
        unit_kind = (
            "department" if unit_kind in (HandlerKind.STREET_OFFICE, HandlerKind.DEPARTMENT) else unit_kind
        )
        if unit_kind == kind and unit.pk == pk:
            return unit
    raise _bad("handler_id", "所选处理单位不存在或不在本工单的辖区内")


@_verb_route("dispatch")
def workorder_dispatch(request, order_id: int, payload: DispatchIn):
    user, order = _begin(request, order_id, payload.version)
    policy.check("dispatch", order, user)  # role and state refusals before the handler lookup
    handler = _find_handler(order, payload.handler_kind, payload.handler_id)
    services.workorder_dispatch(order=order, actor=user, handler=handler, instructions=payload.instructions)
    return _after(user, order)


@_verb_route("sign")
def workorder_sign(request, order_id: int, payload: SignIn):
    user, order = _begin(request, order_id, payload.version)
    services.workorder_sign(order=order, actor=user, note=payload.note)
    return _after(user, order)


@_verb_route("return")
def workorder_return(request, order_id: int, payload: ReasonIn):
    user, order = _begin(request, order_id, payload.version)
    services.workorder_return(order=order, actor=user, reason=payload.reason)
    return _after(user, order)


@router.post(
    "/workorders/{int:order_id}/resolve",
    response=VERB_ANSWERS,
    summary=f"{VERBS['resolve']}（resolve；multipart/form-data，现场照片为 photos 文件）",
    operation_id="workorder_resolve",
)
def workorder_resolve(
    request,
    order_id: int,
    payload: Form[ResolveIn],
    photos: File[list[UploadedFile]] = None,
):
    user, order = _begin(request, order_id, payload.version)
    services.workorder_resolve(order=order, actor=user, note=payload.note, photo_files=photos or [])
    return _after(user, order)


@_verb_route("callback")
def workorder_callback(request, order_id: int, payload: CallbackIn):
    user, order = _begin(request, order_id, payload.version)
    services.workorder_callback(
        order=order,
        actor=user,
        reached=payload.reached,
        contacted=payload.contacted,
        solved=payload.solved,
        satisfaction=payload.satisfaction or "",
        note=payload.note,
    )
    return _after(user, order)


@_verb_route("close")
def workorder_close(request, order_id: int, payload: CloseIn):
    user, order = _begin(request, order_id, payload.version)
    services.workorder_close(order=order, actor=user, note=payload.note)
    return _after(user, order)


@_verb_route("reopen")
def workorder_reopen(request, order_id: int, payload: ReopenIn):
    user, order = _begin(request, order_id, payload.version)
    services.workorder_reopen(order=order, actor=user, note=payload.note)
    return _after(user, order)


@_verb_route("escalate")
def workorder_escalate(request, order_id: int, payload: EscalateIn):
    user, order = _begin(request, order_id, payload.version)
    services.workorder_escalate(order=order, actor=user, reason=payload.reason, note=payload.note)
    return _after(user, order)


@_verb_route("merge")
def workorder_merge(request, order_id: int, payload: MergeIn):
    user, order = _begin(request, order_id, payload.version)
    policy.check("merge", order, user)  # role and state refusals before the target lookup
    value = payload.target.strip().upper()
    qs = scoped(WorkOrder.objects.select_related("category", "compound"), user)
    lookup = Q(tracking_code=value)
    if value.isdigit() and len(value) < 18:
        lookup |= Q(pk=int(value))
    target = qs.filter(lookup).first()
    if target is None:
        raise _bad("target", "未找到要合并到的工单，或您无权查看")
    services.workorder_merge(order=order, actor=user, target=target, note=payload.note)
    return _after(user, order)


@_verb_route("reject")
def workorder_reject(request, order_id: int, payload: ReasonIn):
    user, order = _begin(request, order_id, payload.version)
    services.workorder_reject(order=order, actor=user, reason=payload.reason)
    return _after(user, order)
