"""Open API of the governance dashboard: /api/v1/dashboard/coverage, /dashboard/workorders and
/dashboard/boundaries.

The dashboard page draws its charts from these answers. Scoped like the page: the caller needs
`regions.view_region` (else 403), and a region outside the caller's scope is a 404; without
`region` the caller's own region is used.
"""

from __future__ import annotations

import datetime
from typing import Any, Literal

from django.urls import reverse
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from apps.core.api import RegionCode, require_perm
from apps.core.api import responses as answers
from apps.dashboards import selectors
from apps.dashboards import workorders as wo
from apps.dashboards.figures import Figures, Ratio, old_compounds_by_mode
from apps.dashboards.metrics import COUNTS, METRICS, RANKING_RATIOS, short_name, targets
from apps.regions.choices import RegionLevel
from apps.regions.models import Region
from apps.registry.choices import ManagementMode
from apps.workorders.metrics import Metrics
from apps.workorders.models import COUNTERS

router = Router(tags=["治理驾驶舱"])
PERMISSION = "regions.view_region"


class DashboardRegionParams(Schema):
    region: RegionCode | None = Field(None, description="区划代码；不填为本人管辖区划")


class DashboardRatioOut(Schema):
    numerator: int
    denominator: int
    percent: float | None = Field(..., description="百分比（一位小数），分母为0时为 null")
    complete: bool = Field(..., description="已达到100%（且分母大于0）")


class DashboardRegionOut(Schema):
    code: str
    name: str
    short_name: str = Field(..., description="图表用简称，如“万通社区”")
    level: RegionLevel
    level_label: str
    url: str = Field(..., description="该区划的驾驶舱页面")
    api_url: str = Field(..., description="该区划的覆盖率接口")


class DashboardGapOut(Schema):
    kind: str
    label: str
    count: int
    url: str = Field(..., description="缺口清单页面（可导出 Excel）")


class DashboardPartOut(Schema):
    label: str
    ratio: DashboardRatioOut


class DashboardTargetOut(Schema):
    key: str
    label: str
    ratio: DashboardRatioOut
    parts: list[DashboardPartOut]
    gaps: list[DashboardGapOut]


class DashboardServedOut(Schema):
    compounds: int
    households: int
    companies: int


class DashboardBranchOut(Schema):
    eligible: int = Field(..., description="符合建立党支部条件的小区")
    eligible_with_branch: int
    branches: int = Field(..., description="小区党支部总数")
    ratio: DashboardRatioOut


class DashboardIndustryOut(Schema):
    city_level: int
    county_level: int


class DashboardFiguresOut(Schema):
    secretaries_in_post: int
    public_welfare_companies: int
    fallback: DashboardServedOut
    pairings: DashboardServedOut
    five_star_company_orgs: int
    branch_coverage: DashboardBranchOut
    industry_party_orgs: DashboardIndustryOut
    work_coverage: DashboardRatioOut
    company_coverage: DashboardRatioOut
    committee_coverage: DashboardRatioOut
    old_compound_coverage: DashboardRatioOut
    rated_company_orgs: DashboardRatioOut
    red_committees: DashboardRatioOut


class DashboardMetricOut(Schema):
    key: str
    label: str
    short: str
    kind: Literal["ratio", "count"]


class DashboardTileOut(Schema):
    x: int
    y: int


class DashboardChildOut(Schema):
    region: DashboardRegionOut
    figures: DashboardFiguresOut
    tile: DashboardTileOut | None


class DashboardCompoundOut(Schema):
    id: int
    name: str
    url: str
    households: int
    is_old: bool
    management_mode: ManagementMode
    management_mode_label: str
    branch_eligible: bool
    has_branch: bool
    has_committee: bool
    committee_covered: bool | None
    red_committee: bool | None


class DashboardModeOut(Schema):
    mode: ManagementMode
    label: str
    count: int


