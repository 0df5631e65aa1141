"""The governance dashboard (治理驾驶舱) of a region: the three 100% targets with their gaps, the
article's figures, the charts (drawn from the JSON of /api/v1/dashboard/coverage) and a ranking
of the child regions, each row one level down; a community's page lists its compounds."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from apps.core.contributions import dashboard_panels
from apps.dashboards import selectors
from apps.dashboards import workorders as wo
from apps.dashboards.metrics import list_url, targets
from apps.dashboards.tables import category_table, compound_table, month_table, rank_tables, ranking_table
from apps.regions.choices import RegionLevel

PERMISSION = "regions.view_region"


def dashboard_url(code: str) -> str:
    return f"{reverse('dashboard')}?region={code}"


# Counted where they are registered (county and above): empty cards below that, so not shown.
COUNTY_AND_ABOVE = {"public_welfare_companies", "industry_party_orgs"}


def cards(f, code: str, level: str) -> list[dict]:
    """The article's figures as cards, each linking to the rows it counts."""
    branches = f.branch_coverage
    out = [
        secretary_card(f.secretaries_in_post, code),
        {
            "key": "public_welfare_companies",
            "label": "国有公益性物业企业",
            "value": f.public_welfare_companies,
            "sub": "注册在本区域",
            "url": list_url("welfare", code),
        },
        {
            "label": "公益性物业兜底小区",
            "value": f.fallback.compounds,
            "sub": f"{f.fallback.households} 户 · {f.fallback.companies} 家企业兜底",
            "url": list_url("welfare", code),
        },
        {
            "label": "大手牵小手小区",
            "value": f.pairings.compounds,
            "sub": f"{f.pairings.households} 户 · {f.pairings.companies} 家企业结对",
            "url": list_url("pairings", code),
        },
        {
            "label": "五星级企业党组织",
            "value": f.five_star_company_orgs,
            "sub": "按最近一次评定",
            "url": list_url("five-star", code),
        },
        {
            "label": "符合建支部条件小区 · 已建支部",
            "ratio": branches.ratio,
            "sub": f"小区党支部共 {branches.branches} 个",
            "url": list_url("branches", code),
            "gap_label": "未建支部",
        },
        {
            "label": "红色业委会 · 任期内业委会",
            "ratio": f.red_committees,
            "url": list_url("red-committees", code),
        },
        {
            "key": "industry_party_orgs",
            "label": "物业行业党组织",
            "value": f.industry_party_orgs.city_level + f.industry_party_orgs.county_level,
            "sub": f"市级 {f.industry_party_orgs.city_level} · 县级 {f.industry_party_orgs.county_level}",
        },
    ]
    if level in (RegionLevel.STREET, RegionLevel.COMMUNITY):
        out = [c for c in out if c.get("key") not in COUNTY_AND_ABOVE]
    return out


def secretary_card(in_post: int, code: str) -> dict:
    """在岗红领书记 — or, where none was ever dispatched, says so instead of a bare 0."""
    card = {"label": "在岗红领书记", "value": in_post, "url": list_url("secretaries", code)}
    if in_post == 0 and not selectors.secretaries_registered(code):
        card.update(value="未选派", sub="本区域没有红领书记选派记录", url="")
    return card


def workorder_figures(panel: wo.Panel) -> list[dict]:
    """工单量 and the four rates of the period, each with what it is counted from."""
    t = panel.totals
    valid = t["cb_valid"]
    out = [{"label": "工单量", "value": t.intake, "sub": f"已办结 {t['resolved']} · 有效回访 {valid}"}]
    for name, label, numerator in wo.RATES:
        value = wo.percent(getattr(t, name))
        if numerator:
            sub = f"{t[numerator]} / {valid}"
        elif name == "satisfaction_rate":
            sub = f"满意 {t['cb_satisfied']} · 基本满意 {t['cb_basic']} / {valid}"
        else:
            sub = "响应、解决、满意率加权"
        out.append({"key": name, "label": label, "value": value, "percent": name != "score", "sub": sub})
    return out


