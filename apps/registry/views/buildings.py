"""Building and unit (专有部分) pages."""

from __future__ import annotations

from apps.core.views import Column, DeletePage, DetailPage, FormPage, Section
from apps.registry import selectors, services
from apps.registry.forms import (
    BuildingForm,
    UnitForm,
)


# ------------------------------------------------------------------ buildings and units
class BuildingDetail(DetailPage):
    permission = "registry.view_building"
    edit_url_name = "building_update"
    edit_permission = "registry.change_building"
    delete_url_name = "building_delete"
    delete_permission = "registry.delete_building"

    selector = selectors.building_list_for

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

    initial_from_query = ("compound",)

    def save(self, form):
        return services.building_create(actor=self.request.user, data=form.cleaned_data)


class BuildingUpdate(FormPage):
    form_class = BuildingForm
    permission = "registry.change_building"

    selector = selectors.building_list_for

    def get_title(self):
        return f"编辑楼栋：{self.object}"

    def save(self, form):
        return services.building_update(building=self.object, actor=self.request.user, data=form.cleaned_data)


class BuildingDelete(DeletePage):
    permission = "registry.delete_building"
    success_url_name = "compound_list"

    selector = selectors.building_list_for

    def delete(self, obj):
        services.building_delete(building=obj, actor=self.request.user)


class UnitDetail(DetailPage):
    permission = "registry.view_unit"
    edit_url_name = "unit_update"
    edit_permission = "registry.change_unit"
    delete_url_name = "unit_delete"
    delete_permission = "registry.delete_unit"

    selector = selectors.unit_list_for

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

    initial_from_query = ("building",)

    def save(self, form):
        return services.unit_create(actor=self.request.user, data=form.cleaned_data)


class UnitUpdate(FormPage):
    form_class = UnitForm
    permission = "registry.change_unit"

    selector = selectors.unit_list_for

    def get_title(self):
        return f"编辑房屋：{self.object}"

    def save(self, form):
        return services.unit_update(unit=self.object, actor=self.request.user, data=form.cleaned_data)


class UnitDelete(DeletePage):
    permission = "registry.delete_unit"
    success_url_name = "compound_list"

    selector = selectors.unit_list_for

    def delete(self, obj):
        services.unit_delete(unit=obj, actor=self.request.user)
