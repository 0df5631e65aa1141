"""The rows behind each dashboard figure, for a region: the gaps of the three 100% targets (which
old compounds have no service, which companies and committees have no party coverage, which
company party organisations are below three stars or unrated), compounds eligible for a branch
without one, and the public-welfare companies, pairings, five-star organisations, red committees
and secretaries. Each is the generic ListPage — paginated, sortable, searchable, exported to
.xlsx with the columns on screen — over a selector of apps/dashboards/selectors.py.

GET /dashboard/list/<kind>/?region=<code>; a region outside the user's scope is a 404.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from apps.core.scoping import region_scope
from apps.core.views import Column, ListPage, generated_tag
from apps.dashboards import selectors


def _place(compound) -> str:
    """Community, street and county of a compound (select_related community__parent__parent)."""
    community = compound.community
    street = community.parent
    county = street.parent if street else None
    return " / ".join(r.name for r in (county, street, community) if r is not None)


def _stars(org) -> str | None:
    return f"{org.latest_stars}星" if org.latest_stars else "未评定"


class RegionListPage(ListPage):
    """A list of rows inside one region of the dashboard."""

    kind = ""
    base_title = ""
    permissions: tuple[str, ...] = ("regions.view_region",)
    template_name = "dashboards/list.html"
    search_placeholder = "名称"

    def check_permission(self):
        if not all(self.request.user.has_perm(p) for p in self.permissions):
            raise PermissionDenied("您的角色无权查看此页面。")

    def get(self, request, *args, **kwargs):
        self.check_permission()  # 403 before 404, as on the dashboard itself
        self.region = selectors.dashboard_region_for(user=request.user, code=request.GET.get("region"))
        self.scope = region_scope(self.region.code)
        self.on = timezone.localdate()
        self.title = f"{self.base_title} · {self.region.name}"
        self.export_name = f"{self.base_title}_{self.region.name}"
        return super().get(request, *args, **kwargs)

    def extra_context(self) -> dict:
        return {
            "region": self.region,
            "path": selectors.path_for(user=self.request.user, region=self.region),
            "base_title": self.base_title,
        }


class OldCompoundsUnserved(RegionListPage):
    kind = "old-compounds"
    base_title = "无物业服务的老旧小区"
    intro = "目标二（老旧小区物业服务覆盖率）尚未覆盖的小区：管理模式为“无物业管理”的老旧小区。"
    permissions = ("regions.view_region", "registry.view_compound")
    columns = [
        Column("小区", "name", sort="name", link=True),
        Column("小区编码", "code", sort="code"),
        Column("所在区划", _place),
        Column("户数", "households", sort="households", css="num"),
        Column("建成年份", "year_built", sort="year_built", css="num"),
        Column("管理模式", lambda c: c.get_management_mode_display()),
        Column("演示数据", "is_generated", display=generated_tag),
    ]
    search_fields = ("name__icontains", "code__startswith")
    default_ordering = ("code",)
    empty_title = "老旧小区已全部有物业服务"

    def get_queryset(self):
        return selectors.old_compounds_unserved(self.scope)


class CompaniesUncovered(RegionListPage):
    kind = "companies"
    base_title = "未实现党的组织和工作覆盖的物业企业"
    intro = "目标一的缺口：既没有本企业党组织、也未纳入联合党支部、又没有在岗党建指导员的物业服务企业（注册在本区域或在本区域服务小区）。"
    permissions = ("regions.view_region", "registry.view_propertycompany")
    columns = [
        Column("企业名称", "name", sort="name", link=True),
        Column("统一社会信用代码", "credit_code"),
        Column("企业类型", lambda c: c.get_kind_display(), sort="kind"),
        Column("注册地", lambda c: c.region.name, sort="region"),
        Column("在本区域服务小区", "compounds_here", sort="compounds_here", css="num"),
        Column("演示数据", "is_generated", display=generated_tag),
    ]
    search_fields = ("name__icontains", "credit_code__startswith")
    default_ordering = ("name", "id")
    empty_title = "物业企业已全部实现党的组织和工作覆盖"

    def get_queryset(self):
        return selectors.companies_uncovered(self.scope, self.on)


class CommitteesUncovered(RegionListPage):
    kind = "committees"
    base_title = "未实现党的组织和工作覆盖的业委会"
    intro = "目标一的缺口：任期内的业主委员会中，所在小区没有党支部、也没有在岗党建指导员的。"
    permissions = ("regions.view_region", "committees.view_ownerscommittee")
    columns = [
        Column("业委会", lambda c: str(c), link=True),
        Column("小区", lambda c: c.compound.name, sort="compound__name"),
        Column("社区", lambda c: c.compound.community.name, sort="compound__community"),
        Column(
            "街道", lambda c: c.compound.community.parent.name if c.compound.community.parent_id else None
        ),
        Column("任期开始", "term_start", sort="term_start"),
        Column("任期届满", "term_end", sort="term_end"),
    ]
    search_fields = ("compound__name__icontains",)
    search_placeholder = "小区名称"
    default_ordering = ("compound__code", "id")
    empty_title = "任期内业委会已全部实现党的组织和工作覆盖"

    def get_queryset(self):
        return selectors.committees_uncovered(self.scope, self.on)


class _CompanyOrgList(RegionListPage):
    permissions = ("regions.view_region", "party.view_partyorg")
    columns = [
        Column("党组织", "name", sort="name", link=True),
        Column("所属企业", lambda o: o.company.name if o.company_id else None, sort="company__name"),
        Column("所在区划", lambda o: o.region.name, sort="region"),
        Column("最近评定年度", "latest_year", sort="latest_year", css="num"),
        Column("最近星级", _stars, sort="latest_stars"),
        Column("演示数据", "is_generated", display=generated_tag),
    ]
    search_fields = ("name__icontains", "company__name__icontains")
    default_ordering = ("region_id", "name")


class CompanyOrgsBelowTarget(_CompanyOrgList):
    kind = "ratings"
    base_title = "三星级以下或未评定的企业党组织"
    intro = "目标三的缺口：最近一次星级评定低于三星，或尚未评定的物业服务企业党组织。"
    empty_title = "企业党组织已全部评定为三星级及以上"

    def get_queryset(self):
        return selectors.company_orgs_below_target(self.scope)


class FiveStarOrgs(_CompanyOrgList):
    kind = "five-star"
    base_title = "五星级企业党组织"
    intro = "最近一次星级评定为五星的物业服务企业党组织。"

    def get_queryset(self):
        return selectors.five_star_orgs(self.scope)


class CompoundsWithoutBranch(RegionListPage):
    kind = "branches"
    base_title = "符合条件但未建党支部的小区"
    intro = "居住党员达到建立党支部条件、但尚未成立小区党支部的小区。"
    permissions = ("regions.view_region", "registry.view_compound")
    columns = [
        Column("小区", "name", sort="name", link=True),
        Column("小区编码", "code", sort="code"),
        Column("所在区划", _place),
        Column("居住党员", "resident_party_members", sort="resident_party_members", css="num"),
        Column("户数", "households", sort="households", css="num"),
        Column("演示数据", "is_generated", display=generated_tag),
    ]
    search_fields = ("name__icontains", "code__startswith")
    default_ordering = ("code",)
    empty_title = "符合条件的小区已全部建立党支部"

    def get_queryset(self):
        return selectors.compounds_without_branch(self.scope)


class RedCommittees(RegionListPage):
    kind = "red-committees"
    base_title = "红色业委会"
    intro = "任期内、按所在地规则认定的红色业委会（党员占比和交叉任职人数均达到要求）。"
    permissions = ("regions.view_region", "committees.view_ownerscommittee")
    columns = [
        Column("业委会", lambda c: str(c), link=True),
        Column("小区", lambda c: c.compound.name, sort="compound__name"),
        Column("社区", lambda c: c.compound.community.name),
        Column("成员", "member_count", sort="member_count", css="num"),
        Column("党员", "party_member_count", sort="party_member_count", css="num"),
        Column("交叉任职", "cross_appointed_count", sort="cross_appointed_count", css="num"),
        Column("任期届满", "term_end", sort="term_end"),
    ]
    search_fields = ("compound__name__icontains",)
    search_placeholder = "小区名称"
    default_ordering = ("compound__code", "id")

    def get_queryset(self):
        return selectors.red_committee_list(self.scope, self.on)


class SecretariesInPost(RegionListPage):
    kind = "secretaries"
    base_title = "在岗红领书记"
    permissions = ("regions.view_region", "party.view_redcollarsecretary")
    columns = [
        Column("姓名", "name", sort="name", link=True),
        Column("选派单位", "sending_unit", sort="sending_unit"),
        Column("任职社区", lambda s: s.community.name, sort="community"),
        Column("街道", lambda s: s.community.parent.name if s.community.parent_id else None),
        Column("任职开始", "start_date", sort="start_date"),
        Column("演示数据", "is_generated", display=generated_tag),
    ]
    search_fields = ("name__icontains", "sending_unit__icontains")
    search_placeholder = "姓名或选派单位"
    default_ordering = ("community_id", "name")

    def get_queryset(self):
        return selectors.secretaries_in_post(self.scope, self.on)


class WelfareCompanies(RegionListPage):
    kind = "welfare"
    base_title = "公益性物业企业及兜底小区"
    intro = "国有公益性物业企业（注册在本区域，或为本区域小区兜底）及其在本区域兜底的老旧小区。"
    permissions = ("regions.view_region", "registry.view_propertycompany")
    columns = [
        Column("企业名称", "name", sort="name", link=True),
        Column("注册地", lambda c: c.region.name, sort="region"),
        Column("本区域兜底小区", "fallback_compounds", sort="fallback_compounds", css="num"),
        Column("兜底户数", "fallback_households", sort="fallback_households", css="num"),
        Column("统一社会信用代码", "credit_code"),
        Column("演示数据", "is_generated", display=generated_tag),
    ]
    search_fields = ("name__icontains",)
    default_ordering = ("region_id", "name")

    def get_queryset(self):
        return selectors.welfare_companies(self.scope)


class PairingCompounds(RegionListPage):
    kind = "pairings"
    base_title = "大手牵小手小区"
    intro = "由大型物业企业结对托管（大手牵小手）的小区。"
    permissions = ("regions.view_region", "registry.view_compound")
    columns = [
        Column("小区", "name", sort="name", link=True),
        Column("社区", lambda c: c.community.name, sort="community"),
        Column("街道", lambda c: c.community.parent.name if c.community.parent_id else None),
        Column("户数", "households", sort="households", css="num"),
        Column("结对企业", lambda c: c.company.name if c.company_id else None, sort="company__name"),
        Column("演示数据", "is_generated", display=generated_tag),
    ]
    search_fields = ("name__icontains",)
    default_ordering = ("code",)

    def get_queryset(self):
        return selectors.pairing_compounds(self.scope)


LISTS = {
    page.kind: page.as_view()
    for page in (
        OldCompoundsUnserved,
        CompaniesUncovered,
        CommitteesUncovered,
        CompanyOrgsBelowTarget,
        FiveStarOrgs,
        CompoundsWithoutBranch,
        RedCommittees,
        SecretariesInPost,
        WelfareCompanies,
        PairingCompounds,
    )
}


def dashboard_list(request, kind: str):
    view = LISTS.get(kind)
    if view is None:
        raise Http404("没有这个清单。")
    return view(request)
