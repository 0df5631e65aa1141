"""Registry pages: compounds, buildings, units, owners, companies, departments."""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from apps.core.imports import ImportPage
from apps.core.scoping import get_scoped_or_404
from apps.core.views import Column, DeletePage, DetailPage, FormPage, ListPage, Section, generated_tag, tag
from apps.registry import selectors, services
from apps.registry.filters import CompanyFilter, CompoundFilter, DepartmentFilter
from apps.registry.forms import (
    BuildingForm,
    CompanyForm,
    CompoundForm,
    DepartmentForm,
    OwnerForm,
    OwnerUnitForm,
    UnitForm,
)
from apps.registry.models import CompanyKind, Compound, Unit


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

    def get_queryset(self):
        return selectors.compound_list_for(user=self.request.user)


class CompoundDetail(DetailPage):
    permission = "registry.view_compound"
    edit_url_name = "compound_update"
    edit_permission = "registry.change_compound"
    delete_url_name = "compound_delete"
    delete_permission = "registry.delete_compound"
    list_url_name = "compound_list"
    list_title = "小区"
    template_name = "registry/compound_detail.html"

    def get_queryset(self):
        return selectors.compound_list_for(user=self.request.user)

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

    def get_object(self):
        return get_scoped_or_404(
            selectors.compound_list_for(user=self.request.user), self.request.user, pk=self.kwargs["pk"]
        )

    def get_title(self):
        return f"编辑小区：{self.object}"

    def save(self, form):
        data = {k: v for k, v in form.cleaned_data.items() if k != "community"}
        return services.compound_update(compound=self.object, actor=self.request.user, data=data)


class CompoundDelete(DeletePage):
    permission = "registry.delete_compound"
    success_url_name = "compound_list"

    def get_queryset(self):
        return selectors.compound_list_for(user=self.request.user)

    def delete(self, obj):
        services.compound_delete(compound=obj, actor=self.request.user)


class CompoundImportForm(CompoundForm):
    """Import rows name the company by its credit code and the community by its code."""

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["company"].to_field_name = "credit_code"
        self.fields["company"].label = "服务企业统一社会信用代码"
        self.fields["community"].label = "社区区划代码"


class CompoundImport(ImportPage):
    form_class = CompoundImportForm
    title = "批量导入小区"
    permission = "registry.import_records"
    list_url_name = "compound_list"
    example_rows = [
        {
            "name": "示例花园",
            "community": "371311003003",
            "households": "120",
            "total_floor_area": "12000",
            "year_built": "1996",
            "is_old": "True",
            "management_mode": "none",
            "resident_party_members": "4",
        }
    ]

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_perm("registry.add_compound"):
            raise PermissionDenied("您的角色无权登记小区。")
        return super().dispatch(request, *args, **kwargs)

    def save_row(self, form):
        return services.compound_create(actor=self.request.user, data=form.cleaned_data)


# ------------------------------------------------------------------ buildings and units
class BuildingDetail(DetailPage):
    permission = "registry.view_building"
    edit_url_name = "building_update"
    edit_permission = "registry.change_building"
    delete_url_name = "building_delete"
    delete_permission = "registry.delete_building"

    def get_queryset(self):
        return selectors.building_list_for(user=self.request.user)

    def fields(self, b):
        return [("小区", b.compound.name), ("楼栋", b.name), ("层数", b.floors), ("电梯", b.has_lift)]

    def sections(self, b):
        units = list(selectors.unit_list_for(user=self.request.user).filter(building=b)[:300])
        return [
            Section(
                "房屋（专有部分）",
                [
                    Column("单元", "stair"),
                    Column("房号", "number", link=True),
                    Column("类型", lambda u: u.get_kind_display()),
                    Column("专有部分面积（㎡）", "area", css="num"),
                ],
                units,
                empty="尚未登记房屋",
            ),
        ]

    def extra_context(self, b):
        return {"list_url": b.compound.get_absolute_url(), "list_title": b.compound.name}


class BuildingCreate(FormPage):
    form_class = BuildingForm
    permission = "registry.add_building"
    title = "登记楼栋"
    cancel_url_name = "compound_list"

    def get_form(self, data=None, files=None):
        form = super().get_form(data, files)
        if data is None and self.request.GET.get("compound"):
            form.initial["compound"] = self.request.GET["compound"]
        return form

    def save(self, form):
        return services.building_create(actor=self.request.user, data=form.cleaned_data)