class DashboardMapOut(Schema):
    mode: Literal["boundaries", "tiles", "none"] = Field(
        ..., description="boundaries：全部下级区划有边界数据；tiles：方格图；none：无下级区划"
    )
    with_boundaries: int = Field(..., description="有边界数据的下级区划数")
    boundaries_url: str | None


class DashboardCoverageOut(Schema):
    region: DashboardRegionOut
    path: list[DashboardRegionOut] = Field(..., description="从可查看的最高一级到本区划")
    on: datetime.date
    targets: list[DashboardTargetOut] = Field(..., description="三个100%目标")
    figures: DashboardFiguresOut
    old_compounds_by_mode: list[DashboardModeOut]
    metrics: list[DashboardMetricOut] = Field(..., description="排名和地图可用的指标")
    children_level: RegionLevel | None
    children: list[DashboardChildOut]
    compounds: list[DashboardCompoundOut] = Field(..., description="社区一级时为本社区的小区，其余为空")
    map: DashboardMapOut


def ratio_out(r: Ratio) -> dict:
    return {
        "numerator": r.numerator,
        "denominator": r.denominator,
        "percent": r.percent,
        "complete": r.complete,
    }


def region_out(r: Region) -> dict:
    return {
        "code": r.code,
        "name": r.name,
        "short_name": short_name(r.name),
        "level": r.level,
        "level_label": r.get_level_display(),
        "url": f"{reverse('dashboard')}?region={r.code}",
        "api_url": f"{reverse('api-v1:dashboard_coverage')}?region={r.code}",
    }


def figures_out(f: Figures) -> dict:
    b = f.branch_coverage
    out = {
        "secretaries_in_post": f.secretaries_in_post,
        "public_welfare_companies": f.public_welfare_companies,
        "fallback": vars(f.fallback),
        "pairings": vars(f.pairings),
        "five_star_company_orgs": f.five_star_company_orgs,
        "branch_coverage": {
            "eligible": b.eligible,
            "eligible_with_branch": b.eligible_with_branch,
            "branches": b.branches,
            "ratio": ratio_out(b.ratio),
        },
        "industry_party_orgs": vars(f.industry_party_orgs),
    }
    for key in (
        "work_coverage",
        "company_coverage",
        "committee_coverage",
        "old_compound_coverage",
        "rated_company_orgs",
        "red_committees",
    ):
        out[key] = ratio_out(METRICS[key].get(f))
    return out


def compound_out(c) -> dict:
    return {
        "id": c.pk,
        "name": c.name,
        "url": c.get_absolute_url(),
        "households": c.households,
        "is_old": c.is_old,
        "management_mode": c.management_mode,
        "management_mode_label": c.get_management_mode_display(),
        "branch_eligible": c.is_branch_eligible,
        "has_branch": c.has_branch,
        "has_committee": c.has_committee,
        "committee_covered": c.committee_covered if c.has_committee else None,
        "red_committee": c.red_committee if c.has_committee else None,
    }


