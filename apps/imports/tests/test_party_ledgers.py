"""The party ledgers (党组织, 党建指导员, 红领书记): template round trips, bad input in Chinese,
re-imports that update, and rows outside the importer's scope."""

import pytest

from apps.imports.models import BatchStatus
from apps.imports.tests.conftest import xlsx
from apps.imports.tests.ledgers import drop_downs, sample_of, template_of
from apps.party.models import PartyInstructor, PartyOrg, RedCollarSecretary

pytestmark = pytest.mark.django_db

ORG_HEADERS = [
    "党组织名称",
    "类别",
    "所在区划代码",
    "上级党组织名称",
    "书记电话",
    "所属物业企业统一社会信用代码",
]
ORG_HEADERS += ["联建覆盖企业统一社会信用代码"]
INSTRUCTOR_HEADERS = [
    "姓名",
    "手机号",
    "工作区划代码",
    "指导的物业企业统一社会信用代码",
    "开始日期",
    "结束日期",
]
SECRETARY_HEADERS = ["姓名", "手机号", "选派单位", "任职社区区划代码", "任职开始", "任职结束"]


def _import(importer, client, ledger, content):
    _, batch = importer(client, ledger, content)
    assert batch.status == BatchStatus.VALID, importer.problems(batch)
    return importer.commit(client, batch)


# ------------------------------------------------------------------ party organisations
def test_party_org_template_sample_round_trips(world, client_for, importer):
    client = client_for("county")
    template = template_of(client, "partyorgs")
    sample = sample_of(template)
    assert "类别" in drop_downs(template)
    assert sample["类别"] == "小区党支部"
    before = PartyOrg.objects.count()
    batch = _import(importer, client, "partyorgs", template)
    assert (batch.status, batch.to_create) == (BatchStatus.COMMITTED, 1)
    org = PartyOrg.objects.get(name=sample["党组织名称"])
    assert (org.kind, org.region_id, org.compound.code, org.secretary_phone, org.member_count) == (
        "compound_branch",
        sample["所在区划代码"],
        sample["所在小区编码"],
        sample["书记电话"],
        int(sample["党员人数"]),
    )
    assert str(org.founded_on) == sample["成立日期"]
    assert PartyOrg.objects.count() == before + 1


def test_party_org_re_import_updates_covered_companies_without_duplicates(world, client_for, importer):
    client = client_for("county")
    parent = world.own["partyorg"].name
    rows = [
        ["罗庄联合党支部", "联合党支部", "371311", parent, "138 0000 1111", "", world.company.credit_code]
    ]
    _import(importer, client, "partyorgs", xlsx(ORG_HEADERS, rows))
    org = PartyOrg.objects.get(name="罗庄联合党支部")
    assert (org.parent, org.secretary_phone) == (world.own["partyorg"], "13800001111")  # stored as 11 digits
    assert list(org.covered_companies.all()) == [world.company]
    _, batch = importer(client, "partyorgs", xlsx(ORG_HEADERS, rows))
    assert (batch.to_create, batch.to_update, batch.unchanged) == (0, 0, 1)
    rows[0][6] = ""  # no covered company any more: a change of the many-to-many column only
    _, batch = importer(client, "partyorgs", xlsx(ORG_HEADERS, rows))
    assert (batch.to_create, batch.to_update, batch.unchanged) == (0, 1, 0)
    importer.commit(client, batch)
    assert PartyOrg.objects.filter(name="罗庄联合党支部").count() == 1
    assert not org.covered_companies.exists()


def test_party_org_bad_rows_are_named_in_chinese(world, client_for, importer):
    rows = [
        ["甲党支部", "党委", "371311", "", "", "", ""],
        ["乙党支部", "物业企业党组织", "371311", "", "1380000", "", ""],
        ["丙党支部", "联合党支部", "371311", "没有这个党组织", "", "", ""],
    ]
    _, batch = importer(client_for("county"), "partyorgs", xlsx(ORG_HEADERS, rows))
    problems = importer.problems(batch)
    assert (
        2,
        "类别",
        "“党委”不是可选值，可填：物业行业党组织、物业企业党组织、小区党支部、联合党支部、社区党组织",
    ) in problems
    assert (3, "书记电话", "手机号码应为以1开头的11位数字") in problems
    assert (4, "上级党组织名称", "找不到“没有这个党组织”，或不在您的管辖范围内") in problems
    rows = [["丁党支部", "物业企业党组织", "371311", "", "", "", ""]]
    _, batch = importer(client_for("county"), "partyorgs", xlsx(ORG_HEADERS, rows))
    assert importer.problems(batch) == [(2, "所属物业企业统一社会信用代码", "物业企业党组织必须指定所属企业")]


def test_party_org_outside_the_scope_is_refused(world, client_for, importer):
    other = world.other["company"].credit_code
    rows = [
        ["兰山党支部", "物业行业党组织", "371302", "", "", "", ""],
        ["罗庄企业党支部", "物业企业党组织", "371311", "", "", other, ""],
    ]
    _, batch = importer(client_for("county"), "partyorgs", xlsx(ORG_HEADERS, rows))
    assert importer.problems(batch) == [
        (2, "所在区划代码", "找不到“371302”，或不在您的管辖范围内"),
        (3, "所属物业企业统一社会信用代码", f"找不到“{other}”，或不在您的管辖范围内"),
    ]
    # the other county's own organisation is not found either: the row would be a new one
    # there, refused above, never an update of theirs
    assert not PartyOrg.objects.filter(name="兰山党支部").exists()