class BuildingUpdate(FormPage):
    form_class = BuildingForm
    permission = "registry.change_building"

    def get_object(self):
        return get_scoped_or_404(
            selectors.building_list_for(user=self.request.user), self.request.user, pk=self.kwargs["pk"]
        )

    def get_title(self):
        return f"编辑楼栋：{self.object}"

    def save(self, form):
        return services.building_update(building=self.object, actor=self.request.user, data=form.cleaned_data)


class BuildingDelete(DeletePage):
    permission = "registry.delete_building"
    success_url_name = "compound_list"

    def get_queryset(self):
        return selectors.building_list_for(user=self.request.user)

    def delete(self, obj):
        services.building_delete(building=obj, actor=self.request.user)


class UnitDetail(DetailPage):
    permission = "registry.view_unit"
    edit_url_name = "unit_update"
    edit_permission = "registry.change_unit"
    delete_url_name = "unit_delete"
    delete_permission = "registry.delete_unit"

    def get_queryset(self):
        return selectors.unit_list_for(user=self.request.user)

    def fields(self, u):
        return [
            ("小区", u.compound.name),
            ("楼栋", u.building.name),
            ("单元", u.stair),
            ("房号", u.number),
            ("楼层", u.floor),
            ("类型", u.get_kind_display()),
            ("登记面积（㎡）", u.registered_area),
            ("测绘面积（㎡）", u.surveyed_area),
            ("合同面积（㎡）", u.contract_area),
            ("专有部分面积（㎡）", f"{u.area}（依次取登记、测绘、合同面积）" if u.area else ""),
            ("开发建设单位未售出", u.developer_held),
        ]

    def sections(self, u):
        links = list(u.owner_links.select_related("owner"))
        return [
            Section(
                "业主",
                [Column("业主", lambda link: link.owner.masked_name), Column("取得日期", "since")],
                links,
                empty="尚未登记业主",
            )
        ]

    def extra_context(self, u):
        return {"list_url": u.building.get_absolute_url(), "list_title": str(u.building)}


class UnitCreate(FormPage):
    form_class = UnitForm
    permission = "registry.add_unit"
    title = "登记房屋"
    cancel_url_name = "compound_list"

    def get_form(self, data=None, files=None):
        form = super().get_form(data, files)
        if data is None and self.request.GET.get("building"):
            form.initial["building"] = self.request.GET["building"]
        return form

    def save(self, form):
        return services.unit_create(actor=self.request.user, data=form.cleaned_data)


class UnitUpdate(FormPage):
    form_class = UnitForm
    permission = "registry.change_unit"

    def get_object(self):
        return get_scoped_or_404(
            selectors.unit_list_for(user=self.request.user), self.request.user, pk=self.kwargs["pk"]
        )

    def get_title(self):
        return f"编辑房屋：{self.object}"

    def save(self, form):
        return services.unit_update(unit=self.object, actor=self.request.user, data=form.cleaned_data)


class UnitDelete(DeletePage):
    permission = "registry.delete_unit"
    success_url_name = "compound_list"

    def get_queryset(self):
        return selectors.unit_list_for(user=self.request.user)

    def delete(self, obj):
        services.unit_delete(unit=obj, actor=self.request.user)


# ------------------------------------------------------------------ owners
def _can_see_pii(user) -> bool:
    return user.has_perm("registry.view_owner_pii")


class OwnerList(ListPage):
    title = "业主"
    permission = "registry.view_owner"
    columns = [
        Column("业主", lambda o: o.masked_name, link=True),
        Column("手机号", lambda o: o.masked_phone),
        Column("身份证号", lambda o: o.masked_id),
        Column("开发建设单位", "is_developer"),
        Column("演示数据", "is_generated", display=generated_tag),
    ]
    search_fields = ("name__startswith", "phone__endswith")
    search_placeholder = "姓名（开头）或手机号后四位"
    default_ordering = ("id",)
    export_name = "业主（脱敏）"
    create_url_name = "owner_create"
    create_permission = "registry.add_owner"
    import_url_name = "owner_import"
    import_permission = "registry.import_records"
    intro = "个人信息默认脱敏显示；有权限的人员可在详情页查看完整信息，每次查看都会留痕。"

    def get_queryset(self):
        return selectors.owner_list_for(user=self.request.user)


