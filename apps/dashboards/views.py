"""The governance dashboard (治理驾驶舱) of a region: the three 100% targets with their gaps, the
article's figures, the charts (drawn from the JSON of /api/v1/dashboard/coverage) and a ranking
of the child regions, each row one level down; a community's page lists its compounds."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from apps.dashboards import selectors
from apps.dashboards.metrics import list_url, targets
from apps.dashboards.tables import compound_table, ranking_table
from apps.regions.models import RegionLevel

PERMISSION = "regions.view_region"


def dashboard_url(code: str) -> str:
    return f"{reverse('dashboard')}?region={code}"


# Counted where they are registered (county and above): empty cards below that, so not shown.
COUNTY_AND_ABOVE = {"public_welfare_companies", "industry_party_orgs"}


def cards(f, code: str, level: str) -> list[dict]:
    """The article's figures as cards, each linking to the rows it counts."""
    branches = f.branch_coverage
    out = [
        {
            "label": "在岗红领书记",
            "value": f.secretaries_in_post,
            "url": list_url("secretaries", code),
        },
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


class DashboardPage(LoginRequiredMixin, View):
    """GET /dashboard/?region=<code>[&sort=<column>][&export=table]"""

    def get(self, request):
        user = request.user
        if not user.has_perm(PERMISSION):
            raise PermissionDenied("您的角色无权查看治理驾驶舱。")
        region = selectors.dashboard_region_for(user=user, code=request.GET.get("region"))
        on = timezone.localdate()
        cov = selectors.coverage(region=region, on=on)
        sort = request.GET.get("sort", "")
        if cov.children:
            level_label = RegionLevel(cov.child_level).label if cov.child_level else "区划"
            table = ranking_table(
                cov.children,
                child_url=lambda r: dashboard_url(r.code),
                level_label=level_label,
                sort=sort,
                region_name=region.name,
            )
        else:
            table = compound_table(
                list(selectors.compound_rows(region=region, on=on)), sort=sort, region_name=region.name
            )
        if request.GET.get("export") == "table":
            return table.export()
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
                "has_children": bool(cov.children),
                "below_county": region.level in (RegionLevel.STREET, RegionLevel.COMMUNITY),
            },
        )