# ------------------------------------------------------------------ instructors
def test_instructor_template_round_trip_and_re_import(world, client_for, importer):
    client = client_for("county")
    template = template_of(client, "instructors")
    sample = sample_of(template)
    _import(importer, client, "instructors", template)
    instructor = PartyInstructor.objects.get(name=sample["姓名"], region_id=sample["工作区划代码"])
    assert (instructor.phone, str(instructor.start_date)) == (sample["手机号"], sample["开始日期"])
    assert [c.credit_code for c in instructor.companies.all()] == [sample["指导的物业企业统一社会信用代码"]]
    _, batch = importer(client, "instructors", template)
    assert (batch.to_create, batch.to_update, batch.unchanged) == (0, 0, 1)
    row = [[sample["姓名"], "+86 139 0000 0001", sample["工作区划代码"], "", "2024-01-01", "2025-12-31"]]
    _import(importer, client, "instructors", xlsx(INSTRUCTOR_HEADERS, row))
    instructor.refresh_from_db()
    assert (instructor.phone, str(instructor.end_date)) == ("13900000001", "2025-12-31")
    assert not instructor.companies.exists()
    assert PartyInstructor.objects.filter(name=sample["姓名"]).count() == 1


def test_instructor_bad_rows_and_scope(world, client_for, importer):
    rows = [
        ["赵甲", "", "371311", "", "2024-05-01", "2024-01-01"],
        ["赵乙", "", "371311", "", "5月1日", ""],
        ["赵丙", "", "371302", "", "2024-05-01", ""],
        ["赵丁", "", "371311", world.other["company"].credit_code, "2024-05-01", ""],
    ]
    _, batch = importer(client_for("county"), "instructors", xlsx(INSTRUCTOR_HEADERS, rows))
    problems = importer.problems(batch)
    assert (2, "结束日期", "结束日期不能早于开始日期") in problems
    assert (3, "开始日期", "日期“5月1日”无法识别，请填写如 2024-05-01、2024/5/1 或 2024年5月1日") in problems
    assert (4, "工作区划代码", "找不到“371302”，或不在您的管辖范围内") in problems
    assert any(
        r == 5 and c == "指导的物业企业统一社会信用代码" and "不在您的管辖范围内" in m for r, c, m in problems
    )
    # a street official holds no instructor permission: the ledger is not offered
    response = client_for("street").post("/imports/instructors/", {})
    assert response.status_code == 403


# ------------------------------------------------------------------ red-collar secretaries
def test_secretary_template_round_trip_and_re_import(world, client_for, importer):
    client = client_for("street")
    template = template_of(client, "secretaries")
    sample = sample_of(template)
    _import(importer, client, "secretaries", template)
    secretary = RedCollarSecretary.objects.get(name=sample["姓名"], community_id=sample["任职社区区划代码"])
    assert (secretary.phone, secretary.sending_unit, secretary.duties) == (
        sample["手机号"],
        sample["选派单位"],
        sample["工作职责"],
    )
    _, batch = importer(client, "secretaries", template)
    assert (batch.to_create, batch.to_update, batch.unchanged) == (0, 0, 1)
    row = [
        [
            sample["姓名"],
            sample["手机号"],
            "市委组织部",
            sample["任职社区区划代码"],
            "2024/3/1",
            "2026年1月31日",
        ]
    ]
    _, batch = importer(client, "secretaries", xlsx(SECRETARY_HEADERS, row))
    assert (batch.to_create, batch.to_update) == (0, 1)
    importer.commit(client, batch)
    secretary.refresh_from_db()
    assert (secretary.sending_unit, str(secretary.end_date)) == ("市委组织部", "2026-01-31")
    assert RedCollarSecretary.objects.filter(name=sample["姓名"]).count() == 1


def test_secretary_bad_rows_and_scope(world, client_for, importer):
    rows = [
        ["钱甲", "", "", "371311003003", "2024-03-01", ""],
        ["钱乙", "", "区委组织部", "371311003", "2024-03-01", ""],  # a street, not a community
        ["钱丙", "", "区委组织部", "371302001001", "2024-03-01", ""],  # the other county's
        ["钱丁", "2380000000", "区委组织部", "371311003003", "2024-03-01", ""],
    ]
    _, batch = importer(client_for("county"), "secretaries", xlsx(SECRETARY_HEADERS, rows))
    assert importer.problems(batch) == [
        (2, "选派单位", "这个字段是必填项。"),
        (3, "任职社区区划代码", "找不到“371311003”，或不在您的管辖范围内"),
        (4, "任职社区区划代码", "找不到“371302001001”，或不在您的管辖范围内"),
        (5, "手机号", "手机号码应为以1开头的11位数字"),
    ]