def rank_boxes(panel: wo.Panel, tables) -> list[dict]:
    """The red and black lists of each kind side by side, with how many took part."""
    boxes = []
    for rank in panel.rankings:
        boxes.append(
            {
                "label": rank.label,
                "ranked": rank.ranking.ranked_count,
                "unranked": len(rank.ranking.unranked),
                "tables": [t for t in tables if t.kind == rank.kind],
            }
        )
    return boxes


class DashboardPage(LoginRequiredMixin, View):
    """GET /dashboard/?region=<code>[&from=YYYY-MM&to=YYYY-MM&month=YYYY-MM][&sort=<column>]
    [&export=<table>]"""

    def get(self, request):
        user = request.user
        if not user.has_perm(PERMISSION):
            raise PermissionDenied("您的角色无权查看治理驾驶舱。")
        region = selectors.dashboard_region_for(user=user, code=request.GET.get("region"))
        on = timezone.localdate()
        cov = selectors.coverage(region=region, on=on)
        period_errors = []
        try:
            period = wo.period_from_params(
                start=request.GET.get("from"),
                end=request.GET.get("to"),
                month=request.GET.get("month"),
                today=on,
                clamp_month=True,
            )
        except ValidationError as exc:
            period = wo.default_period(on)
            period_errors = [m for messages in exc.message_dict.values() for m in messages]
        panel = wo.panel(region=region, period=period, user=user)
        # A period asked for stays on the way down.
        chosen = not period_errors and any(request.GET.get(k) for k in ("from", "to", "month"))

        def region_url(code: str) -> str:
            return f"{dashboard_url(code)}&{period.query}" if chosen else dashboard_url(code)

        for row in cov.children:
            row.orders = panel.child(row.region.code)
        sort = request.GET.get("sort", "")
        if cov.children:
            level_label = RegionLevel(cov.child_level).label if cov.child_level else "区划"
            table = ranking_table(
                cov.children,
                child_url=lambda r: region_url(r.code),
                level_label=level_label,
                sort=sort,
                region_name=region.name,
            )
        else:
            table = compound_table(
                list(selectors.compound_rows(region=region, on=on)), sort=sort, region_name=region.name
            )
        wo_tables = [month_table(panel), category_table(panel)]
        lists = rank_tables(panel, region_url=region_url)
        export = request.GET.get("export")
        for candidate in (table, *wo_tables, *lists):
            if export and candidate.key == export:
                return candidate.export()
        # Other apps' cards (Contribution.dashboard_panels), as of the end of the chosen period
        # (today when none is chosen or the period runs to this month).
        panels_on = min(wo.add_months(period.month_to, 1) - datetime.timedelta(days=1), on) if chosen else on
        query = request.GET.copy()
        query.pop("sort", None)
        query.pop("export", None)
        return render(
            request,
            "dashboards/dashboard.html",
            {
                "title": f"治理驾驶舱 · {region.name}",
                "region": region,
                "path": selectors.path_for(user=user, region=region),
                "on": on,
                "targets": targets(cov.figures, region.code),
                "cards": cards(cov.figures, region.code, region.level),
                "table": table,
                "headers": table.headers(),
                "rows": table.cells(),
                "base_query": query.urlencode(),
                "api_url": f"{reverse('api-v1:dashboard_coverage')}?region={region.code}",
                "points_url": f"{reverse('api-v1:dashboard_points')}?region={region.code}",
                "old_compounds": cov.figures.old_compound_coverage.denominator,
                "wo_api_url": f"{reverse('api-v1:dashboard_workorders')}?region={region.code}&{period.query}",
                "panel": panel,
                "period": period,
                "period_errors": period_errors,
                "period_months": [wo.month_label(m) for m in period.months],
                "rank_label": wo.month_label(period.rank_month),
                "min_callbacks": max(1, settings.WORKORDER_RANKING_MIN_CALLBACKS),
                "wo_figures": workorder_figures(panel),
                "wo_tables": wo_tables,
                "rank_boxes": rank_boxes(panel, lists),
                "has_children": bool(cov.children),
                "below_county": region.level in (RegionLevel.STREET, RegionLevel.COMMUNITY),
                "app_panels": dashboard_panels(user=user, region=region, on=panels_on),
                "panels_on": panels_on,
            },
        )
