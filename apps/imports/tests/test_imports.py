"""Ledger imports: templates, round trips, re-imports, and every kind of bad input."""

import io
import random
from decimal import Decimal

import pytest
from django.test import RequestFactory
from django.urls import reverse
from openpyxl import load_workbook

from apps.core.fakes import make_credit_code, make_id_number
from apps.core.validators import id_number_hash
from apps.imports.models import BatchStatus, ImportBatch
from apps.imports.tests.conftest import xlsx
from apps.jobs.models import Job, JobStatus
from apps.registry.models import Building, Compound, Department, Owner, OwnerUnit, PropertyCompany, Unit

pytestmark = pytest.mark.django_db

UNIT_HEADERS = [
    "小区编码",
    "楼栋",
    "单元",
    "房号",
    "登记面积（㎡）",
    "业主姓名",
    "手机号",
    "居民身份证号",
    "取得日期",
]


def _counts():
    return (
        Unit.objects.count(),
        Owner.objects.count(),
        OwnerUnit.objects.count(),
        PropertyCompany.objects.count(),
    )


def _template(client, ledger) -> bytes:
    response = client.get(reverse("import_template", args=[ledger]))
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def _unit_rows(world, n=2, *, area="89.50", start=0):
    rng = random.Random(7)
    code = world.compound.code
    building = world.own["building"].name
    return [
        [
            code,
            building,
            "2单元",
            f"{start + i + 1:03d}",
            area,
            f"业主{i}",
            f"1390000{i:04d}",
            make_id_number(rng),
            "2024/5/1",
        ]
        for i in range(n)
    ]


# ------------------------------------------------------------------ templates
@pytest.mark.parametrize("ledger", ["units", "compounds", "buildings", "companies", "departments"])
def test_template_has_chinese_headers_notes_drop_downs_and_a_labelled_sample(world, client_for, ledger):
    client = client_for("county")
    wb = load_workbook(io.BytesIO(_template(client, ledger)))
    assert wb.sheetnames[0] == "导入模板" and "说明" in wb.sheetnames
    ws = wb["导入模板"]
    headers = [c.value for c in ws[1]]
    assert all(h and not h.isascii() for h in headers)
    sample = [c.value for c in ws[2]]
    assert any(sample)
    assert all(v not in ("True", "False", "market", "dwelling", "none") for v in sample)  # labels, 是/否
    if ledger in ("units", "compounds", "companies", "departments", "buildings"):
        assert ws.data_validations.dataValidation, "choice and 是/否 columns carry drop-down lists"
    notes = "\n".join(str(c.value or "") for row in wb["说明"].iter_rows() for c in row)
    assert "只要有一行有错误" in notes


def test_template_sample_row_imports_as_is(world, client_for, importer):
    client = client_for("county")
    template = _template(client, "buildings")
    _, batch = importer(client, "buildings", template)
    assert batch.status == BatchStatus.VALID, importer.problems(batch)
    assert batch.to_create == 1


# ------------------------------------------------------------------ round trips
def test_units_and_owners_round_trip(world, client_for, importer):
    client = client_for("county")
    template = _template(client, "units")
    rng = random.Random(3)
    ids = [make_id_number(rng), make_id_number(rng)]
    code, building = world.compound.code, world.own["building"].name
    rows = [
        [
            code,
            building,
            "3单元",
            "301",
            3,
            "住宅",
            95.5,
            None,
            None,
            "否",
            "王五",
            "13911112222",
            ids[0],
            "否",
            "2024年5月1日",
        ],
        [
            code,
            building,
            "3单元",
            "302",
            3,
            "商业用房",
            None,
            60,
            None,
            "否",
            "赵六",
            "13911113333",
            ids[1],
            "否",
            "2023-01-02",
        ],
    ]
    before = _counts()
    _, batch = importer(client, "units", xlsx(None, rows, template=template))
    assert batch.status == BatchStatus.VALID, importer.problems(batch)
    assert (batch.to_create, batch.to_update, batch.unchanged) == (2, 0, 0)
    assert _counts() == before  # validation writes nothing
    batch = importer.commit(client, batch)
    assert batch.status == BatchStatus.COMMITTED
    u1 = Unit.objects.get(building=world.own["building"], stair="3单元", number="301")
    assert (u1.floor, u1.kind, u1.registered_area) == (3, "dwelling", Decimal("95.50"))
    u2 = Unit.objects.get(building=world.own["building"], stair="3单元", number="302")
    assert u2.kind == "shop" and u2.surveyed_area == Decimal("60.00")
    owner = Owner.objects.get(id_hash=id_number_hash(ids[0]))
    assert (owner.name, owner.phone, owner.id_last4) == ("王五", "13911112222", ids[0][-4:])
    link = OwnerUnit.objects.get(owner=owner, unit=u1)
    assert str(link.since) == "2024-05-01"
    assert ids[0] not in str(Owner.objects.filter(pk=owner.pk).values().get())  # only hash + last four


