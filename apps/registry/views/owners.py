"""Owner pages: masked by default, unmasked views logged, imports, unit links."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from apps.core.scoping import get_scoped_or_404
from apps.core.views import Column, DeletePage, DetailPage, FormPage, ListPage, Section, generated_tag
from apps.registry import selectors, services
from apps.registry.forms import (
    OwnerForm,
    OwnerUnitForm,
)


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

    selector = selectors.owner_list_for


class OwnerDetail(DetailPage):
    permission = "registry.view_owner"
    edit_url_name = "owner_update"
    edit_permission = "registry.change_owner"
    delete_url_name = "owner_delete"
    delete_permission = "registry.delete_owner"
    list_url_name = "owner_list"
    list_title = "业主"
    template_name = "registry/owner_detail.html"

    selector = selectors.owner_list_for

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

    selector = selectors.owner_list_for

    def get_title(self):
        return f"编辑业主：{self.object}"

    def save(self, form):
        return services.owner_update(owner=self.object, actor=self.request.user, data=form.service_data())


class OwnerDelete(DeletePage):
    permission = "registry.delete_owner"
    success_url_name = "owner_list"

    selector = selectors.owner_list_for

    def delete(self, obj):
        services.owner_delete(owner=obj, actor=self.request.user)


class OwnerLinkUnit(FormPage):
    form_class = OwnerUnitForm
    permission = "registry.add_ownerunit"

    selector = selectors.owner_list_for

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