@router.get(
    "/dashboard/coverage",
    response=answers(DashboardCoverageOut, detail=True),
    summary="治理驾驶舱：覆盖率",
    url_name="dashboard_coverage",
)
def dashboard_coverage(request, params: Query[DashboardRegionParams]):
    """三个100%目标、文章所列指标和下级区划（或社区内各小区）的同口径指标，均由数据实时统计。"""
    user = request.auth
    require_perm(user, PERMISSION, "您的角色无权查看治理驾驶舱")
    region = selectors.dashboard_region_for(user=user, code=params.region)
    on = timezone.localdate()
    cov = selectors.coverage(region=region, on=on)
    children = [row.region for row in cov.children]
    tiles = {t.region.code: {"x": t.x, "y": t.y} for t in selectors.tiles(region=region, children=children)}
    with_boundaries = selectors.boundary_count(children) if children else 0
    if not children:
        map_mode = "none"
    elif with_boundaries == len(children):
        map_mode = "boundaries"
    else:
        map_mode = "tiles"
    old_by_mode = old_compounds_by_mode(cov.scope)
    return {
        "region": region_out(region),
        "path": [region_out(r) for r in selectors.path_for(user=user, region=region)],
        "on": on,
        "targets": [
            {
                "key": t.key,
                "label": t.label,
                "ratio": ratio_out(t.ratio),
                "parts": [{"label": label, "ratio": ratio_out(r)} for label, r in t.parts],
                "gaps": [vars(g) for g in t.gaps],
            }
            for t in targets(cov.figures, region.code)
        ],
        "figures": figures_out(cov.figures),
        "old_compounds_by_mode": [
            {"mode": mode, "label": ManagementMode(mode).label, "count": n} for mode, n in old_by_mode.items()
        ],
        "metrics": [
            {"key": m.key, "label": m.label, "short": m.short, "kind": "ratio" if m.is_ratio else "count"}
            for m in (*RANKING_RATIOS, *COUNTS)
        ],
        "children_level": cov.child_level,
        "children": [
            {
                "region": region_out(row.region),
                "figures": figures_out(row.figures),
                "tile": tiles.get(row.region.code),
            }
            for row in cov.children
        ],
        "compounds": []
        if children
        else [compound_out(c) for c in selectors.compound_rows(region=region, on=on)],
        "map": {
            "mode": map_mode,
            "with_boundaries": with_boundaries,
            "boundaries_url": f"{reverse('api-v1:dashboard_boundaries')}?region={region.code}"
            if map_mode == "boundaries"
            else None,
        },
    }


class DashboardFeatureProperties(Schema):
    code: str
    name: str


class DashboardFeatureOut(Schema):
    type: Literal["Feature"]
    properties: DashboardFeatureProperties
    geometry: dict[str, Any] = Field(..., description="GeoJSON Polygon 或 MultiPolygon")


class DashboardSourceOut(Schema):
    source: str
    licence: str


class DashboardBoundariesOut(Schema):
    type: Literal["FeatureCollection"]
    features: list[DashboardFeatureOut]
    sources: list[DashboardSourceOut] = Field(..., description="边界数据的来源与许可，地图须标注")


@router.get(
    "/dashboard/boundaries",
    response=answers(DashboardBoundariesOut, detail=True),
    summary="治理驾驶舱：下级区划边界（GeoJSON）",
    url_name="dashboard_boundaries",
)
def dashboard_boundaries(request, params: Query[DashboardRegionParams]):
    """下级区划中已由运维人员导入边界的，GeoJSON FeatureCollection；平台本身不附带边界数据。"""
    user = request.auth
    require_perm(user, PERMISSION, "您的角色无权查看治理驾驶舱")
    region = selectors.dashboard_region_for(user=user, code=params.region)
    boundaries = list(selectors.boundaries_of(selectors.child_regions(region)))
    sources = sorted({(b.source, b.licence) for b in boundaries})
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"code": b.region_id, "name": b.region.name},
                "geometry": b.geometry,
            }
            for b in boundaries
        ],
        "sources": [{"source": s, "licence": licence} for s, licence in sources],
    }


class DashboardPointOut(Schema):
    id: int
    name: str
    lat: float = Field(..., description="纬度（WGS84，登记值）")
    lng: float = Field(..., description="经度（WGS84，登记值）")
    management_mode: ManagementMode
    management_mode_label: str
    is_old: bool
    url: str


class DashboardPointsOut(Schema):
    region: DashboardRegionOut
    points: list[DashboardPointOut]
    truncated: bool = Field(..., description="小区多于上限时只返回前若干个")
    unlocated: int = Field(..., description="没有登记经纬度的小区数（不在图上）")