def test_companies_round_trip_and_re_import_updates(world, client_for, importer):
    client = client_for("county")
    code = make_credit_code(random.Random(11), "371311")
    template = _template(client, "companies")
    rows = [["沂河物业有限公司", code, "市场化物业企业", "371311", "罗庄区1号", "李四", "13800001111"]]
    _, batch = importer(client, "companies", xlsx(None, rows, template=template))
    assert batch.status == BatchStatus.VALID, importer.problems(batch)
    importer.commit(client, batch)
    company = PropertyCompany.objects.get(credit_code=code)
    assert (company.name, company.kind, company.region_id, company.contact_phone) == (
        "沂河物业有限公司",
        "market",
        "371311",
        "13800001111",
    )
    rows[0][0] = "沂河物业服务有限公司"
    _, batch = importer(client, "companies", xlsx(None, rows, template=template))
    assert (batch.to_create, batch.to_update, batch.unchanged) == (0, 1, 0)
    importer.commit(client, batch)
    assert PropertyCompany.objects.filter(credit_code=code).count() == 1
    assert PropertyCompany.objects.get(credit_code=code).name == "沂河物业服务有限公司"


def test_compounds_buildings_departments_round_trip(world, client_for, importer):
    client = client_for("county")
    community = world.compound.community_id
    t = _template(client, "compounds")
    rows = [
        [
            "新建花园",
            community,
            "盛庄路1号",
            200,
            18000.5,
            2005,
            "否",
            "市场化物业企业",
            world.company.credit_code,
            3,
            None,
            None,
        ]
    ]
    _, batch = importer(client, "compounds", xlsx(None, rows, template=t))
    assert batch.status == BatchStatus.VALID, importer.problems(batch)
    importer.commit(client, batch)
    compound = Compound.objects.get(name="新建花园")
    assert (
        compound.households,
        compound.total_floor_area,
        compound.company_id,
        compound.management_mode,
    ) == (200, Decimal("18000.50"), world.company.pk, "market")
    t = _template(client, "buildings")
    _, batch = importer(client, "buildings", xlsx(None, [[compound.code, "8号楼", 11, "是"]], template=t))
    importer.commit(client, batch)
    assert Building.objects.get(compound=compound, name="8号楼").has_lift is True
    t = _template(client, "departments")
    kind = Department._meta.get_field("kind").choices[0]
    _, batch = importer(
        client, "departments", xlsx(None, [["罗庄区测试局", kind[1], "371311", ""]], template=t)
    )
    assert batch.status == BatchStatus.VALID, importer.problems(batch)
    importer.commit(client, batch)
    assert Department.objects.get(name="罗庄区测试局").kind == kind[0]


def test_re_import_of_units_updates_without_duplicates(world, client_for, importer):
    client = client_for("county")
    rows = _unit_rows(world, 3)
    _, batch = importer(client, "units", xlsx(UNIT_HEADERS, rows))
    importer.commit(client, batch)
    before = _counts()
    _, batch = importer(client, "units", xlsx(UNIT_HEADERS, rows))
    assert (batch.to_create, batch.to_update, batch.unchanged) == (0, 0, 3)
    rows[0][4] = "101.25"  # a new area
    rows[1][6] = "13700000000"  # a new phone
    _, batch = importer(client, "units", xlsx(UNIT_HEADERS, rows))
    assert (batch.to_create, batch.to_update, batch.unchanged) == (0, 2, 1)
    importer.commit(client, batch)
    assert _counts() == before
    assert Unit.objects.get(
        building=world.own["building"], stair="2单元", number="001"
    ).registered_area == Decimal("101.25")
    assert Owner.objects.filter(phone="13700000000").count() == 1


# ------------------------------------------------------------------ bad input
def test_a_file_that_is_not_xlsx_or_csv_is_refused(world, client_for, importer):
    client = client_for("county")
    response, batch = importer(client, "units", b"hello", name="notes.txt")
    assert response.status_code == 400 and batch is None
    assert "只支持 .xlsx 或 .csv 文件" in response.content.decode()
    _, batch = importer(client, "units", b"not a zip", name="fake.xlsx")
    assert batch.status == BatchStatus.INVALID
    assert "不是 .xlsx 格式" in importer.problems(batch)[0][2]
    # the validation job did its work: nothing to mark in an unreadable file, so no retry
    from apps.jobs.models import Job, JobStatus

    job = Job.objects.filter(kind="imports.validate").order_by("-created_at").first()
    assert (job.status, job.attempts) == (JobStatus.SUCCEEDED, 1)
    assert not batch.marked_file