class OwnerDetail(DetailPage):
    permission = "registry.view_owner"
    edit_url_name = "owner_update"
    edit_permission = "registry.change_owner"
    delete_url_name = "owner_delete"
    delete_permission = "registry.delete_owner"
    list_url_name = "owner_list"
    list_title = "业主"
    template_name = "registry/owner_detail.html"

    def get_queryset(self):
        return selectors.owner_list_for(user=self.request.user)

    def fields(self, o):
        return [
            ("姓名", o.masked_name),
            ("手机号", o.masked_phone),
            ("身份证号", o.masked_id),
            ("开发建设单位", o.is_developer),
        ]

    def sections(self, o):
        links = list(selectors.owner_units_for(user=self.request.user, owner=o))
        return [
            Section(
                "名下房屋",
                [
                    Column("小区", lambda link: link.unit.compound.name),
                    Column("房屋", lambda link: str(link.unit)),
                    Column("面积（㎡）", lambda link: link.unit.area, css="num"),
                    Column("取得日期", "since"),
                ],
                links,
                empty="尚未关联房屋",
            )
        ]

    def extra_context(self, o):
        user = self.request.user
        return {
            "can_see_pii": _can_see_pii(user),
            "link_url": reverse("owner_link_unit", args=[o.pk])
            if user.has_perm("registry.add_ownerunit")
            else "",
        }


@require_POST
def owner_reveal(request, pk):
    """Show an owner's unmasked name and phone to a role that needs it, and log the view."""
    if not request.user.is_authenticated:
        return HttpResponseRedirect(reverse("login"))
    owner = get_scoped_or_404(selectors.owner_list_for(user=request.user), request.user, pk=pk)
    if not _can_see_pii(request.user):
        raise PermissionDenied("您的角色无权查看业主完整个人信息。")
    services.owner_view_pii(owner=owner, actor=request.user)
    from django.shortcuts import render

    template = (
        "registry/_owner_pii.html" if request.headers.get("HX-Request") else "registry/owner_pii_page.html"
    )
    return render(request, template, {"owner": owner, "title": f"业主个人信息：{owner}"})


class OwnerCreate(FormPage):
    form_class = OwnerForm
    permission = "registry.add_owner"
    title = "登记业主"
    cancel_url_name = "owner_list"

    def save(self, form):
        return services.owner_create(actor=self.request.user, data=form.service_data())


class OwnerUpdate(FormPage):
    form_class = OwnerForm
    permission = "registry.change_owner"

    def get_object(self):
        return get_scoped_or_404(
            selectors.owner_list_for(user=self.request.user), self.request.user, pk=self.kwargs["pk"]
        )

    def get_title(self):
        return f"编辑业主：{self.object}"

    def save(self, form):
        return services.owner_update(owner=self.object, actor=self.request.user, data=form.service_data())


class OwnerDelete(DeletePage):
    permission = "registry.delete_owner"
    success_url_name = "owner_list"

    def get_queryset(self):
        return selectors.owner_list_for(user=self.request.user)

    def delete(self, obj):
        services.owner_delete(owner=obj, actor=self.request.user)


class OwnerLinkUnit(FormPage):
    form_class = OwnerUnitForm
    permission = "registry.add_ownerunit"

    def get_object(self):
        return get_scoped_or_404(
            selectors.owner_list_for(user=self.request.user), self.request.user, pk=self.kwargs["pk"]
        )

    def get_title(self):
        return f"为业主 {self.object} 关联房屋"

    def get_form(self, data=None, files=None):
        return OwnerUnitForm(data, user=self.request.user)

    def save(self, form):
        services.owner_unit_link(
            owner=self.object,
            unit=form.cleaned_data["unit"],
            since=form.cleaned_data["since"],
            actor=self.request.user,
        )
        return self.object


