"""Every form and import refuses bad input with a Chinese message naming the field; nothing is
partly saved."""

import io

import pytest
from django.urls import reverse
from openpyxl import Workbook

from apps.core.models import Event
from apps.registry.models import Compound, Owner, PropertyCompany


def _count_all():
    return (
        Compound.objects.count(),
        PropertyCompany.objects.count(),
        Owner.objects.count(),
        Event.objects.count(),
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("credit_code", "91350100M000100Y44", "统一社会信用代码校验位不正确"),
        ("credit_code", "12345", "统一社会信用代码应为18位"),
        ("contact_phone", "2381234123", "手机号码应为以1开头的11位数字"),
    ],
)
def test_company_form_refuses_bad_identifiers(world, client_for, field, value, message):
    client = client_for("county")
    data = {"name": "新企业", "credit_code": "91350100M000100Y43", "kind": "market", "region": "371311"}
    data[field] = value
    before = _count_all()
    response = client.post(reverse("company_create"), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    label = {"credit_code": "统一社会信用代码", "contact_phone": "联系电话"}[field]
    assert f"{label}：{message}" in body  # the message names the field
    assert _count_all() == before


def test_company_form_accepts_a_valid_company_and_audits_it(world, client_for):
    client = client_for("county")
    response = client.post(
        reverse("company_create"),
        {"name": "新企业", "credit_code": "91350100m000100y43", "kind": "market", "region": "371311"},
    )
    company = PropertyCompany.objects.get(credit_code="91350100M000100Y43")
    assert response.status_code == 302 and response["Location"] == company.get_absolute_url()
    event = Event.objects.get(verb="propertycompany.create", object_id=str(company.pk))
    assert event.actor == world.users["county"]
    assert event.changes["credit_code"] == [None, "91350100M000100Y43"]
    assert event.region_code == "371311"


def test_company_form_refuses_a_region_outside_scope(world, client_for):
    """A forged field (another county's code) is refused by the scoped choice field."""
    client = client_for("county")
    before = _count_all()
    response = client.post(
        reverse("company_create"),
        {"name": "越权企业", "credit_code": "91350100M000100Y43", "kind": "market", "region": "371302"},
    )
    assert response.status_code == 400
    assert "选择一个有效的选项" in response.content.decode()
    assert _count_all() == before


COMPOUND = {
    "name": "新小区",
    "community": "371311003003",
    "households": "100",
    "total_floor_area": "9000",
    "year_built": "1995",
    "is_old": "on",
    "management_mode": "none",
    "resident_party_members": "2",
}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"total_floor_area": "0"}, "面积必须大于0"),
        ({"total_floor_area": "-5"}, "面积必须大于0"),
        ({"households": "0"}, "户数必须大于0"),
        ({"management_mode": "market"}, "必须指定服务企业"),
        ({"year_built": "1900"}, "建成年份不早于1949年"),
        ({"community": "371302001001"}, "选择一个有效的选项"),  # another county's community
    ],
)
def test_compound_form_refuses_bad_values(world, client_for, changes, message):
    client = client_for("county")
    before = _count_all()
    response = client.post(reverse("compound_create"), {**COMPOUND, **changes})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert _count_all() == before


def test_fallback_needs_a_public_welfare_company(world, client_for):
    client = client_for("county")
    response = client.post(
        reverse("compound_create"), {**COMPOUND, "management_mode": "fallback", "company": world.company.pk}
    )
    assert response.status_code == 400
    assert "兜底管理的服务企业必须是国有公益性物业企业" in response.content.decode()


def test_compound_create_assigns_the_next_code(world, client_for):
    client = client_for("county")
    response = client.post(reverse("compound_create"), COMPOUND)
    assert response.status_code == 302
    compound = Compound.objects.get(name="新小区")
    assert compound.code == "371311003003002"  # the persona world already holds ...001


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"id_number": "110105194912310021"}, "居民身份证号校验位不正确"),
        ({"id_number": "110105194902300025"}, "居民身份证号中的出生日期不存在"),
        ({"phone": "1234"}, "手机号码应为以1开头的11位数字"),
    ],
)
def test_owner_form_refuses_bad_identifiers(world, client_for, changes, message):
    client = client_for("community")
    before = _count_all()
    response = client.post(reverse("owner_create"), {"name": "孙丽", "phone": "13800001111", **changes})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert _count_all() == before


