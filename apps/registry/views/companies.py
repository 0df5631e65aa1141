"""Property company pages, with party coverage and instructors on the detail page."""

from __future__ import annotations

from django.urls import reverse

from apps.core.views import Column, DeletePage, DetailPage, FormPage, ListPage, Section, generated_tag, tag
from apps.registry import selectors, services
from apps.registry.choices import CompanyKind
from apps.registry.filters import CompanyFilter
from apps.registry.forms import (
    CompanyForm,
)

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

    selector = selectors.company_with_counts_for


class CompanyDetail(DetailPage):
    permission = "registry.view_propertycompany"
    edit_url_name = "company_update"
    edit_permission = "registry.change_propertycompany"
    delete_url_name = "company_delete"
    delete_permission = "registry.delete_propertycompany"
    list_url_name = "company_list"
    list_title = "物业服务企业"

    selector = selectors.company_list_for

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

    selector = selectors.company_list_for

    def get_title(self):
        return f"编辑企业：{self.object}"

    def save(self, form):
        return services.company_update(company=self.object, actor=self.request.user, data=form.cleaned_data)


class CompanyDelete(DeletePage):
    permission = "registry.delete_propertycompany"
    success_url_name = "company_list"

    selector = selectors.company_list_for

    def delete(self, obj):
        services.company_delete(company=obj, actor=self.request.user)