@router.get(
    "/dashboard/points",
    response=answers(DashboardPointsOut, detail=True),
    summary="治理驾驶舱：小区分布（经纬度）",
    url_name="dashboard_points",
)
def dashboard_points(request, params: Query[DashboardRegionParams]):
    """区域内登记了经纬度的小区，供分布图按坐标绘制（不含底图）。"""
    user = request.auth
    require_perm(user, PERMISSION, "您的角色无权查看治理驾驶舱")
    region = selectors.dashboard_region_for(user=user, code=params.region)
    rows = selectors.compound_points(region=region)
    truncated = len(rows) > selectors.MAX_POINTS
    rows = rows[: selectors.MAX_POINTS]
    located = {r["pk"] for r in rows}
    total = selectors.compound_count(region=region)
    return {
        "region": region_out(region),
        "points": [
            {
                "id": r["pk"],
                "name": r["name"],
                "lat": float(r["latitude"]),
                "lng": float(r["longitude"]),
                "management_mode": r["management_mode"],
                "management_mode_label": ManagementMode(r["management_mode"]).label,
                "is_old": r["is_old"],
                "url": reverse("compound_detail", args=[r["pk"]]),
            }
            for r in rows
        ],
        "truncated": truncated,
        "unlocated": 0 if truncated else max(0, total - len(located)),
    }


# ------------------------------------------------------------ work orders
class DashboardPeriodParams(Schema):
    region: RegionCode | None = Field(None, description="区划代码；不填为本人管辖区划")
    start: str | None = Field(
        None, alias="from", description="开始月份 YYYY-MM；不填为结束月份前11个月", examples=["2026-01"]
    )
    end: str | None = Field(
        None, alias="to", description="结束月份 YYYY-MM；不填为本月", examples=["2026-12"]
    )
    month: str | None = Field(
        None,
        description="红黑榜月份 YYYY-MM，须在统计区间内；不填为区间内最后一个完整月份（结束月份为本月时取上月）",
    )


class DashboardRateOut(Schema):
    value: float | None = Field(..., description="小数（0–1，四位小数），分母为0时为 null")
    numerator: float = Field(..., description="分子（满意率为 满意 + 0.9×基本满意，综合得分为加权和）")
    denominator: int = Field(..., description="有效回访数")


class DashboardRatesOut(Schema):
    response_rate: DashboardRateOut = Field(..., description="响应率")
    resolution_rate: DashboardRateOut = Field(..., description="解决率")
    satisfaction_rate: DashboardRateOut = Field(..., description="满意率")
    score: DashboardRateOut = Field(..., description="综合得分（0–1，页面显示 ×100）")


class DashboardWorkorderMetricsOut(Schema):
    counts: dict[str, int] = Field(..., description="计数：intake 工单量、resolved 办结、cb_valid 有效回访等")
    rates: DashboardRatesOut


class DashboardMonthOut(DashboardWorkorderMetricsOut):
    month: str = Field(..., description="YYYY-MM")


class DashboardCategoryRef(Schema):
    id: int
    code: str
    name: str


class DashboardCategoryOut(DashboardWorkorderMetricsOut):
    category: DashboardCategoryRef


class DashboardChildOrdersOut(DashboardWorkorderMetricsOut):
    region: DashboardRegionOut


class DashboardRankRowOut(DashboardWorkorderMetricsOut):
    position: int = Field(..., description="名次（1为最好）")
    key: str = Field(..., description="区划代码或企业ID")
    name: str
    url: str | None = Field(..., description="街道、社区的驾驶舱页面")


class DashboardRankingOut(Schema):
    kind: Literal["street", "community", "company"]
    label: str
    month: str
    ranked: int = Field(..., description="参与排名的数量")
    unranked: int = Field(..., description="有效回访不足、未参与排名的数量")
    red: list[DashboardRankRowOut] = Field(..., description="红榜，最好的在前")
    black: list[DashboardRankRowOut] = Field(..., description="黑榜，最差的在前")


class DashboardPeriodOut(Schema):
    start: str = Field(..., alias="from")
    end: str = Field(..., alias="to")
    month: str = Field(..., description="红黑榜月份")
    months: list[str]