def test_owner_id_number_is_never_stored(world, client_for):
    client = client_for("community")
    response = client.post(
        reverse("owner_create"), {"name": "孙丽", "phone": "13800001111", "id_number": "11010519491231002x"}
    )
    assert response.status_code == 302
    owner = Owner.objects.get(name="孙丽")
    assert owner.id_last4 == "002X"
    assert len(owner.id_hash) == 64 and "11010519491231002X" not in owner.id_hash
    from apps.registry.services import owner_find_by_id_number

    assert list(owner_find_by_id_number("11010519491231002X")) == [owner]
    # the audit log keeps neither the number nor its hash
    event = Event.objects.get(verb="owner.create", object_id=str(owner.pk))
    assert "id_hash" not in event.changes and "11010519491231002X" not in str(event.changes)


def _xlsx(headers, rows):
    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "import.xlsx"
    return buf


def test_company_import_is_all_or_nothing_with_row_errors(world, client_for):
    client = client_for("county")
    before = _count_all()
    f = _xlsx(
        ["企业名称", "统一社会信用代码", "企业类型", "注册地（县区）"],
        [
            ["甲物业", "91350100M000100Y43", "market", "371311"],
            ["乙物业", "91350100M000100Y44", "market", "371311"],
        ],
    )
    response = client.post(reverse("company_import"), {"file": f})
    assert response.status_code == 400
    body = response.content.decode()
    assert "第3行" in body and "统一社会信用代码：统一社会信用代码校验位不正确" in body
    assert "未导入任何数据" in body
    assert _count_all() == before


def test_company_import_saves_every_row_through_the_service(world, client_for):
    client = client_for("county")
    f = _xlsx(
        ["企业名称", "统一社会信用代码", "企业类型", "注册地（县区）"],
        [["甲物业", "91350100M000100Y43", "market", "371311"]],
    )
    response = client.post(reverse("company_import"), {"file": f})
    assert response.status_code == 302
    company = PropertyCompany.objects.get(name="甲物业")
    assert Event.objects.filter(verb="propertycompany.create", object_id=str(company.pk)).exists()


def test_owner_import_refuses_bad_id_numbers_by_row(world, client_for):
    client = client_for("community")
    before = _count_all()
    csv_bytes = "姓名,手机号,居民身份证号\n甲,13800001111,11010519491231002X\n乙,13800002222,110105194912310021\n".encode()
    f = io.BytesIO(csv_bytes)
    f.name = "owners.csv"
    response = client.post(reverse("owner_import"), {"file": f})
    assert response.status_code == 400
    assert "第3行" in response.content.decode() and "居民身份证号校验位不正确" in response.content.decode()
    assert _count_all() == before


def test_import_refuses_other_file_types(world, client_for):
    f = io.BytesIO(b"hello")
    f.name = "x.txt"
    response = client_for("county").post(reverse("company_import"), {"file": f})
    assert response.status_code == 400
    assert "只支持 .xlsx 或 .csv 文件" in response.content.decode()


def test_read_only_role_gets_403_on_forms(world, client_for):
    client = client_for("resident")
    assert client.get(reverse("compound_create")).status_code == 403
    assert client.get(reverse("compound_update", args=[world.compound.pk])).status_code == 403
    # ... and 404 for an object outside the scope, before any permission talk
    assert client.get(reverse("compound_update", args=[world.other_compound.pk])).status_code == 404


def test_update_records_changed_fields_on_the_timeline(world, client_for):
    client = client_for("county")
    c = world.compound
    data = {
        "name": c.name,
        "address": "盛庄街道88号",
        "households": "330",
        "total_floor_area": "36000",
        "year_built": "1998",
        "is_old": "on",
        "management_mode": "market",
        "company": world.company.pk,
        "resident_party_members": "12",
    }
    response = client.post(reverse("compound_update", args=[c.pk]), data)
    assert response.status_code == 302
    event = Event.objects.filter(verb="compound.update", object_id=str(c.pk)).get()
    assert event.changes == {"address": ["", "盛庄街道88号"], "households": [320, 330]}
    page = client.get(c.get_absolute_url()).content.decode()
    assert "户数：320 → 330" in page


