"""Reads: categories, the scoped list with its filters, detail, timeline, eligible units."""

from __future__ import annotations

import datetime
from typing import Literal

from django.utils import timezone
from ninja import Field, Query, Schema

from apps.core.api import PageParams, QueryDate, RegionCode, in_region_q, paginate, require_perm
from apps.core.api import responses as answers
from apps.core.errors import ForbiddenError
from apps.workorders import policy, selectors, services
from apps.workorders.api.common import (
    TRACKING_CODE,
    VIEW_MESSAGE,
    VIEW_PERM,
    CategoryOut,
    HandlerOut,
    WorkOrderDetailOut,
    WorkOrderPage,
    category_out,
    handler_out,
    order_for,
    router,
    workorder_detail_out,
    workorder_out,
)
from apps.workorders.choices import (
    OPEN,
    Level,
    Status,
)
from apps.workorders.models import Category, WorkOrder
from apps.workorders.services.common import handler_kind_of


@router.get("/workorder-categories", response=answers(list[CategoryOut]), summary="诉求分类")
def category_list(request, active: bool | None = Query(None, description="只看（或排除）启用的分类")):
    require_perm(request.auth, "workorders.view_category", "您的角色无权查看诉求分类")
    qs = Category.objects.order_by("sort_order", "id")
    if active is not None:
        qs = qs.filter(is_active=active)
    return [category_out(c) for c in qs]


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
    created_from: QueryDate | None = Field(None, description="提交日期起（含，YYYY-MM-DD）")
    created_to: QueryDate | None = Field(None, description="提交日期止（含，YYYY-MM-DD）")
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


@router.get(
    "/workorders/{int:order_id}", response=answers(WorkOrderDetailOut, detail=True), summary="工单详情"
)
def workorder_detail(
    request,
    order_id: int,
    pii: bool = Query(False, description="返回未脱敏的诉求人姓名和电话（需要相应权限，且留痕）"),
):
    user = request.auth
    order = order_for(user, order_id)
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
    order = order_for(user, order_id)
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
    order = order_for(user, order_id)
    require_perm(user, "workorders.dispatch_workorder", "您的角色无权派单")
    units = services.eligible_handlers(order)
    suggested = services.suggested_handler(order, candidates=units)
    return [{**handler_out(handler_kind_of(u), u), "suggested": u is suggested} for u in units]
