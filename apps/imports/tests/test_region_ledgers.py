"""The region ledger: template round trip, bad input in Chinese, re-import, scope."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from apps.core.models import Event
from apps.imports.models import BatchStatus
from apps.imports.tests.conftest import xlsx
from apps.regions.models import Region

pytestmark = pytest.mark.django_db

HEADERS = ["区划代码", "名称", "层级", "类型", "上级区划代码"]


def _template(client, ledger="regions") -> bytes:
    response = client.get(reverse("import_template", args=[ledger]))
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def _rows(wb_bytes):
    ws = load_workbook(io.BytesIO(wb_bytes))["导入模板"]
    return [[c.value for c in row] for row in ws.iter_rows(min_row=2, max_row=2)]


def test_template_sample_round_trips_into_the_same_region(world, client_for, importer):
    client = client_for("city")
    template = _template(client)
    wb = load_workbook(io.BytesIO(template))
    assert [c.value for c in wb["导入模板"][1]][:5] == [
        "区划代码*",
        "名称*",
        "层级*",
        "类型*",
        "上级区划代码",
    ]
    assert wb["导入模板"].data_validations.dataValidation  # 层级 and 类型 are drop-down lists
    notes = [row[0].value for row in wb["说明"].iter_rows()]
    assert {"区划代码", "名称", "层级", "类型", "上级区划代码", "版本", "数据来源"} <= set(notes)
    (sample,) = _rows(template)
    _, batch = importer(client, "regions", template)
    assert batch.status == BatchStatus.VALID, importer.problems(batch)
    assert (batch.to_create, batch.to_update) == (1, 0)
    importer.commit(client, batch)
    region = Region.objects.get(code=sample[0])
    assert (region.name, region.get_level_display(), region.get_kind_display(), region.parent_id) == tuple(
        sample[1:5]
    )
    assert Event.objects.filter(
        verb="region.create", object_id=region.code, actor=world.users["city"]
    ).exists()


def test_re_import_updates_without_duplicates(world, client_for, importer):
    client = client_for("city")
    rows = [["371311003150", "新城社区居民委员会", "社区（村）", "城市社区", "371311003"]]
    _, batch = importer(client, "regions", xlsx(HEADERS, rows))
    importer.commit(client, batch)
    count = Region.objects.count()
    _, batch = importer(client, "regions", xlsx(HEADERS, rows))
    assert (batch.to_create, batch.to_update, batch.unchanged) == (0, 0, 1)
    rows[0][1] = "新城社区"
    _, batch = importer(client, "regions", xlsx(HEADERS, rows))
    assert (batch.to_create, batch.to_update, batch.unchanged) == (0, 1, 0)
    importer.commit(client, batch)
    assert Region.objects.count() == count
    assert Region.objects.get(code="371311003150").name == "新城社区"
    assert Event.objects.filter(verb="region.update", object_id="371311003150").count() == 1


def test_bad_rows_are_named_in_chinese(world, client_for, importer):
    rows = [
        ["371311003250", "错号社区", "社区（村）", "城市社区", "371311003"],  # 200–399 are villages
        ["371311003151", "错类社区", "社区（村）", "镇", "371311003"],
        ["371311003152", "无上级社区", "社区（村）", "城市社区", "371311999"],
        ["371311003153", "错层社区", "小区", "城市社区", "371311003"],
    ]
    _, batch = importer(client_for("city"), "regions", xlsx(HEADERS, rows))
    assert batch.status == BatchStatus.INVALID
    problems = importer.problems(batch)
    assert (3, "类型", "社区（村）级区划不能是“镇”") in problems
    assert (4, "上级区划代码", "找不到“371311999”，或不在您的管辖范围内") in problems
    assert any(
        r == 5 and c == "层级" and m.startswith("“小区”不是可选值，可填：省、市") for r, c, m in problems
    )
    assert (2, "区划代码", "城市社区的区划代码末三位应在 001–199 之间") in problems
    # the service holds the same rule (a row that reached it another way is refused there)
    from apps.core.errors import DomainError
    from apps.regions.services import region_create

    with pytest.raises(DomainError, match="末三位应在 001–199 之间"):
        region_create(
            actor=world.users["city"],
            data={
                "code": "371311003250",
                "name": "错号社区",
                "level": "community",
                "kind": "urban_community",
                "parent": Region.objects.get(code="371311003"),
            },
        )
    assert not Region.objects.filter(code="371311003250").exists()


def test_regions_outside_the_scope_are_refused(world, client_for, importer):
    rows = [["371721001150", "菏泽新社区", "社区（村）", "城市社区", "371721001"]]
    _, batch = importer(client_for("city"), "regions", xlsx(HEADERS, rows))
    assert importer.problems(batch) == [
        (2, "区划代码", "区划代码“371721001150”不在您的管辖范围内"),
        (2, "上级区划代码", "找不到“371721001”，或不在您的管辖范围内"),
    ]
    # a county official holds no region permission: the ledger is not offered
    response = client_for("county").get(reverse("import_template", args=["regions"]))
    assert response.status_code in (403, 404)
