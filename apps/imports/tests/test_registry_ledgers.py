"""The registry's ledgers speak the page's language: Chinese labels, 是/否, one message per cell."""

import random

import pytest

from apps.core.fakes import make_credit_code
from apps.imports.models import BatchStatus
from apps.imports.tests.conftest import xlsx
from apps.registry.models import Compound, PropertyCompany

pytestmark = pytest.mark.django_db

COMPOUND_HEADERS = [
    "小区名称",
    "社区区划代码",
    "户数",
    "总建筑面积（㎡）",
    "建成年份",
    "老旧小区",
    "管理模式",
    "居住党员人数",
]
WITH_COMPANY = [
    "小区名称",
    "社区区划代码",
    "户数",
    "总建筑面积（㎡）",
    "建成年份",
    "管理模式",
    "服务企业统一社会信用代码",
]


def test_compound_import_accepts_chinese_labels_and_yes_no(world, client_for, importer):
    client = client_for("county")
    rows = [
        ["导入甲园", world.compound.community_id, "120", "12000", "1996", "是", "无物业管理", "4"],
        ["导入乙园", world.compound.community_id, "80", "8000", "1998", "否", "业主自治管理", "0"],
    ]
    _, batch = importer(client, "compounds", xlsx(COMPOUND_HEADERS, rows))
    importer.commit(client, batch)
    a, b = Compound.objects.get(name="导入甲园"), Compound.objects.get(name="导入乙园")
    assert (a.is_old, a.management_mode) == (True, "none")
    assert (b.is_old, b.management_mode) == (False, "self_managed")
    assert a.code.startswith(world.compound.community_id)  # the service numbered it


def test_company_import_accepts_the_kind_label_public_welfare(world, client_for, importer):
    client = client_for("county")
    code = make_credit_code(random.Random(5), "371311")
    f = xlsx(
        ["企业名称", "统一社会信用代码", "企业类型", "注册地（县区代码）"],
        [["丙公益物业", code, "国有公益性物业企业", "371311"]],
    )
    _, batch = importer(client, "companies", f)
    importer.commit(client, batch)
    assert PropertyCompany.objects.get(name="丙公益物业").kind == "public_welfare"


def test_import_names_the_column_and_allowed_values_once(world, client_for, importer):
    rows = [["导入丙园", world.compound.community_id, "120", "12000", "1996", "也许", "公益兜底", "4"]]
    _, batch = importer(client_for("county"), "compounds", xlsx(COMPOUND_HEADERS, rows))
    problems = importer.problems(batch)
    assert (
        2,
        "管理模式",
        "“公益兜底”不是可选值，可填：市场化物业企业、公益性物业兜底、大手牵小手、街道物业服务中心、业主自治管理、无物业管理",
    ) in problems
    assert (2, "老旧小区", "“也许”无法识别，请填“是”或“否”") in problems
    assert len(problems) == 2  # no second message about the company


def test_import_unknown_company_code_is_one_message(world, client_for, importer):
    rows = [
        [
            "导入丁园",
            world.compound.community_id,
            "120",
            "12000",
            "1996",
            "市场化物业企业",
            "91371311ABCDEFGH12",
        ]
    ]
    _, batch = importer(client_for("county"), "compounds", xlsx(WITH_COMPANY, rows))
    assert batch.status == BatchStatus.INVALID
    assert importer.problems(batch) == [
        (2, "服务企业统一社会信用代码", "找不到“91371311ABCDEFGH12”，或不在您的管辖范围内")
    ]


def test_fallback_rule_of_the_page_applies_to_imports(world, client_for, importer):
    rows = [
        [
            "导入戊园",
            world.compound.community_id,
            "120",
            "12000",
            "1996",
            "公益性物业兜底",
            world.company.credit_code,
        ]
    ]
    _, batch = importer(client_for("county"), "compounds", xlsx(WITH_COMPANY, rows))
    assert importer.problems(batch) == [
        (2, "服务企业统一社会信用代码", "兜底管理的服务企业必须是国有公益性物业企业")
    ]


def test_a_blank_cell_of_a_required_column_takes_the_default_or_keeps_the_value(world, client_for, importer):
    """居住党员人数 is required with the page's default 0: a blank cell gives 0 for a new compound
    and keeps the recorded figure of an existing one, instead of "这个字段是必填项"."""
    client = client_for("county")
    rows = [["导入丁园", world.compound.community_id, "120", "12000", "1996", "是", "无物业管理", ""]]
    _, batch = importer(client, "compounds", xlsx(COMPOUND_HEADERS, rows))
    assert importer.problems(batch) == []
    importer.commit(client, batch)
    made = Compound.objects.get(name="导入丁园")
    assert made.resident_party_members == 0
    Compound.objects.filter(pk=made.pk).update(resident_party_members=7)
    rows[0][2] = "121"  # a real change, so the row is an update
    _, batch = importer(client, "compounds", xlsx(COMPOUND_HEADERS, rows))
    assert importer.problems(batch) == []
    importer.commit(client, batch)
    made.refresh_from_db()
    assert (made.households, made.resident_party_members) == (121, 7)


def test_a_left_out_company_column_keeps_the_compounds_company(world, client_for, importer):
    """The company column reads credit codes: leaving it out of the file keeps the company (the
    row is not judged by the company's database id taken for a credit code)."""
    compound = world.compound
    assert compound.company_id
    headers = ["小区名称", "社区区划代码", "户数", "总建筑面积（㎡）", "建成年份", "管理模式", "居住党员人数"]
    rows = [
        [
            compound.name,
            compound.community_id,
            str(compound.households + 1),
            str(compound.total_floor_area),
            str(compound.year_built),
            compound.get_management_mode_display(),
            str(compound.resident_party_members),
        ]
    ]
    client = client_for("county")
    _, batch = importer(client, "compounds", xlsx(headers, rows))
    assert importer.problems(batch) == []
    importer.commit(client, batch)
    compound.refresh_from_db()
    assert compound.company_id == world.company.pk
