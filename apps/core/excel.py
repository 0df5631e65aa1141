"""Excel (.xlsx) exports: the same columns and Chinese headers as the table on screen.

Every export of the platform goes through `xlsx_response`, and every text cell through
`_row_cells`: text that a spreadsheet would read as a formula (it starts with = + - @, a tab or a
carriage return — e.g. a resident's description "=HYPERLINK(...)") is written as a text cell with
Excel's quote prefix, never as a live formula (formula / CSV injection, issue 20.3).
"""

from __future__ import annotations

import datetime
import decimal
import tempfile
from collections.abc import Iterable, Sequence
from urllib.parse import quote

from django.http import FileResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font


def _cell_value(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, datetime.datetime):
        return value.astimezone().replace(tzinfo=None) if value.tzinfo else value
    if isinstance(value, int | float | datetime.date | str):
        return value
    return str(value)


FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)


def _row_cells(ws, row: Sequence) -> list:
    out = []
    for v in row:
        value = _cell_value(v)
        if is_formula_like(value):
            cell = WriteOnlyCell(ws, value=value)
            cell.data_type = "s"  # a string, not a formula
            cell.quotePrefix = True  # and stays one when a user edits the cell
            out.append(cell)
        else:
            out.append(value)
    return out


def xlsx_response(
    filename: str, headers: Sequence[str], rows: Iterable[Sequence], sheet_title: str = "数据"
) -> FileResponse:
    """Stream a workbook built in write-only mode (constant memory for large exports)."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=sheet_title[:31])
    bold = Font(bold=True)
    header_cells = []
    for h in headers:
        cell = WriteOnlyCell(ws, value=h)
        cell.font = bold
        header_cells.append(cell)
    ws.append(header_cells)
    for row in rows:
        ws.append(_row_cells(ws, row))
    tmp = tempfile.TemporaryFile()
    wb.save(tmp)
    tmp.seek(0)
    stamp = datetime.date.today().strftime("%Y%m%d")
    name = f"{filename}_{stamp}.xlsx"
    response = FileResponse(
        tmp,
        as_attachment=True,
        filename=name,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


def workbook_bytes(sheets: Iterable[tuple[str, Sequence[str], Iterable[Sequence]]]) -> bytes:
    """A workbook of several sheets, (title, headers, rows) each, as bytes (reports archive it).
    Sheet titles are cut to Excel's 31 characters and made unique; cells as in `xlsx_response`."""
    wb = Workbook(write_only=True)
    bold = Font(bold=True)
    used: set[str] = set()
    for title, headers, rows in sheets:
        name = "".join("_" if ch in "[]:*?/\\" else ch for ch in title)[:31] or "数据"
        base, n = name, 2
        while name in used:
            suffix = f"（{n}）"
            name, n = base[: 31 - len(suffix)] + suffix, n + 1
        used.add(name)
        ws = wb.create_sheet(title=name)
        header_cells = []
        for h in headers:
            cell = WriteOnlyCell(ws, value=h)
            cell.font = bold
            header_cells.append(cell)
        ws.append(header_cells)
        for row in rows:
            ws.append(_row_cells(ws, row))
    with tempfile.TemporaryFile() as tmp:
        wb.save(tmp)
        tmp.seek(0)
        return tmp.read()
