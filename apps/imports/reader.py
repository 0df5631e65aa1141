"""Reading an uploaded .xlsx or .csv one row at a time (openpyxl read-only: memory stays flat
whatever the number of rows).

Formulas are refused, consistently: a cell holding a formula is reported (“请粘贴为数值”) rather
than trusting a cached value that a program other than Excel may never have computed."""

from __future__ import annotations

import codecs
import csv
import datetime
import decimal
import zipfile
from collections.abc import Iterator

from apps.core.imports import normalize_header


class FileRefused(Exception):
    """The file as a whole cannot be read (not xlsx/csv, no header …): a Chinese message."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


FORMULA = object()  # the value of a cell that held a formula


def kind_of(name: str) -> str:
    lower = (name or "").lower()
    if lower.endswith(".xlsx"):
        return "xlsx"
    if lower.endswith(".csv"):
        return "csv"
    raise FileRefused("只支持 .xlsx 或 .csv 文件（Excel 请另存为 .xlsx 格式）")


def _csv_encoding(path) -> str:
    """utf-8 (with or without BOM) if the whole file decodes so, else GB18030 (Excel's Chinese CSV)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with open(path, "rb") as f:
        try:
            while chunk := f.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
            return "utf-8-sig"
        except UnicodeDecodeError:
            pass
    decoder = codecs.getincrementaldecoder("gb18030")()
    with open(path, "rb") as f:
        try:
            while chunk := f.read(1 << 20):
                decoder.decode(chunk)
            return "gb18030"
        except UnicodeDecodeError:
            raise FileRefused("无法识别文件编码，请另存为 UTF-8 编码的 CSV") from None


class Table:
    """Header and rows of the first worksheet (or of the CSV file), streamed."""

    def __init__(self, path, name: str):
        self.path = path
        self.kind = kind_of(name)
        if self.kind == "xlsx" and not zipfile.is_zipfile(path):
            raise FileRefused("无法读取 Excel 文件：文件不是 .xlsx 格式（可能是改了扩展名的其他文件）")
        self._wb = None

    def _raw_rows(self) -> Iterator[tuple]:
        if self.kind == "csv":
            encoding = _csv_encoding(self.path)
            with open(self.path, encoding=encoding, newline="") as f:
                for row in csv.reader(f):
                    yield tuple(row)
            return
        from openpyxl import load_workbook

        try:
            wb = load_workbook(self.path, read_only=True, data_only=False)
        except Exception as exc:
            raise FileRefused("无法读取 Excel 文件，请确认是 .xlsx 格式且未加密") from exc
        try:
            ws = wb.worksheets[0]
            yield from ws.iter_rows(values_only=True)
        finally:
            wb.close()

    def estimate(self) -> int:
        """About how many data rows the file holds (for the progress bar; 0 if unknown)."""
        if self.kind == "csv":
            count = 0
            with open(self.path, "rb") as f:
                while chunk := f.read(1 << 20):
                    count += chunk.count(b"\n")
            return max(0, count - 1)
        from openpyxl import load_workbook

        try:
            wb = load_workbook(self.path, read_only=True)
            try:
                return max(0, (wb.worksheets[0].max_row or 1) - 1)
            finally:
                wb.close()
        except Exception:
            return 0

    def rows(self) -> Iterator[tuple[int, list]]:
        """(worksheet row number, raw cell values) of the header (row 1) and each non-empty row."""
        for number, values in enumerate(self._raw_rows(), start=1):
            if values is None:
                continue
            cells = [_raw(v) for v in values]
            if number > 1 and all(v in (None, "") for v in cells):
                continue
            yield number, cells


def _raw(value):
    if isinstance(value, str):
        if value.startswith("=") and len(value) > 1:
            return FORMULA
        return value.strip()
    return value


def header_of(cells: list) -> list[str]:
    """The header row's names, trailing empty cells dropped."""
    names = [normalize_header(v) if v is not None else "" for v in cells]
    while names and not names[-1]:
        names.pop()
    return names


def cell_text(value) -> str:
    """A cell's value as the text a form would receive."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return str(decimal.Decimal(repr(value)))
    if isinstance(value, int):
        return str(value)
    return str(value).strip()


def open_upload(path, name: str) -> Table:
    return Table(path, name)


def bytes_table(content: bytes, name: str) -> Iterator[tuple[int, list]]:
    """Tests and the template round-trip: rows of a workbook held in memory."""
    import tempfile

    with tempfile.NamedTemporaryFile(suffix="." + kind_of(name)) as tmp:
        tmp.write(content)
        tmp.flush()
        yield from Table(tmp.name, name).rows()
