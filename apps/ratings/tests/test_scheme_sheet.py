"""The 细则表: a scheme's tree written as one Excel sheet and read back unchanged."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from apps.ratings import examples, scheme_sheet
from apps.ratings.choices import CurveKind


def _upload(rows, headers=scheme_sheet.HEADERS, name="细则表.xlsx"):
    wb = Workbook()
    ws = wb.active
    ws.title = scheme_sheet.SHEET_TITLE
    ws.append(list(headers))
    for row in rows:
        ws.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile(name, out.getvalue())


def _normal(structure):
    """Numbers as Decimals' text, so "20" and 20 compare equal."""
    from decimal import Decimal

    def num(v):
        return str(Decimal(str(v)).normalize())

    def item(i):
        out = {k: v for k, v in i.items() if v not in ("", None, {})}
        out["max_points"] = num(i.get("max_points", 0))
        out.setdefault("guidance", "")
        if out["guidance"] == "":
            out.pop("guidance")
        return out

    return {
        "dimensions": [
            {"name": d["name"], "max_points": num(d["max_points"]), "items": [item(i) for i in d["items"]]}
            for d in structure["dimensions"]
        ],
        "vetoes": [{k: v for k, v in x.items() if v} for x in structure.get("vetoes", [])],
    }


@pytest.mark.parametrize("structure", [examples.COMPANY_ORG], ids=["company_org"])
def test_the_example_round_trips_through_the_sheet(structure):
    parsed = scheme_sheet.parse(_upload(scheme_sheet.rows_of(structure)))
    assert _normal(parsed) == _normal(structure)


def test_curves_are_written_and_read_as_people_write_them():
    assert (
        scheme_sheet.curve_text(CurveKind.THRESHOLDS, {"steps": [[3, 1], [5, 2], [8, 3]]}) == "3:1; 5:2; 8:3"
    )
    assert (
        scheme_sheet.curve_text(CurveKind.LINEAR, {"zero": 0, "full": 40, "missing": 1}) == "0~40; 无数据:1"
    )
    assert scheme_sheet.parse_curve(CurveKind.THRESHOLDS, "5：2；8:3；越低越好", "x") == {
        "steps": [[5, 2], [8, 3]],
        "lower_is_better": True,
    }
    assert scheme_sheet.parse_curve(CurveKind.LINEAR, "60～95", "x") == {"zero": 60, "full": 95}


def test_a_dimension_continues_on_rows_with_an_empty_dimension_cell():
    rows = [
        ["组织建设好", 5, "A1", "党组织设置规范", "评审打分", 3, "", "", "", ""],
        ["", "", "A2", "三会一课", "评审打分", 2, "", "", "", ""],
        ["", "", "V1", "发生重大安全责任事故", "一票否决", "", "", "", "", ""],
    ]
    parsed = scheme_sheet.parse(_upload(rows))
    assert [i["code"] for i in parsed["dimensions"][0]["items"]] == ["A1", "A2"]
    assert parsed["vetoes"] == [{"code": "V1", "name": "发生重大安全责任事故"}]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([["组织建设好", 5, "A1", "x", "打分", 5, "", "", "", ""]], "第 2 行「计分方式」"),
        (
            [["组织建设好", "五", "A1", "x", "评审打分", 5, "", "", "", ""]],
            "第 2 行「维度满分」：“五”不是数字",
        ),
        ([["组织建设好", 5, "A1", "x", "客观指标", 5, "人数", "分档计分", "3:1", ""]], "第 2 行「指标」"),
        (
            [["组织建设好", 5, "A1", "x", "客观指标", 5, "企业党组织党员人数", "分档计分", "三个得一分", ""]],
            "第 2 行「曲线参数」",
        ),
        (
            [
                ["组织建设好", 5, "A1", "x", "评审打分", 3, "", "", "", ""],
                ["组织建设好", 6, "A2", "y", "评审打分", 2, "", "", "", ""],
            ],
            "满分前后不一致",
        ),
        ([["", "", "A1", "x", "评审打分", 3, "", "", "", ""]], "第一条细则须写明所属维度"),
        ([["组织建设好", "", "A1", "x", "评审打分", 3, "", "", "", ""]], "没有填写维度满分"),
        ([], "没有任何细则"),
    ],
)
def test_bad_sheets_are_refused_naming_row_and_column(rows, message):
    with pytest.raises(ValidationError) as exc:
        scheme_sheet.parse(_upload(rows))
    assert any(message in m for m in exc.value.messages), exc.value.messages


def test_wrong_file_or_headers_are_refused():
    with pytest.raises(ValidationError, match="xlsx"):
        scheme_sheet.parse(SimpleUploadedFile("细则.csv", b"a,b"))
    with pytest.raises(ValidationError, match=r"缺少列：.*计分曲线"):
        scheme_sheet.parse(_upload([], headers=scheme_sheet.HEADERS[:7]))
    with pytest.raises(ValidationError, match="无法读取"):
        scheme_sheet.parse(SimpleUploadedFile("细则.xlsx", b"not a workbook"))