def test_wrong_headers_name_the_missing_and_unknown_columns(world, client_for, importer):
    _, batch = importer(client_for("county"), "units", xlsx(["小区编码", "楼号", "房号"], [["1", "2", "3"]]))
    messages = " ".join(m for _, _, m in importer.problems(batch))
    assert batch.status == BatchStatus.INVALID
    assert "缺少必填列：楼栋" in messages and "未知的列：楼号" in messages
    assert batch.rows_total == 0  # no row is judged under a wrong header


def test_a_merged_cell_header_is_refused(world, client_for, importer):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["小区编码", "楼栋", None, "房号", "登记面积（㎡）"])
    ws.merge_cells("B1:C1")
    ws.append([world.compound.code, world.own["building"].name, "1单元", "501", 80])
    buf = io.BytesIO()
    wb.save(buf)
    _, batch = importer(client_for("county"), "units", buf.getvalue())
    assert batch.status == BatchStatus.INVALID
    assert (
        1,
        "C列",
        "表头为空：表头不能使用合并单元格，每列只写一个列名（可下载模板对照）",
    ) in importer.problems(batch)


def test_formulas_are_refused_per_cell(world, client_for, importer):
    rows = _unit_rows(world, 2)
    rows[1][4] = "=80+9.5"
    _, batch = importer(client_for("county"), "units", xlsx(UNIT_HEADERS, rows))
    assert batch.status == BatchStatus.INVALID
    assert importer.problems(batch) == [
        (3, "登记面积（㎡）", "单元格含公式，请复制后“选择性粘贴为数值”再导入")
    ]


def test_dates_as_text_in_three_forms_are_accepted_and_others_refused(world, client_for, importer):
    client = client_for("county")
    rows = _unit_rows(world, 4)
    rows[0][8], rows[1][8], rows[2][8], rows[3][8] = "2024-05-01", "2024/5/1", "2024年5月1日", "5月1日"
    _, batch = importer(client, "units", xlsx(UNIT_HEADERS, rows))
    assert importer.problems(batch) == [
        (5, "取得日期", "日期“5月1日”无法识别，请填写如 2024-05-01、2024/5/1 或 2024年5月1日")
    ]
    rows[3][8] = "2024.5.1"
    _, batch = importer(client, "units", xlsx(UNIT_HEADERS, rows))
    assert batch.status == BatchStatus.VALID
    importer.commit(client, batch)
    assert set(OwnerUnit.objects.filter(unit__stair="2单元").values_list("since", flat=True)) == {
        __import__("datetime").date(2024, 5, 1)
    }


def test_a_50_mb_file_is_refused_before_it_is_read(world, client_for, settings):
    from apps.core.middleware import BadInputMiddleware

    def view(request):  # never reached
        raise AssertionError("the body was read")

    request = RequestFactory().post(
        "/imports/units/", data=b"--x--", content_type="multipart/form-data; boundary=x"
    )
    request.META["CONTENT_LENGTH"] = str(50 * 1024 * 1024)
    response = BadInputMiddleware(view)(request)
    assert response.status_code == 413
    assert "一次最多上传 30 MB" in response.content.decode()


def test_the_size_limit_is_a_setting(world, client_for, importer, settings):
    settings.UPLOAD_MAX_MB = 1
    big = xlsx(UNIT_HEADERS, []) + b"\0" * (2 * 1024 * 1024 + 10)
    response, batch = importer(client_for("county"), "units", big)
    assert response.status_code == 413 and batch is None
    assert "一次最多上传 1 MB" in response.content.decode()
    response, batch = importer(
        client_for("county"), "units", xlsx(UNIT_HEADERS, []) + b"\0" * (1024 * 1024 + 10)
    )
    assert response.status_code == 400 and "一次最多上传 1 MB" in response.content.decode()


def test_duplicate_natural_keys_name_both_rows(world, client_for, importer):
    rows = _unit_rows(world, 3)
    rows[2][3] = rows[0][3]  # row 4 repeats row 2's unit
    rows[2][7] = make_id_number(random.Random(99))
    _, batch = importer(client_for("county"), "units", xlsx(UNIT_HEADERS, rows))
    problems = importer.problems(batch)
    assert any(r == 4 and "与第2行重复" in m for r, _, m in problems)
    assert any(r == 2 and "与第4行重复" in m for r, _, m in problems)


