"""Writes: intake and one POST per verb, each calling the same service as the pages."""

from __future__ import annotations

from typing import Literal

from django.conf import settings
from django.db.models import Q
from django.http import Http404
from ninja import Field, File, Form
from ninja import Status as Answer
from ninja.files import UploadedFile

from apps.core.api import responses as answers
from apps.core.errors import ConflictError, DomainError
from apps.core.scoping import scoped
from apps.registry.models import Building, Compound, Unit
from apps.workorders import policy, selectors, services
from apps.workorders.api.common import (
    API_CHANNELS,
    Strict,
    WorkOrderDetailOut,
    order_for,
    router,
    workorder_detail_out,
)
from apps.workorders.choices import (
    VERBS,
    EscalationReason,
    HandlerKind,
    Satisfaction,
    Urgency,
)
from apps.workorders.models import Category, WorkOrder
from apps.workorders.services.common import CONFLICT, handler_kind_of
from apps.workorders.services.intake import reports_for_self


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
    if not reports_for_self(user):
        # The intake rules (a staff filing needs a phone, ...) are the service's.
        kwargs.update(
            channel=payload.channel,
            reporter_name=payload.reporter_name,
            reporter_phone=payload.reporter_phone,
        )
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
    order = order_for(user, order_id)
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


class ExtendIn(VerbIn):
    days: int = Field(
        ...,
        ge=1,
        le=365,
        description="申请延期的工作日数（1至WORKORDER_EXTENSION_MAX_WORKING_DAYS，默认上限10）",
    )
    reason: str = Field(..., max_length=2000, pattern=r"^[^\x00]*$", description="延期理由（必填）")


class ApproveExtensionIn(VerbIn):
    approve: bool = Field(..., description="true 批准延期；false 不批准（须填写审批意见）")
    note: str = Field("", max_length=2000, pattern=r"^[^\x00]*$", description="审批意见")


@_verb_route("extend")
def workorder_extend(request, order_id: int, payload: ExtendIn):
    user, order = _begin(request, order_id, payload.version)
    services.workorder_extend(order=order, actor=user, days=payload.days, reason=payload.reason)
    return _after(user, order)


@_verb_route("approve_extension")
def workorder_approve_extension(request, order_id: int, payload: ApproveExtensionIn):
    user, order = _begin(request, order_id, payload.version)
    services.workorder_approve_extension(order=order, actor=user, approve=payload.approve, note=payload.note)
    return _after(user, order)
