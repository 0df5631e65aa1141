"""Open API for the region tree (NBS divisions): /api/v1/regions."""

from __future__ import annotations

from django.db.models import Q
from ninja import Field, Query, Router, Schema

from apps.core.api import (
    PageParams,
    RegionCode,
    SearchText,
    in_region_q,
    page_schema,
    paginate,
    require_perm,
)
from apps.core.api import responses as answers
from apps.core.scoping import get_scoped_or_404
from apps.regions.choices import RegionKind, RegionLevel
from apps.regions.models import Region
from apps.regions.selectors import region_list_for

router = Router(tags=["行政区划"])


class RegionRef(Schema):
    code: str
    name: str


class RegionOut(Schema):
    code: str = Field(..., description="统计用区划代码")
    name: str
    level: RegionLevel
    level_label: str
    kind: RegionKind
    kind_label: str
    parent: RegionRef | None


class RegionDetailOut(RegionOut):
    ancestors: list[RegionRef] = Field(..., description="从省级到上级区划")
    children_count: int


RegionPage = page_schema(RegionOut, "RegionPage")


class RegionFilters(PageParams):
    region: RegionCode | None = None
    level: RegionLevel | None = Field(None, description="层级")
    parent: RegionCode | None = Field(None, description="只列出此区划的直接下级")
    q: SearchText | None = None


def region_out(r: Region) -> dict:
    parent = r.parent if r.parent_id else None
    return {
        "code": r.code,
        "name": r.name,
        "level": r.level,
        "level_label": r.get_level_display(),
        "kind": r.kind,
        "kind_label": r.get_kind_display(),
        "parent": {"code": parent.code, "name": parent.name} if parent else None,
    }


@router.get("/regions", response=answers(RegionPage), summary="区划列表")
def region_list(request, filters: Query[RegionFilters]):
    """The regions the caller may see, filtered; ordered by code."""
    user = request.auth
    require_perm(user, "regions.view_region")
    qs = region_list_for(user=user).order_by("code")
    if filters.region:
        qs = qs.filter(in_region_q(Region, filters.region))
    if filters.level:
        qs = qs.filter(level=filters.level)
    if filters.parent:
        qs = qs.filter(parent_id=filters.parent)
    if filters.q:
        qs = qs.filter(Q(name__contains=filters.q) | Q(code__startswith=filters.q))
    return paginate(qs, filters, region_out)


@router.get("/regions/{code}", response=answers(RegionDetailOut, detail=True), summary="区划详情")
def region_detail(request, code: str):
    user = request.auth
    region = get_scoped_or_404(region_list_for(user=user), user, pk=code)
    require_perm(user, "regions.view_region")
    return {
        **region_out(region),
        "ancestors": [{"code": a.code, "name": a.name} for a in region.ancestors()],
        "children_count": region_list_for(user=user).filter(parent=region).count(),
    }
