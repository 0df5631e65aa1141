"""The workbooks of an import: the per-ledger template (Chinese headers, a 说明 sheet, drop-down
lists, a sample row) and the uploaded workbook given back with its bad cells marked (write-only,
streamed: memory stays flat for any size)."""

from __future__ import annotations

import tempfile

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from apps.core.imports import Ledger, allowed_labels
from apps.imports.models import ImportBatch
from apps.imports.reader import FORMULA, Table

BAD_FILL = PatternFill("solid", fgColor="FFC7CE")
BAD_FONT = Font(color="9C0006")
HEAD_FONT = Font(bold=True)
TEMPLATE_ROWS = 5000  # rows of the template that carry the drop-down lists and text format
EXCEL_LIST_LIMIT = 255


def template_workbook(ledger: Ledger, user) -> Workbook:
    form = ledger.form(None, user=user)
    wb = Workbook()
    ws = wb.active
    ws.title = "导入模板"
    options = wb.create_sheet("选项")
    notes = wb.create_sheet("说明")
    sample = ledger.sample_row(user)
    option_col = 0
    for index, column in enumerate(ledger.columns, start=1):
        letter = get_column_letter(index)
        cell = ws.cell(
            row=1,
            column=index,
            value=column.header if not column.required else f"{column.header.rstrip('*')}*",
        )
        cell.font = HEAD_FONT
        ws.column_dimensions[letter].width = column.width
        value = sample.get(column.name, "")
        sample_cell = ws.cell(row=2, column=index, value=value if value != "" else None)
        if column.text:
            for row in range(2, TEMPLATE_ROWS + 2):
                ws.cell(row=row, column=index).number_format = "@"
        field = form.fields.get(column.name)
        labels = allowed_labels(field) if field is not None else []
        if labels:
            option_col += 1
            ol = get_column_letter(option_col)
            options.cell(row=1, column=option_col, value=column.header.rstrip("*")).font = HEAD_FONT
            for i, label in enumerate(labels, start=2):
                options.cell(row=i, column=option_col, value=label)
            dv = DataValidation(
                type="list",
                formula1=f"选项!${ol}$2:${ol}${len(labels) + 1}",
                allow_blank=True,
                showErrorMessage=True,
                errorTitle="请从下拉列表中选择",
                error=f"可填：{'、'.join(labels)}"[:EXCEL_LIST_LIMIT],
            )
            ws.add_data_validation(dv)
            dv.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
        del sample_cell
    ws.freeze_panes = "A2"
    options.sheet_state = "hidden"
    notes.column_dimensions["A"].width = 24
    notes.column_dimensions["B"].width = 10
    notes.column_dimensions["C"].width = 80
    notes.append([f"{ledger.title}导入说明"])
    notes["A1"].font = Font(bold=True, size=14)
    for line in (
        "第一行为列名，请勿修改；带 * 的列必须填写。第2行是示例，导入前请改写或删除。",
        "每一行按与页面表单相同的规则校验；只要有一行有错误，整个文件都不会导入。",
        f"按{'、'.join(c.header.rstrip('*') for c in ledger.columns if c.name in ledger.key_columns)}识别已有记录："
        "已有的更新，没有的新增，再次导入不会重复。",
        "日期可写 2024-05-01、2024/5/1 或 2024年5月1日；不要使用公式（请粘贴为数值）；不要合并单元格。",
        *ledger.notes,
    ):
        notes.append([line])
    notes.append([])
    notes.append(["列名", "必填", "填写说明"])
    for cell in notes[notes.max_row]:
        cell.font = HEAD_FONT
    for column in ledger.columns:
        field = form.fields.get(column.name)
        labels = allowed_labels(field) if field is not None else []
        text = column.note or (str(field.help_text) if field is not None and field.help_text else "")
        if labels:
            text = f"{text}（可填：{'、'.join(labels)}）" if text else f"可填：{'、'.join(labels)}"
        notes.append([column.header.rstrip("*"), "是" if column.required else "", text])
        notes.cell(row=notes.max_row, column=3).alignment = Alignment(wrap_text=True)
    wb.active = 0
    return wb


def marked_workbook(batch: ImportBatch, path) -> None:
    """Write the uploaded rows to `path` with every cell that has a problem filled red, the
    message as its comment, and the row's messages in a last column 问题说明."""
    problems = (
        batch.problems.order_by("row", "id").values_list("row", "column", "message").iterator(chunk_size=2000)
    )
    try:
        _write_marked(batch, path, problems)
    finally:
        # On PostgreSQL the iterator holds a server-side cursor inside the caller's transaction;
        # close it now (an unreadable file stops the loop early), not whenever it is collected.
        problems.close()


def _write_marked(batch: ImportBatch, path, problems) -> None:
    pending = next(problems, None)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("导入数据（已标注问题）")
    headers: list[str] = []
    written = 0
    for number, cells in Table(batch.file.path, batch.original_name).rows():
        while written < number - 1:  # keep the worksheet's row numbers (empty rows were skipped)
            ws.append([])
            written += 1
        row_problems = []
        while pending is not None and pending[0] <= number:
            if pending[0] == number:
                row_problems.append(pending)
            pending = next(problems, None)
        if number == 1:
            headers = [str(c or "").strip().rstrip("*") for c in cells]
        by_column: dict[str, list[str]] = {}
        for _, column, message in row_problems:
            by_column.setdefault(column, []).append(message)
        out = []
        for index, value in enumerate(cells):
            shown = "（公式）" if value is FORMULA else value
            cell = WriteOnlyCell(ws, value=shown)
            header = headers[index] if index < len(headers) else ""
            letter = f"{get_column_letter(index + 1)}列"
            messages = by_column.get(header, []) + (by_column.get(letter, []) if number == 1 else [])
            if number == 1:
                cell.font = HEAD_FONT
            if messages:
                cell.fill = BAD_FILL
                cell.font = BAD_FONT
                cell.comment = Comment("；".join(messages), "导入校验")
            out.append(cell)
        if number == 1:
            note = WriteOnlyCell(ws, value="问题说明")
            note.font = HEAD_FONT
        else:
            note = WriteOnlyCell(
                ws, value="；".join(f"{c + '：' if c else ''}{m}" for _, c, m in row_problems) or None
            )
            if row_problems:
                note.font = BAD_FONT
        out.append(note)
        ws.append(out)
        written = number
    wb.save(path)


def save_marked(batch: ImportBatch) -> None:
    from django.core.files import File

    with tempfile.NamedTemporaryFile(suffix=".xlsx") as tmp:
        marked_workbook(batch, tmp.name)
        tmp.seek(0)
        stem = batch.original_name.rsplit(".", 1)[0]
        batch.marked_file.save(f"{stem}-已标注问题.xlsx", File(tmp), save=False)
    ImportBatch.objects.filter(pk=batch.pk).update(marked_file=batch.marked_file.name)
