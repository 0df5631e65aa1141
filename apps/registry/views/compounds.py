"""Compound pages: list, detail, create, update, delete, import."""

from __future__ import annotations

from django.db.models import Count
from django.urls import reverse

from apps.core.views import Column, DeletePage, DetailPage, FormPage, ListPage, Section, generated_tag, tag
from apps.registry import selectors, services
from apps.registry.filters import CompoundFilter
from apps.registry.forms import (
    CompoundForm,
)
from apps.registry.models import Compound


def mode_tag(c: Compound):
    kind = {"none": "warn", "fallback": "red", "pairing": "gold"}.get(c.management_mode, "")
    return tag(c.get_management_mode_display(), kind)


# ------------------------------------------------------------------ compounds
COMPOUND_COLUMNS = [
    Column("小区编码", "code", sort="code", export=True),
    Column("小区名称", "name", sort="name", link=True),
    Column(
        "县区",
        lambda c: (
            c.community.parent.parent.name if c.community.parent_id and c.community.parent.parent_id else ""
        ),
    ),
    Column("街道（镇）", lambda c: c.community.parent.name if c.community.parent_id else ""),
    Column("社区", "community.name"),
    Column("户数", "households", sort="households", css="num"),
    Column("建成年份", "year_built", sort="year_built", css="num"),
    Column("老旧小区", "is_old", display=lambda c: tag("老旧", "warn") if c.is_old else ""),
    Column("管理模式", lambda c: c.get_management_mode_display(), sort="management_mode", display=mode_tag),
    Column("服务企业", lambda c: c.company.name if c.company_id else ""),
    Column("居住党员", "resident_party_members", sort="resident_party_members", css="num"),
    Column("演示数据", "is_generated", display=generated_tag),
]


class CompoundList(ListPage):
    title = "小区"
    permission = "registry.view_compound"
    columns = COMPOUND_COLUMNS
    search_fields = ("name__icontains", "code__startswith", "address__icontains")
    search_placeholder = "小区名称、编码或地址"
    filter_form = CompoundFilter
    default_ordering = ("code",)
    export_name = "小区"
    create_url_name = "compound_create"
    create_permission = "registry.add_compound"
    import_url_name = "compound_import"
    import_permission = "registry.import_records"
    empty_text = "当前范围内没有符合条件的小区。可点击“新建”登记小区，或批量导入。"

    selector = selectors.compound_list_for


class CompoundDetail(DetailPage):
    permission = "registry.view_compound"
    edit_url_name = "compound_update"
    edit_permission = "registry.change_compound"
    delete_url_name = "compound_delete"
    delete_permission = "registry.delete_compound"
    list_url_name = "compound_list"
    list_title = "小区"
    template_name = "registry/compound_detail.html"

    selector = selectors.compound_list_for

    def fields(self, c):
        community = c.community
        street = community.parent
        county = street.parent if street else None
        return [
            ("小区编码", c.code),
            ("所属区划", " / ".join(r.name for r in (county, street, community) if r)),
            ("地址", c.address),
            ("户数", c.households),
            ("总建筑面积（㎡）", c.total_floor_area),
            ("建成年份", c.year_built),
            ("老旧小区", c.is_old),
            ("管理模式", c.get_management_mode_display()),
            ("服务企业", c.company.name if c.company_id else ""),
            ("居住党员人数", c.resident_party_members),
            ("符合建立党支部条件", c.is_branch_eligible),
            ("经纬度", f"{c.latitude}, {c.longitude}" if c.latitude is not None else ""),
        ]

    def sections(self, c):
        user = self.request.user
        buildings = list(
            selectors.building_list_for(user=user)
            .filter(compound=c)
            .annotate(unit_count=Count("units"))[:100]
        )
        from apps.committees.selectors import committee_list_for
        from apps.party.selectors import party_org_list_for

        branches = list(party_org_list_for(user=user).filter(compound=c))
        committees = list(committee_list_for(user=user).filter(compound=c))
        return [
            Section(
                "小区党支部",
                [
                    Column("党组织", "name", link=True),
                    Column("书记", "secretary_name"),
                    Column("党员人数", "member_count", css="num"),
                    Column("成立日期", "founded_on"),
                ],
                branches,
                empty="尚未成立小区党支部" + ("（符合建立条件）" if c.is_branch_eligible else ""),
            ),
            Section(
                "业主委员会",
                [
                    Column("名称", lambda x: str(x), link=True),
                    Column("任期开始", "term_start"),
                    Column("任期届满", "term_end"),
                    Column("委员人数", lambda x: len(x.members.all()), css="num"),
                ],
                committees,
                empty="尚无业主委员会或物管会",
            ),
            Section(
                "楼栋",
                [
                    Column("楼栋", "name", link=True),
                    Column("层数", "floors", css="num"),
                    Column("电梯", "has_lift"),
                    Column("房屋数", "unit_count", css="num"),
                ],
                buildings,
                empty="尚未登记楼栋",
            ),
        ]

    def extra_context(self, c):
        user = self.request.user
        return {
            "add_building_url": reverse("building_create") + f"?compound={c.pk}"
            if user.has_perm("registry.add_building")
            else "",
        }


class CompoundCreate(FormPage):
    form_class = CompoundForm
    permission = "registry.add_compound"
    title = "登记小区"
    cancel_url_name = "compound_list"
    success_message = "小区已登记。"

    def save(self, form):
        return services.compound_create(actor=self.request.user, data=form.cleaned_data)


class CompoundUpdate(FormPage):
    form_class = CompoundForm
    permission = "registry.change_compound"

    selector = selectors.compound_list_for

    def get_title(self):
        return f"编辑小区：{self.object}"

    def save(self, form):
        data = {k: v for k, v in form.cleaned_data.items() if k != "community"}
        return services.compound_update(compound=self.object, actor=self.request.user, data=data)


class CompoundDelete(DeletePage):
    permission = "registry.delete_compound"
    success_url_name = "compound_list"

    selector = selectors.compound_list_for

    def delete(self, obj):
        services.compound_delete(compound=obj, actor=self.request.user)