class OwnerImportForm(OwnerForm):
    unit = forms.ModelChoiceField(
        label="房屋编号", queryset=Unit.objects.none(), required=False, help_text="房屋的系统编号（可选）"
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        from apps.core.scoping import scoped

        self.fields["unit"].queryset = (
            scoped(Unit.objects.all(), user) if user is not None else Unit.objects.none()
        )


class OwnerImport(ImportPage):
    form_class = OwnerImportForm
    title = "批量导入业主"
    permission = "registry.import_records"
    list_url_name = "owner_list"
    example_rows = [
        {"name": "张三", "phone": "13800000000", "id_number": "11010519491231002X", "is_developer": "False"}
    ]

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_perm("registry.add_owner"):
            raise PermissionDenied("您的角色无权登记业主。")
        return super().dispatch(request, *args, **kwargs)

    def save_row(self, form):
        data = form.service_data()
        unit = data.pop("unit", None)
        return services.owner_create(actor=self.request.user, data=data, units=[unit] if unit else [])


# ------------------------------------------------------------------ companies
COMPANY_COLUMNS = [
    Column("企业名称", "name", sort="name", link=True),
    Column("统一社会信用代码", "credit_code"),
    Column(
        "企业类型",
        lambda c: c.get_kind_display(),
        sort="kind",
        display=lambda c: tag(c.get_kind_display(), "red" if c.kind == CompanyKind.PUBLIC_WELFARE else ""),
    ),
    Column("注册地", "region.name"),
    Column("服务小区数", "compound_count", sort="compound_count", css="num"),
    Column("演示数据", "is_generated", display=generated_tag),
]


class CompanyList(ListPage):
    title = "物业服务企业"
    permission = "registry.view_propertycompany"
    columns = COMPANY_COLUMNS
    search_fields = ("name__icontains", "credit_code__startswith")
    search_placeholder = "企业名称或统一社会信用代码"
    filter_form = CompanyFilter
    default_ordering = ("name", "id")
    export_name = "物业服务企业"
    create_url_name = "company_create"
    create_permission = "registry.add_propertycompany"
    import_url_name = "company_import"
    import_permission = "registry.import_records"

    def get_queryset(self):
        return selectors.company_with_counts_for(user=self.request.user)


class CompanyDetail(DetailPage):
    permission = "registry.view_propertycompany"
    edit_url_name = "company_update"
    edit_permission = "registry.change_propertycompany"
    delete_url_name = "company_delete"
    delete_permission = "registry.delete_propertycompany"
    list_url_name = "company_list"
    list_title = "物业服务企业"

    def get_queryset(self):
        return selectors.company_list_for(user=self.request.user)

    def fields(self, c):
        from apps.core.validators import org_code_warning

        warning = org_code_warning(c.credit_code)
        return [
            ("统一社会信用代码", c.credit_code + (f"（提示：{warning}）" if warning else "")),
            ("企业类型", c.get_kind_display()),
            ("注册地", c.region.name),
            ("地址", c.address),
            ("法定代表人", c.legal_representative),
            ("联系电话", c.contact_phone),
        ]

    def sections(self, c):
        user = self.request.user
        compounds_qs = selectors.compound_list_for(user=user).filter(company=c)
        compounds = list(compounds_qs[:50])
        from apps.party.selectors import instructor_list_for, party_org_list_for

        orgs = list(party_org_list_for(user=user).filter(company=c))
        joint = list(party_org_list_for(user=user).filter(covered_companies=c))
        instructors = list(instructor_list_for(user=user).filter(companies=c))
        count = compounds_qs.count()
        return [
            Section(
                "服务小区",
                [
                    Column("小区", "name", link=True),
                    Column("社区", "community.name"),
                    Column("管理模式", lambda x: x.get_management_mode_display()),
                    Column("户数", "households", css="num"),
                ],
                compounds,
                empty="暂无服务小区",
                more_url=reverse("compound_list") + f"?company={c.pk}" if count > 50 else "",
                more_count=count,
            ),
            Section(
                "党组织覆盖",
                [
                    Column("党组织", "name", link=True),
                    Column("类别", lambda o: o.get_kind_display()),
                    Column(
                        "最新星级",
                        lambda o: (
                            f"{o.latest_stars}星（{o.latest_rating_year}）" if o.latest_stars else "未评定"
                        ),
                    ),
                ],
                orgs + joint,
                empty="尚无本企业党组织，也未纳入联合党支部",
            ),
            Section(
                "党建指导员",
                [
                    Column("姓名", "name", link=True),
                    Column("选派单位", "sending_unit"),
                    Column("开始日期", "start_date"),
                ],
                instructors,
                empty="未派驻党建指导员",
            ),
        ]


class CompanyCreate(FormPage):
    form_class = CompanyForm
    permission = "registry.add_propertycompany"
    title = "登记物业服务企业"
    cancel_url_name = "company_list"

    def save(self, form):
        return services.company_create(actor=self.request.user, data=form.cleaned_data)


class CompanyUpdate(FormPage):
    form_class = CompanyForm
    permission = "registry.change_propertycompany"

    def get_object(self):
        return get_scoped_or_404(
            selectors.company_list_for(user=self.request.user), self.request.user, pk=self.kwargs["pk"]
        )

    def get_title(self):
        return f"编辑企业：{self.object}"

    def save(self, form):
        return services.company_update(company=self.object, actor=self.request.user, data=form.cleaned_data)


class CompanyDelete(DeletePage):
    permission = "registry.delete_propertycompany"
    success_url_name = "company_list"

    def get_queryset(self):
        return selectors.company_list_for(user=self.request.user)

    def delete(self, obj):
        services.company_delete(company=obj, actor=self.request.user)


class CompanyImport(ImportPage):
    form_class = CompanyForm
    title = "批量导入物业服务企业"
    permission = "registry.import_records"
    list_url_name = "company_list"
    example_rows = [
        {
            "name": "临沂市示例物业服务有限公司",
            "credit_code": "91350100M000100Y43",
            "kind": "market",
            "region": "371311",
        }
    ]

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_perm("registry.add_propertycompany"):
            raise PermissionDenied("您的角色无权登记物业服务企业。")
        return super().dispatch(request, *args, **kwargs)

    def save_row(self, form):
        return services.company_create(actor=self.request.user, data=form.cleaned_data)


# ------------------------------------------------------------------ departments
class DepartmentList(ListPage):
    title = "职能部门"
    permission = "registry.view_department"
    columns = [
        Column("部门名称", "name", sort="name", link=True),
        Column("类别", lambda d: d.get_kind_display(), sort="kind"),
        Column("所属区划", "region.name"),
        Column("联系电话", "contact_phone"),
    ]
    search_fields = ("name__icontains",)
    filter_form = DepartmentFilter
    default_ordering = ("region_id", "name")
    export_name = "职能部门"
    create_url_name = "department_create"
    create_permission = "registry.add_department"

    def get_queryset(self):
        return selectors.department_list_for(user=self.request.user)


class DepartmentDetail(DetailPage):
    permission = "registry.view_department"
    edit_url_name = "department_update"
    edit_permission = "registry.change_department"
    delete_url_name = "department_delete"
    delete_permission = "registry.delete_department"
    list_url_name = "department_list"
    list_title = "职能部门"

    def get_queryset(self):
        return selectors.department_list_for(user=self.request.user)

    def fields(self, d):
        return [("类别", d.get_kind_display()), ("所属区划", d.region.name), ("联系电话", d.contact_phone)]


class DepartmentCreate(FormPage):
    form_class = DepartmentForm
    permission = "registry.add_department"
    title = "登记职能部门"
    cancel_url_name = "department_list"

    def save(self, form):
        return services.department_create(actor=self.request.user, data=form.cleaned_data)


class DepartmentUpdate(FormPage):
    form_class = DepartmentForm
    permission = "registry.change_department"

    def get_object(self):
        return get_scoped_or_404(
            selectors.department_list_for(user=self.request.user), self.request.user, pk=self.kwargs["pk"]
        )

    def get_title(self):
        return f"编辑部门：{self.object}"

    def save(self, form):
        return services.department_update(
            department=self.object, actor=self.request.user, data=form.cleaned_data
        )


class DepartmentDelete(DeletePage):
    permission = "registry.delete_department"
    success_url_name = "department_list"

    def get_queryset(self):
        return selectors.department_list_for(user=self.request.user)

    def delete(self, obj):
        services.department_delete(department=obj, actor=self.request.user)