class DashboardWorkordersOut(Schema):
    region: DashboardRegionOut
    period: DashboardPeriodOut
    has_orders: bool = Field(..., description="统计区间内本区域有无工单活动")
    totals: DashboardWorkorderMetricsOut
    by_month: list[DashboardMonthOut]
    by_category: list[DashboardCategoryOut]
    children_level: RegionLevel | None
    children: list[DashboardChildOrdersOut] = Field(..., description="全部下级区划（无工单的计数为0）")
    rankings: list[DashboardRankingOut] = Field(
        ..., description="红黑榜：县级及以上含街道、社区（市级、县级）和物业企业"
    )


def _rate(value, numerator, denominator: int) -> dict:
    return {
        "value": None if value is None else round(float(value), 4),
        "numerator": round(float(numerator), 4),
        "denominator": denominator,
    }


def workorder_metrics_out(m: Metrics) -> dict:
    valid = m["cb_valid"]
    satisfied = (m.satisfaction_rate or 0) * valid
    score = (m.score or 0) * valid
    return {
        "counts": {c: m[c] for c in COUNTERS},
        "rates": {
            "response_rate": _rate(m.response_rate, m["cb_contacted"], valid),
            "resolution_rate": _rate(m.resolution_rate, m["cb_solved"], valid),
            "satisfaction_rate": _rate(m.satisfaction_rate, satisfied, valid),
            "score": _rate(m.score, score, valid),
        },
    }


@router.get(
    "/dashboard/workorders",
    response=answers(DashboardWorkordersOut, detail=True),
    summary="治理驾驶舱：工单",
    url_name="dashboard_workorders",
    by_alias=True,  # period.from / period.to
)
def dashboard_workorders(request, params: Query[DashboardPeriodParams]):
    """统计区间内的工单量、响应率、解决率、满意率和综合得分（合计、按月、按类别、各下级区划），以及某月的红黑榜；
    均由工单统计表（与每次工单办理同一事务更新）计算，不逐条扫描工单。区间最长36个月。"""
    user = request.auth
    require_perm(user, PERMISSION, "您的角色无权查看治理驾驶舱")
    region = selectors.dashboard_region_for(user=user, code=params.region)
    period = wo.period_from_params(
        start=params.start, end=params.end, month=params.month, today=timezone.localdate()
    )
    panel = wo.panel(region=region, period=period, user=user)
    children = selectors.child_regions(region)
    levels = {c.level for c in children}
    dashboard = reverse("dashboard")

    def rank_row(kind, row):
        return {
            **workorder_metrics_out(row.metrics),
            "position": row.position,
            "key": str(row.key),
            "name": row.name,
            "url": None if kind == "company" else f"{dashboard}?region={row.key}",
        }

    return {
        "region": region_out(region),
        "period": {
            "from": wo.month_label(period.month_from),
            "to": wo.month_label(period.month_to),
            "month": wo.month_label(period.rank_month),
            "months": [wo.month_label(m) for m in period.months],
        },
        "has_orders": panel.has_orders,
        "totals": workorder_metrics_out(panel.totals),
        "by_month": [
            {"month": wo.month_label(month), **workorder_metrics_out(m)} for month, m in panel.by_month
        ],
        "by_category": [
            {"category": {"id": c.pk, "code": c.code, "name": c.name}, **workorder_metrics_out(m)}
            for c, m in panel.by_category
        ],
        "children_level": levels.pop() if len(levels) == 1 else None,
        "children": [
            {"region": region_out(c), **workorder_metrics_out(panel.child(c.code))} for c in children
        ],
        "rankings": [
            {
                "kind": r.kind,
                "label": r.label,
                "month": wo.month_label(r.ranking.month),
                "ranked": r.ranking.ranked_count,
                "unranked": len(r.ranking.unranked),
                "red": [rank_row(r.kind, row) for row in r.ranking.red],
                "black": [rank_row(r.kind, row) for row in r.ranking.black],
            }
            for r in panel.rankings
        ],
    }