# ---------------------------------------------------------------- imports speak the page's language
def test_compound_import_accepts_chinese_labels_and_yes_no(world, client_for):
    client = client_for("county")
    f = _xlsx(
        [
            "小区名称",
            "社区区划代码",
            "户数",
            "总建筑面积（㎡）",
            "建成年份",
            "老旧小区",
            "管理模式",
            "居住党员人数",
        ],
        [
            ["导入甲园", world.compound.community_id, "120", "12000", "1996", "是", "无物业管理", "4"],
            ["导入乙园", world.compound.community_id, "80", "8000", "1998", "否", "业主自治管理", "0"],
        ],
    )
    response = client.post(reverse("compound_import"), {"file": f})
    assert response.status_code == 302, response.content.decode()
    a, b = Compound.objects.get(name="导入甲园"), Compound.objects.get(name="导入乙园")
    assert (a.is_old, a.management_mode) == (True, "none")
    assert (b.is_old, b.management_mode) == (False, "self_managed")


def test_company_import_accepts_the_kind_label_public_welfare(world, client_for):
    from apps.core.fakes import make_credit_code

    code = make_credit_code(__import__("random").Random(5), "371311")
    f = _xlsx(
        ["企业名称", "统一社会信用代码", "企业类型", "注册地（县区）"],
        [["丙公益物业", code, "国有公益性物业企业", "371311"]],
    )
    response = client_for("county").post(reverse("company_import"), {"file": f})
    assert response.status_code == 302, response.content.decode()
    assert PropertyCompany.objects.get(name="丙公益物业").kind == "public_welfare"


def test_import_names_the_column_and_allowed_values_once(world, client_for):
    client = client_for("county")
    before = _count_all()
    f = _xlsx(
        [
            "小区名称",
            "社区区划代码",
            "户数",
            "总建筑面积（㎡）",
            "建成年份",
            "老旧小区",
            "管理模式",
            "居住党员人数",
        ],
        [["导入丙园", world.compound.community_id, "120", "12000", "1996", "也许", "公益兜底", "4"]],
    )
    response = client.post(reverse("compound_import"), {"file": f})
    assert response.status_code == 400
    body = response.content.decode()
    assert "管理模式：“公益兜底”不是可选值，可填：市场化物业企业、公益性物业兜底" in body
    assert "老旧小区：“也许”无法识别，请填“是”或“否”" in body
    assert "服务企业" not in body.split("共 1 行有错误")[1]  # no second error about the company
    assert _count_all() == before


def test_import_unknown_company_code_is_one_message(world, client_for):
    f = _xlsx(
        [
            "小区名称",
            "社区区划代码",
            "户数",
            "总建筑面积（㎡）",
            "建成年份",
            "管理模式",
            "服务企业统一社会信用代码",
        ],
        [
            [
                "导入丁园",
                world.compound.community_id,
                "120",
                "12000",
                "1996",
                "市场化物业企业",
                "91371311ABCDEFGH12",
            ]
        ],
    )
    response = client_for("county").post(reverse("compound_import"), {"file": f})
    assert response.status_code == 400
    table = response.content.decode().split("共 1 行有错误")[1]
    assert "服务企业统一社会信用代码：找不到“91371311ABCDEFGH12”" in table
    assert "模式必须指定服务企业" not in table


def test_import_template_example_row_uses_labels(world, client_for):
    from openpyxl import load_workbook

    response = client_for("county").get(reverse("compound_import") + "?template=xlsx")
    ws = load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    header, example = [c.value for c in ws[1]], [c.value for c in ws[2]]
    row = dict(zip(header, example, strict=False))
    assert row["老旧小区"] == "是" and row["管理模式"] == "无物业管理"