def test_bad_check_characters_of_credit_code_and_id_number(world, client_for, importer):
    client = client_for("county")
    good = make_credit_code(random.Random(1), "371311")
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    _, batch = importer(
        client,
        "companies",
        xlsx(
            ["企业名称", "统一社会信用代码", "企业类型", "注册地（县区代码）"],
            [["甲物业", bad, "市场化物业企业", "371311"]],
        ),
    )
    assert importer.problems(batch) == [(2, "统一社会信用代码", "统一社会信用代码校验位不正确")]
    rows = _unit_rows(world, 2)
    rows[1][7] = rows[1][7][:-1] + ("0" if rows[1][7][-1] != "0" else "1")
    _, batch = importer(client, "units", xlsx(UNIT_HEADERS, rows))
    (problem,) = importer.problems(batch)
    assert problem[:2] == (3, "居民身份证号") and "校验位" in problem[2]


def test_a_unit_with_zero_area_is_refused_by_row_and_cell(world, client_for, importer):
    rows = _unit_rows(world, 2)
    rows[1][4] = 0
    _, batch = importer(client_for("county"), "units", xlsx(UNIT_HEADERS, rows))
    assert importer.problems(batch) == [(3, "登记面积（㎡）", "面积必须大于0")]


def test_bad_phone_and_unknown_building_and_choice(world, client_for, importer):
    rows = _unit_rows(world, 3)
    rows[0][6] = "1380000"
    rows[1][1] = "99号楼"
    _, batch = importer(client_for("county"), "units", xlsx(UNIT_HEADERS, rows))
    problems = importer.problems(batch)
    assert problems[0][:2] == (2, "手机号")
    assert problems[1][:2] == (3, "楼栋") and "请先导入楼栋" in problems[1][2]
    _, batch = importer(
        client_for("county"),
        "companies",
        xlsx(
            ["企业名称", "统一社会信用代码", "企业类型", "注册地（县区代码）"],
            [["甲", make_credit_code(random.Random(2), "371311"), "私营", "371311"]],
        ),
    )
    (problem,) = importer.problems(batch)
    assert problem[1] == "企业类型" and "不是可选值，可填：" in problem[2]


def test_nothing_is_written_while_the_file_has_a_problem(world, client_for, importer):
    client = client_for("county")
    rows = _unit_rows(world, 5)
    rows[4][4] = -1
    before = _counts()
    _, batch = importer(client, "units", xlsx(UNIT_HEADERS, rows))
    assert batch.status == BatchStatus.INVALID and (batch.to_create, batch.problem_count) == (4, 1)
    response = client.post(reverse("import_batch_commit", args=[batch.pk]))
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == BatchStatus.INVALID and batch.commit_job is None
    assert _counts() == before


def test_a_commit_failing_half_way_writes_nothing(world, client_for, importer, monkeypatch):
    """The units ledger saves in chunks: the second chunk fails after the first was written."""
    from apps.core.errors import DomainError
    from apps.registry import imports as registry_imports

    client = client_for("county")
    _, batch = importer(client, "units", xlsx(UNIT_HEADERS, _unit_rows(world, 6)))
    assert batch.status == BatchStatus.VALID
    before = _counts()
    original = registry_imports.UnitOwnerLedger.bulk_save
    calls = []

    def bulk_save(self, rows, *, actor, state):
        calls.append(len(rows))
        if len(calls) == 2:
            raise DomainError("模拟的服务错误")
        return original(self, rows, actor=actor, state=state)

    monkeypatch.setattr(registry_imports.UnitOwnerLedger, "bulk_size", 2)
    monkeypatch.setattr(registry_imports.UnitOwnerLedger, "bulk_save", bulk_save)
    batch = importer.commit(client, batch)
    assert calls == [2, 2]
    assert batch.status == BatchStatus.FAILED
    assert _counts() == before  # rows 2–3 were written, then rolled back with rows 4–5
    job = Job.objects.get(pk=batch.commit_job_id)
    assert job.status == JobStatus.FAILED
    assert job.error == "导入未完成，没有写入任何数据。第4行：模拟的服务错误"


