"""The public-spaces ledger (公共用房台账) for bulk import (apps/core/imports.py, run by
apps/imports): each row through the space page's own form and saved by the page's own service.

A space is identified by its compound and its name (如 物业服务中心、3号楼底商101); a name that
two spaces of one compound share cannot be updated by import (the row says so)."""

from __future__ import annotations

from apps.core.imports import IMPORT_RECORDS, Column, ServiceLedger
from apps.core.scoping import scoped
from apps.registry.models import Compound
from apps.spaces import selectors, services
from apps.spaces.choices import RoomType, SpaceKind, SpaceStatus
from apps.spaces.forms import SpaceForm
from apps.spaces.models import PublicSpace


class SpaceImportForm(SpaceForm):
    """Rows name the compound by its code; the owners' decision (a vote) is linked on the page."""

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["compound"].to_field_name = "code"
        self.fields["compound"].label = "小区编码"

    def clean(self):
        cleaned = super().clean()
        space = self.instance
        if space.pk and (
            PublicSpace.objects.filter(compound_id=space.compound_id, name=space.name)
            .exclude(pk=space.pk)
            .exists()
        ):
            self.add_error(
                "name",
                f"该小区有多处名为“{space.name}”的公共用房，无法确定更新哪一处；请先在页面上改名区分",
            )
        return cleaned


class SpaceLedger(ServiceLedger):
    name = "spaces"
    title = "公共用房"
    permissions = (IMPORT_RECORDS, "spaces.add_publicspace", "spaces.change_publicspace")
    list_url_name = "space_list"
    form_class = SpaceImportForm
    order = 70
    columns = (
        Column("compound", "小区编码", required=True, text=True, note="15位小区编码，见小区详情页"),
        Column("kind", "用房类别", required=True),
        Column("name", "名称", required=True, width=24),
        Column("room_type", "房屋性质"),
        Column("building", "所在楼栋"),
        Column("floor", "所在楼层", required=True, note="地下层填负数，如 -1"),
        Column("above_ground", "地面以上"),
        Column("has_lift", "所在楼栋有电梯"),
        Column("is_residential", "居住用房"),
        Column("floor_area", "建筑面积（㎡）", required=True),
        Column("clear_height", "室内层高（m）", required=True),
        Column("status", "使用状态"),
        Column("occupant_kind", "占用方类别"),
        Column("occupant_name", "占用方", width=24, note="使用状态为“被占用”时必须填写"),
        Column("occupied_since", "占用起始日期", date=True, note="使用状态为“被占用”时必须填写"),
        Column("converted_use", "改变后的用途"),
        Column(
            "converted_decision",
            "业主大会决定",
            width=30,
            note="使用状态为“经业主大会同意改变用途”时必须填写（如 2023年第1次业主大会决定）；关联网上表决请在页面上办理",
        ),
        Column("note", "备注", width=24),
    )
    create = services.space_create
    update = services.space_update
    selector = selectors.space_list_for
    lookup_by = {"compound": "compound__code", "name": "name"}
    lookup_order = ("pk",)  # two spaces of one name: the form refuses the row, naming them
    notes = (
        "按小区编码和名称识别已有公共用房：已有的更新，没有的新增；同一小区内请勿重名。",
        "地面以上的用房所在楼层应不小于1；地下用房“地面以上”填“否”，楼层填负数。",
    )

    def sample_row(self, user):
        compound = scoped(Compound.objects.all(), user).order_by("code").first()
        return {
            "compound": compound.code if compound else "",
            "kind": SpaceKind.PROPERTY_SERVICE.label,
            "name": "示例物业服务用房",
            "room_type": RoomType.ROOM.label,
            "building": "1号楼",
            "floor": "1",
            "above_ground": "是",
            "has_lift": "否",
            "is_residential": "否",
            "floor_area": "120",
            "clear_height": "3.0",
            "status": SpaceStatus.AS_INTENDED.label,
            "note": "示例行，导入前请改写或删除",
        }


spaces = SpaceLedger()
