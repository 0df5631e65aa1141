"""The region ledger for bulk import (apps/core/imports.py, run by apps/imports): each row through
the division form (apps/regions/forms.py) and saved by `region_create` / `region_update`."""

from __future__ import annotations

from apps.core.imports import Column, ServiceLedger
from apps.core.scoping import scoped
from apps.regions import selectors, services
from apps.regions.choices import RegionKind, RegionLevel
from apps.regions.forms import RegionForm
from apps.regions.models import Region
from apps.regions.services import COMMUNITY_CODE_RANGES


class RegionImportForm(RegionForm):
    """Rows name the parent by its code; the labels are the template's headers."""

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["parent"].label = "上级区划代码"


class RegionLedger(ServiceLedger):
    name = "regions"
    title = "行政区划"
    permissions = ("regions.import_region", "regions.add_region", "regions.change_region")
    list_url_name = "region_list"
    form_class = RegionImportForm
    order = 5
    columns = (
        Column(
            "code",
            "区划代码",
            required=True,
            text=True,
            width=16,
            note="6位（县区）、9位（街道）或12位（社区、村）",
        ),
        Column("name", "名称", required=True, width=26),
        Column("level", "层级", required=True),
        Column("kind", "类型", required=True),
        Column("parent", "上级区划代码", text=True, note="须已登记（先导入上级区划，再导入下级）"),
        Column("vintage", "版本", note="如 NBS2023"),
        Column("source", "数据来源", width=24),
    )
    create = services.region_create
    update = services.region_update
    selector = selectors.region_list_for
    lookup_by = {"code": "code"}
    notes = (
        "按区划代码识别已有区划：已有的更新名称、类型、版本和来源（区划代码和上级区划不能更改），没有的新增。",
        "只能导入本辖区内的区划；社区（居委会）代码末三位为001–199，村（村委会）为200–399。",
    )

    def sample_row(self, user):
        """A new community under the first street of the user's scope, on a free code."""
        street = scoped(Region.objects.filter(level=RegionLevel.STREET), user).order_by("code").first()
        if street is None:
            return {}
        taken = set(Region.objects.filter(parent=street).values_list("code", flat=True))
        free = next(
            (
                code
                for n in COMMUNITY_CODE_RANGES[RegionKind.URBAN_COMMUNITY]
                if (code := f"{street.code}{n:03d}") not in taken
            ),
            "",
        )
        return {
            "code": free,
            "name": "示例社区居民委员会",
            "level": RegionLevel.COMMUNITY.label,
            "kind": RegionKind.URBAN_COMMUNITY.label,
            "parent": street.code,
            "vintage": "补充",
            "source": "区县民政部门批复",
        }


regions = RegionLedger()