def test_a_per_row_commit_failing_at_row_n_writes_nothing(world, client_for, importer, monkeypatch):
    from apps.core.errors import DomainError
    from apps.registry import imports as registry_imports

    client = client_for("county")
    rng = random.Random(21)
    rows = [[f"企业{i}", make_credit_code(rng, "371311"), "市场化物业企业", "371311"] for i in range(5)]
    _, batch = importer(
        client, "companies", xlsx(["企业名称", "统一社会信用代码", "企业类型", "注册地（县区代码）"], rows)
    )
    before = PropertyCompany.objects.count()
    original = registry_imports.CompanyLedger.save
    calls = []

    def save(self, form, *, instance, actor):
        calls.append(1)
        if len(calls) == 4:
            raise DomainError("模拟的服务错误")
        return original(self, form, instance=instance, actor=actor)

    monkeypatch.setattr(registry_imports.CompanyLedger, "save", save)
    batch = importer.commit(client, batch)
    assert len(calls) == 4 and batch.status == BatchStatus.FAILED
    assert PropertyCompany.objects.count() == before
    assert (
        Job.objects.get(pk=batch.commit_job_id).error == "导入未完成，没有写入任何数据。第5行：模拟的服务错误"
    )


def test_csv_in_gb18030_imports(world, client_for, importer):
    rows = _unit_rows(world, 1)
    text = ",".join(UNIT_HEADERS) + "\n" + ",".join(str(v) for v in rows[0]) + "\n"
    _, batch = importer(client_for("county"), "units", text.encode("gb18030"), name="owners.csv")
    assert batch.status == BatchStatus.VALID, importer.problems(batch)


# ------------------------------------------------------------------ preview, marked workbook, access
def test_preview_lists_problems_and_marks_the_bad_cells(world, client_for, importer):
    client = client_for("county")
    rows = _unit_rows(world, 3)
    rows[1][4] = 0
    rows[2][6] = "12345"
    _, batch = importer(client, "units", xlsx(UNIT_HEADERS, rows))
    page = client.get(reverse("import_batch", args=[batch.pk])).content.decode()
    assert "共 2 个问题，未导入任何数据" in page and "第3行" in page and "面积必须大于0" in page
    assert "下载标注错误的工作簿" in page
    response = client.get(reverse("import_batch_marked", args=[batch.pk]))
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    ws = wb.active
    assert ws["E3"].fill.fgColor.rgb.endswith("FFC7CE") and "面积必须大于0" in ws["E3"].comment.text
    assert ws["G4"].comment is not None and ws["E2"].comment is None
    assert ws.cell(row=1, column=len(UNIT_HEADERS) + 1).value == "问题说明"


def test_problems_are_paginated(world, client_for, importer):
    rows = _unit_rows(world, 60, area="0")
    _, batch = importer(client_for("county"), "units", xlsx(UNIT_HEADERS, rows))
    assert batch.problem_count == 60
    page = client_for("county").get(reverse("import_batch", args=[batch.pk]) + "?page=2").content.decode()
    assert "第 2 / 2 页" in page and "第61行" in page


def test_roles_without_import_rights_are_refused_and_batches_are_private(world, client_for, importer):
    _, batch = importer(client_for("county"), "units", xlsx(UNIT_HEADERS, _unit_rows(world, 1)))
    resident = client_for("resident")
    assert resident.get(reverse("import_index")).status_code == 403
    assert resident.get(reverse("import_start", args=["units"])).status_code == 403
    assert resident.get(reverse("import_batch", args=[batch.pk])).status_code == 404
    street = client_for("street")
    assert street.get(reverse("import_batch", args=[batch.pk])).status_code == 404  # not theirs
    assert street.get(reverse("import_batch_marked", args=[batch.pk])).status_code == 404


def test_rows_outside_the_scope_are_refused(world, client_for, importer):
    rows = _unit_rows(world, 1)
    rows[0][0] = world.other_compound.code
    _, batch = importer(client_for("county"), "units", xlsx(UNIT_HEADERS, rows))
    (problem,) = importer.problems(batch)
    assert problem[1] == "小区编码" and "不在您的管辖范围内" in problem[2]


def test_old_import_urls_redirect_to_the_new_flow(world, client_for):
    client = client_for("county")
    for old, ledger in (
        ("owner_import", "units"),
        ("compound_import", "compounds"),
        ("company_import", "companies"),
    ):
        response = client.get(reverse(old))
        assert response.status_code in (301, 302) and response.url == reverse("import_start", args=[ledger])


def test_old_uploads_are_cleaned(world, client_for, importer):
    import datetime

    from django.utils import timezone

    from apps.imports.services import batches_cleanup

    _, batch = importer(client_for("county"), "units", xlsx(UNIT_HEADERS, _unit_rows(world, 1)))
    path = batch.file.path
    assert batches_cleanup() == 0
    assert batches_cleanup(now=timezone.now() + datetime.timedelta(days=31)) == 1
    batch.refresh_from_db()
    assert not batch.file and not __import__("os").path.exists(path)
    assert ImportBatch.objects.filter(pk=batch.pk).exists()
