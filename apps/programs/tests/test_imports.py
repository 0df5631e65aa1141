"""The service-arrangement ledger: the template imports as it is, rows go through the arrangement
page's form and service, overlaps and wrong companies are Chinese row messages, re-imports do not
duplicate."""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from apps.imports.models import BatchStatus
from apps.imports.tests.conftest import xlsx
from apps.programs.models import ServiceArrangement

pytestmark = pytest.mark.django_db

HEADERS = ["小区编码", "服务模式", "服务企业统一社会信用代码", "服务机构", "开始日期", "结束日期", "保修"]


def _template(client) -> bytes:
    response = client.get(reverse("import_template", args=["arrangements"]))
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_template_round_trip_imports_the_sample_row_as_is(prog, client_for, importer):
    client = client_for("county")
    content = _template(client)
    wb = load_workbook(io.BytesIO(content))
    assert wb.sheetnames[0] == "导入模板" and "说明" in wb.sheetnames
    ws = wb["导入模板"]
    headers = [c.value for c in ws[1]]
    assert headers[:2] == ["小区编码*", "服务模式*"] and all(not h.isascii() for h in headers)
    sample = {h.rstrip("*"): c.value for h, c in zip(headers, ws[2], strict=True)}
    assert sample["小区编码"] == prog.unserved.code  # the one compound of the scope free from today
    assert sample["服务模式"] == "街道物业服务中心" and sample["保修"] == "否"
    lists = {str(dv.sqref).split(":")[0]: dv.error for dv in ws.data_validations.dataValidation}
    assert "公益性物业兜底" in lists["B2"] and "大手牵小手" in lists["B2"]  # Chinese labels, not codes
    assert lists["G2"] == "可填：是、否"
    notes = "\n".join(str(c.value or "") for row in wb["说明"].iter_rows() for c in row)
    assert "按小区编码、开始日期识别已有记录" in notes and "不能重叠" in notes

    _, batch = importer(client, "arrangements", content)
    assert batch.status == BatchStatus.VALID, importer.problems(batch)
    assert batch.to_create == 1
    importer.commit(client, batch)
    arrangement = ServiceArrangement.objects.get(compound=prog.unserved)
    assert (arrangement.mode, arrangement.provider_name, arrangement.repairs) == (
        "street_centre",
        "示例街道物业服务中心",
        False,
    )
    prog.unserved.refresh_from_db()
    assert prog.unserved.management_mode == "street_centre"  # the service synced the compound


def test_fallback_row_round_trip_and_re_import_ends_without_duplicates(prog, client_for, importer):
    client = client_for("county")
    row = [prog.unserved.code, "公益性物业兜底", prog.welfare.credit_code, "", "2024/1/1", "", "是"]
    _, batch = importer(client, "arrangements", _file(row))
    assert batch.status == BatchStatus.VALID, importer.problems(batch)
    importer.commit(client, batch)
    a = ServiceArrangement.objects.get(compound=prog.unserved)
    assert (a.mode, a.company, a.start_date, a.end_date) == (
        "fallback",
        prog.welfare,
        datetime.date(2024, 1, 1),
        None,
    )

    _, batch = importer(client, "arrangements", _file(row))  # the same file again
    assert (batch.status, batch.to_create, batch.to_update, batch.unchanged) == (BatchStatus.VALID, 0, 0, 1)
    importer.commit(client, batch)

    ended = list(row)
    ended[5] = "2025年6月30日"
    _, batch = importer(client, "arrangements", _file(ended))
    assert (batch.to_create, batch.to_update, batch.unchanged) == (0, 1, 0), importer.problems(batch)
    importer.commit(client, batch)
    assert ServiceArrangement.objects.filter(compound=prog.unserved).count() == 1
    a.refresh_from_db()
    assert a.end_date == datetime.date(2025, 6, 30)


def _file(*rows) -> bytes:
    return xlsx(HEADERS, list(rows))


