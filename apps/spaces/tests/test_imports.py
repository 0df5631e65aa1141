"""The public-spaces ledger: the template imports as it is, rows go through the space page's form
and service with Chinese labels and 是/否, bad rows are Chinese cell messages, re-imports update
instead of duplicating."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from apps.imports.models import BatchStatus
from apps.imports.tests.conftest import xlsx
from apps.spaces.models import PublicSpace

pytestmark = pytest.mark.django_db

HEADERS = [
    "小区编码",
    "用房类别",
    "名称",
    "所在楼层",
    "地面以上",
    "建筑面积（㎡）",
    "室内层高（m）",
    "使用状态",
    "占用方",
    "占用起始日期",
]


def _template(client) -> bytes:
    response = client.get(reverse("import_template", args=["spaces"]))
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def _row(world, name="物业服务用房（北区）", **cells):
    row = dict(
        compound=world.compound.code,
        kind="物业服务用房",
        name=name,
        floor="1",
        above_ground="是",
        area="85.5",
        height="3.2",
        status="按规划用途使用",
        occupant="",
        since="",
    )
    row.update(cells)
    return list(row.values())


def test_template_round_trip_imports_the_sample_row_as_is(world, client_for, importer):
    client = client_for("county")
    content = _template(client)
    wb = load_workbook(io.BytesIO(content))
    assert wb.sheetnames[0] == "导入模板" and "说明" in wb.sheetnames
    ws = wb["导入模板"]
    headers = [c.value for c in ws[1]]
    assert headers[:3] == ["小区编码*", "用房类别*", "名称*"] and all(not h.isascii() for h in headers)
    lists = {str(dv.sqref).split(":")[0]: dv.error for dv in ws.data_validations.dataValidation}
    assert "业委会办公用房" in lists["B2"] and "被占用" in lists["L2"] and lists["G2"] == "可填：是、否"
    notes = "\n".join(str(c.value or "") for row in wb["说明"].iter_rows() for c in row)
    assert "按小区编码、名称识别已有记录" in notes

    _, batch = importer(client, "spaces", content)
    assert batch.status == BatchStatus.VALID, importer.problems(batch)
    assert batch.to_create == 1
    importer.commit(client, batch)
    space = PublicSpace.objects.get(name="示例物业服务用房")
    assert (space.kind, space.room_type, space.status, space.has_lift) == (
        "property_service",
        "room",
        "as_intended",
        False,
    )
    assert (space.floor_area, space.clear_height) == (Decimal("120.00"), Decimal("3.00"))


def test_re_import_updates_by_compound_and_name_without_duplicates(world, client_for, importer):
    client = client_for("county")
    rows = [_row(world), _row(world, "业委会办公室", kind="业委会办公用房", area="30")]
    _, batch = importer(client, "spaces", xlsx(HEADERS, rows))
    assert batch.status == BatchStatus.VALID, importer.problems(batch)
    importer.commit(client, batch)
    before = PublicSpace.objects.count()

    _, batch = importer(client, "spaces", xlsx(HEADERS, rows))  # the same file again
    assert (batch.to_create, batch.to_update, batch.unchanged) == (0, 0, 2)
    importer.commit(client, batch)

    rows[1] = _row(world, "业委会办公室", kind="业委会办公用房", area="30", status="被占用",
                   occupant="某商户", since="2023/3/1")  # fmt: skip
    _, batch = importer(client, "spaces", xlsx(HEADERS, rows))
    assert (batch.to_create, batch.to_update, batch.unchanged) == (0, 1, 1), importer.problems(batch)
    importer.commit(client, batch)
    assert PublicSpace.objects.count() == before
    office = PublicSpace.objects.get(compound=world.compound, name="业委会办公室")
    assert (office.status, office.occupant_name, str(office.occupied_since)) == (
        "occupied",
        "某商户",
        "2023-03-01",
    )


def test_the_page_rules_are_cell_messages(world, client_for, importer):
    rows = [
        _row(world, "甲", status="被占用"),  # no occupant, no date
        _row(world, "乙", floor="0"),  # above ground on floor 0
        _row(world, "丙", area="0", kind="仓库"),
    ]
    _, batch = importer(client_for("county"), "spaces", xlsx(HEADERS, rows))
    assert batch.status == BatchStatus.INVALID
    assert importer.problems(batch) == [
        (2, "占用方", "被占用的用房须填写占用方"),
        (2, "占用起始日期", "被占用的用房须填写占用起始日期"),
        (3, "所在楼层", "地面以上的用房所在楼层应不小于1"),
        (
            4,
            "用房类别",
            "“仓库”不是可选值，可填：物业服务用房、业委会办公用房、政务管理用房、社区用房（社区服务设施）、党群服务中心、其他公共配套",
        ),
        (4, "建筑面积（㎡）", "面积必须大于0"),
    ]
    assert not PublicSpace.objects.filter(name__in=["甲", "乙", "丙"]).exists()


def test_a_compound_outside_the_scope_is_not_found_and_outsiders_are_refused(world, client_for, importer):
    row = _row(world, compound=world.other_compound.code)
    _, batch = importer(client_for("county"), "spaces", xlsx(HEADERS, [row]))
    assert importer.problems(batch) == [
        (2, "小区编码", f"找不到“{world.other_compound.code}”，或不在您的管辖范围内")
    ]
    assert client_for("resident").get(reverse("import_start", args=["spaces"])).status_code == 403


def test_a_name_two_spaces_share_cannot_be_updated(world, client_for, importer):
    from apps.spaces import services

    for _ in range(2):
        services.space_create(
            actor=None,
            data={
                "compound": world.compound,
                "kind": "other",
                "name": "车棚",
                "floor": 1,
                "floor_area": Decimal("20"),
                "clear_height": Decimal("2.5"),
            },
        )
    _, batch = importer(
        client_for("county"), "spaces", xlsx(HEADERS, [_row(world, "车棚", kind="其他公共配套")])
    )
    assert importer.problems(batch) == [
        (2, "名称", "该小区有多处名为“车棚”的公共用房，无法确定更新哪一处；请先在页面上改名区分")
    ]


def test_the_space_list_offers_the_import_to_who_may_import(world, client_for):
    url = reverse("space_import")
    assert url in client_for("community").get(reverse("space_list")).content.decode()
    assert client_for("community").get(url).url == reverse("import_start", args=["spaces"])
    assert url not in client_for("company").get(reverse("space_list")).content.decode()  # view only
