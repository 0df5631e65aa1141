"""The two files of a report, from its data: a PDF (WeasyPrint, Noto Sans CJK, SVG charts drawn
here) and an xlsx with one sheet per table (apps/core/excel.py)."""

from __future__ import annotations

import logging

from django.template.loader import render_to_string

from apps.core.excel import workbook_bytes
from apps.reports.charts import with_charts

# WeasyPrint logs every layout step at INFO; a report is one job line, not thirty.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def html(data: dict) -> str:
    return render_to_string("reports/pdf.html", {"data": data, "sections": with_charts(data["sections"])})


def pdf(data: dict) -> tuple[bytes, int]:
    """The PDF and its number of pages."""
    from weasyprint import HTML

    document = HTML(string=html(data)).render()
    return document.write_pdf(), len(document.pages)


def xlsx(data: dict) -> bytes:
    """One sheet for the summary, then one per table, in the report's order."""
    sheets = [
        (
            "概览",
            ["指标", "数值", "说明"],
            [[c["label"], c["value"], c["sub"]] for c in data["summary"]],
        )
    ]
    for section in data["sections"]:
        for table in section["tables"]:
            sheets.append((table["title"], table["headers"], table["rows"]))
    return workbook_bytes(sheets)