def test_an_overlap_with_a_recorded_arrangement_is_a_row_message(prog, client_for, importer):
    world = prog.world  # world.compound is served by world.company from 2020-01-01, open-ended
    row = [world.compound.code, "市场化物业企业", world.company.credit_code, "", "2024-01-01", "", "是"]
    _, batch = importer(client_for("county"), "arrangements", _file(row))
    assert batch.status == BatchStatus.INVALID
    assert importer.problems(batch) == [
        (
            2,
            "开始日期",
            "与已有服务安排重叠：市场化物业企业 2020-01-01—长期，同一小区的服务安排不能重叠（开始日期/结束日期）",
        )
    ]
    assert ServiceArrangement.objects.filter(compound=world.compound).count() == 1


def test_two_rows_of_one_file_that_overlap_are_refused(prog, client_for, importer):
    a = [prog.unserved.code, "街道物业服务中心", "", "盛庄街道物业服务中心", "2024-01-01", "2024-12-31", "是"]
    b = [prog.unserved.code, "业主自治管理", "", "沂蒙学院家属院自管会", "2024-06-01", "", "是"]
    _, batch = importer(client_for("county"), "arrangements", _file(a, b))
    assert importer.problems(batch) == [
        (3, "开始日期", "与本文件中同一小区的另一行（2024-01-01—2024-12-31）重叠，同一小区的服务安排不能重叠")
    ]


def test_a_market_company_for_fallback_and_an_unknown_mode_are_refused_per_cell(prog, client_for, importer):
    world = prog.world
    bad_company = [
        prog.unserved.code,
        "公益性物业兜底",
        world.company.credit_code,
        "",
        "2024-01-01",
        "",
        "是",
    ]
    bad_mode = [prog.unserved.code, "兜底", prog.welfare.credit_code, "", "2025-01-01", "", "也许"]
    _, batch = importer(client_for("county"), "arrangements", _file(bad_company, bad_mode))
    assert importer.problems(batch) == [
        (2, "服务企业统一社会信用代码", "兜底服务企业必须是国有公益性物业企业"),
        (
            3,
            "服务模式",
            "“兜底”不是可选值，可填：市场化物业企业、公益性物业兜底、大手牵小手、街道物业服务中心、业主自治管理",
        ),
        (3, "保修", "“也许”无法识别，请填“是”或“否”"),
    ]


def test_a_recorded_arrangement_only_gets_its_end_by_re_import(prog, client_for, importer):
    world = prog.world
    row = [world.compound.code, "业主自治管理", "", "自管会", "2020-01-01", "", "是"]
    _, batch = importer(client_for("county"), "arrangements", _file(row))
    assert importer.problems(batch) == [
        (
            2,
            "",
            "该小区自2020-01-01起的服务安排已登记，导入只能修改结束日期（本行改动了：服务模式、服务企业统一社会信用代码、服务机构）；"
            "变更服务模式或企业请新建一条开始日期不同的服务安排",
        )
    ]


def test_a_compound_outside_the_scope_is_not_found(prog, client_for, importer):
    row = [prog.other_unserved.code, "公益性物业兜底", prog.welfare.credit_code, "", "2024-01-01", "", "是"]
    _, batch = importer(client_for("county"), "arrangements", _file(row))
    assert importer.problems(batch) == [
        (2, "小区编码", f"找不到“{prog.other_unserved.code}”，或不在您的管辖范围内")
    ]
    assert client_for("resident").get(reverse("import_start", args=["arrangements"])).status_code == 403


def test_the_arrangement_list_offers_the_import_to_who_may_import(prog, client_for):
    url = reverse("arrangement_import")
    assert url in client_for("county").get(reverse("arrangement_list")).content.decode()
    assert client_for("county").get(url).url == reverse("import_start", args=["arrangements"])
    assert url not in client_for("city").get(reverse("arrangement_list")).content.decode()  # view only
