"""The two files of a report: the PDF's first page is not blank, is in Chinese and names the
region (pypdfium2 renders and reads it); the xlsx holds the same tables as the report data."""

from __future__ import annotations

import datetime
import io
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from openpyxl import load_workbook

from apps.core.testing import COUNTY
from apps.regions.models import Region
from apps.reports import charts, services

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"
OCT = datetime.date(2026, 10, 1)


@pytest.fixture(autouse=True)
def _small_lists(settings):
    settings.WORKORDER_RANKING_MIN_CALLBACKS = 1


def first_page(pdf: bytes):
    document = pdfium.PdfDocument(pdf)
    page = document[0]
    text = page.get_textpage().get_text_range()
    image = page.render(scale=1.5).to_pil()
    return len(document), text, image


def ink(image) -> float:
    """Share of pixels that are not (near) white."""
    grey = image.convert("L")
    dark = sum(1 for v in grey.getdata() if v < 200)
    return dark / (grey.width * grey.height)


def test_the_pdf_first_page_shows_the_region_and_is_not_blank(orders, users):
    region = Region.objects.get(code=COUNTY)
    report = services.monthly_report_generate(
        region=region, month=OCT, actor=users["county"], today=datetime.date(2026, 11, 20)
    )
    pdf = report.pdf.read()
    assert pdf.startswith(b"%PDF")
    pages, text, image = first_page(pdf)
    assert pages == report.pages >= 2
    assert "罗庄区物业治理月报" in text.replace("\n", "").replace(" ", "")
    assert "三个100%目标" in text and "2026-10" in text
    ARTIFACTS.mkdir(exist_ok=True)
    image.save(ARTIFACTS / "reports-pdf-page1.png")
    assert ink(image) > 0.01  # text, tables and a chart, not an empty page


def test_the_xlsx_holds_the_report_tables(orders):
    region = Region.objects.get(code=COUNTY)
    report = services.monthly_report_generate(
        region=region, month=OCT, actor=None, trigger="schedule", today=datetime.date(2026, 11, 20)
    )
    wb = load_workbook(io.BytesIO(report.xlsx.read()), read_only=True)
    tables = [t for s in report.data["sections"] for t in s["tables"]]
    assert wb.sheetnames[0] == "概览"
    assert len(wb.sheetnames) == len(tables) + 1
    for sheet, table in zip(wb.worksheets[1:], tables, strict=True):
        rows = list(sheet.iter_rows(values_only=True))
        assert list(rows[0]) == table["headers"]
        assert len(rows) - 1 == len(table["rows"])


def test_a_chart_is_svg_with_its_labels_escaped():
    out = charts.svg(
        {
            "title": "A<B",
            "labels": ["罗庄区", "兰山<区>"],
            "series": [{"name": "本月", "values": [50.0, None]}],
            "unit": "%",
            "max": 100,
        }
    )
    assert out.startswith("<svg") and "A&lt;B" in out and "兰山&lt;区&gt;" in out and "—" in out
    out = charts.svg(
        {"title": "h", "labels": ["x"], "series": [{"name": "s", "values": [3]}], "horizontal": True}
    )
    assert "<rect" in out
