"""Functional department pages."""

from __future__ import annotations

from apps.core.views import Column, DeletePage, DetailPage, FormPage, ListPage
from apps.registry import selectors, services
from apps.registry.filters import DepartmentFilter
from apps.registry.forms import (
    DepartmentForm,
)


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

    selector = selectors.department_list_for


class DepartmentDetail(DetailPage):
    permission = "registry.view_department"
    edit_url_name = "department_update"
    edit_permission = "registry.change_department"
    delete_url_name = "department_delete"
    delete_permission = "registry.delete_department"
    list_url_name = "department_list"
    list_title = "职能部门"

    selector = selectors.department_list_for

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

    selector = selectors.department_list_for

    def get_title(self):
        return f"编辑部门：{self.object}"

    def save(self, form):
        return services.department_update(
            department=self.object, actor=self.request.user, data=form.cleaned_data
        )


class DepartmentDelete(DeletePage):
    permission = "registry.delete_department"
    success_url_name = "department_list"

    selector = selectors.department_list_for

    def delete(self, obj):
        services.department_delete(department=obj, actor=self.request.user)
