"""Validation and commit of an uploaded workbook, row by row through the ledger's form and
service (apps/core/imports.py). Both passes stream the file; the commit runs in one transaction,
so a file is imported whole or not at all."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django import forms
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone
from openpyxl.utils import get_column_letter

from apps.core.contributions import import_ledgers
from apps.core.errors import DomainError
from apps.core.imports import (
    DATE_HINT,
    Column,
    Ledger,
    detached_copy,
    not_found,
    parse_date_text,
    translate_cell,
)
from apps.imports.models import BatchStatus, ImportBatch, ImportProblem
from apps.imports.reader import FORMULA, FileRefused, Table, cell_text, header_of

FLUSH_EVERY = 500
ACTIONS = ("", "create", "update", "unchanged")  # a row's action, as one byte per row (validate_batch)


@dataclass
class Problem:
    row: int
    column: str
    value: str
    message: str


@dataclass
class RowResult:
    number: int
    action: str = ""  # create / update / unchanged; "" when the row has problems
    form: object = None
    instance: object = None
    key: tuple = ()
    problems: list[Problem] = field(default_factory=list)


class CommitRefused(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__(problems[0].message if problems else "")
        self.problems = problems


def ledger_of(name: str) -> Ledger:
    try:
        return import_ledgers()[name]
    except KeyError:
        raise LookupError(name) from None


# ------------------------------------------------------------------ header
def check_header(ledger: Ledger, cells: list) -> tuple[list[Column | None], list[Problem]]:
    """Map each column index to the ledger's column; the header's problems (row 1)."""
    names = header_of(cells)
    by_header = ledger.header_map()
    by_name = {c.name: c for c in ledger.columns}
    problems: list[Problem] = []
    mapping: list[Column | None] = []
    unknown, seen = [], set()
    for index, name in enumerate(names):
        letter = get_column_letter(index + 1)
        if not name:
            problems.append(
                Problem(
                    1,
                    f"{letter}列",
                    "",
                    "表头为空：表头不能使用合并单元格，每列只写一个列名（可下载模板对照）",
                )
            )
            mapping.append(None)
            continue
        column = by_header.get(name) or by_name.get(name)
        if column is None:
            unknown.append(name)
            mapping.append(None)
            problems.append(Problem(1, f"{letter}列", name, f"未知的列“{name}”"))
            continue
        if column.name in seen:
            problems.append(Problem(1, f"{letter}列", name, f"列“{name}”重复出现"))
        seen.add(column.name)
        mapping.append(column)
    missing = [c.header.rstrip("*") for c in ledger.columns if c.required and c.name not in seen]
    if missing:
        problems.append(Problem(1, "", "", f"缺少必填列：{'、'.join(missing)}"))
    if unknown:
        expected = "、".join(c.header.rstrip("*") for c in ledger.columns)
        problems.append(Problem(1, "", "", f"未知的列：{'、'.join(unknown)}。模板中的列为：{expected}"))
    return mapping, problems


# ------------------------------------------------------------------ one row
class Session:
    """What validating one file needs once: the ledger, the user, the form's fields."""

    def __init__(self, ledger: Ledger, user, mapping: list[Column | None]):
        self.ledger = ledger
        self.user = user
        self.mapping = mapping
        self.state = ledger.prepare(user)
        self.fields = ledger.form(None, user=user, state=self.state).fields
        self.seen: dict[tuple, int] = {}  # natural key → its first row: the one thing kept per row
        self.present = {c.name for c in mapping if c is not None}
        self.key_headers = "、".join(
            c.header.rstrip("*") for c in ledger.columns if c.name in ledger.key_columns
        )

    def cells_to_data(self, number: int, cells: list) -> tuple[dict, dict, list[Problem]]:
        data: dict[str, str] = {}
        shown: dict[str, str] = {}  # column name → the cell as the user wrote it
        problems: list[Problem] = []
        for index, column in enumerate(self.mapping):
            if column is None:
                continue
            raw = cells[index] if index < len(cells) else None
            header = column.header.rstrip("*")
            if raw is FORMULA:
                shown[column.name] = "（公式）"
                problems.append(
                    Problem(number, header, "（公式）", "单元格含公式，请复制后“选择性粘贴为数值”再导入")
                )
                continue
            if column.text and isinstance(raw, float) and abs(raw) >= 1e15:
                shown[column.name] = cell_text(raw)
                problems.append(
                    Problem(
                        number,
                        header,
                        cell_text(raw),
                        "数字过长已被 Excel 改写（末几位变成0），请将此列设为文本格式后重新填写",
                    )
                )
                continue
            text = cell_text(raw)
            shown[column.name] = text
            if column.date and text and not hasattr(raw, "year"):
                parsed = parse_date_text(text)
                if parsed is None:
                    problems.append(Problem(number, header, text, f"日期“{text}”无法识别，{DATE_HINT}"))
                    continue
                text = parsed.isoformat()
            form_field = self.fields.get(column.name)
            if form_field is not None:
                value, problem = translate_cell(form_field, text)
                if problem:
                    problems.append(Problem(number, header, text, problem))
                    continue
                if value is None:
                    continue
                text = value
            data[column.name] = text
        return data, shown, problems

    def fill_defaults(self, data: dict, instance) -> None:
        """A column left out of the file keeps the existing object's value (or the page's
        default for a new one); so does a blank cell of a required column (e.g. 居住党员人数 → 0)."""
        initial = None
        for name, form_field in self.fields.items():
            if name in data:
                if data[name] != "" or not form_field.required or isinstance(form_field, forms.BooleanField):
                    continue
                # a blank cell of a required column: as if the column were left out (the existing
                # object's value, else the page's default); no default → the form says it is needed
                del data[name]
            elif name in self.present:
                if (
                    form_field.required
                    and form_field.initial not in (None, "")
                    and not isinstance(form_field, forms.BooleanField)
                ):
                    data[name] = str(form_field.initial)
                continue
            if initial is None:
                initial = self.ledger.initial(instance, user=self.user, state=self.state)
            value = initial.get(name, form_field.initial)
            if callable(value):
                value = value()
            if isinstance(form_field, forms.BooleanField):
                if value:
                    data[name] = "on"
            elif isinstance(form_field, forms.ModelChoiceField) and form_field.to_field_name:
                # the form reads this column by a natural code (a credit code …), not by the pk
                if value not in (None, ""):
                    obj = value if hasattr(value, "pk") else form_field.queryset.filter(pk=value).first()
                    code = getattr(obj, form_field.to_field_name, "") if obj is not None else ""
                    if code:
                        data[name] = str(code)
            elif value not in (None, ""):
                data[name] = str(getattr(value, "pk", value))

    def header_of(self, name: str) -> str:
        for column in self.ledger.columns:
            if column.name == name:
                return column.header.rstrip("*")
        return ""

    def form_problems(self, number: int, form, shown: dict, skip: set[str]) -> list[Problem]:
        out = []
        for name, errors in form.errors.as_data().items():
            header = self.header_of(name) if name != NON_FIELD_ERRORS else ""
            if header in skip:
                continue
            own_failed = name != NON_FIELD_ERRORS and name not in form.cleaned_data
            if skip and not own_failed:
                continue  # cross-field checks would judge the row by a default it never asked for
            if own_failed:
                errors = errors[:1]  # the cell's own check; the model's checks saw no value
            for error in errors:
                out.append(
                    Problem(number, header, shown.get(name, "")[:200], _error_text(form, name, error, shown))
                )
        return out

    def validate(self, number: int, cells: list) -> RowResult:
        result = self._validate(number, cells)
        self.ledger.row_checked(
            number, result.key, None if result.problems else result.form, state=self.state
        )
        return result

    def finish(self) -> list[Problem]:
        """The ledger's checks of the whole file (`Ledger.file_problems`), after the last row."""
        return [
            Problem(p.row, self.header_of(p.column) if p.column else "", "", p.message)
            for p in self.ledger.file_problems(state=self.state)
        ]

    def _validate(self, number: int, cells: list) -> RowResult:
        result = RowResult(number)
        data, shown, problems = self.cells_to_data(number, cells)
        key = self.ledger.natural_key(data)
        result.key = key
        instance = None
        if key:
            first = self.seen.get(key)
            if first is not None:
                problems.append(
                    Problem(
                        number,
                        "",
                        " ".join(key),
                        f"与第{first}行重复（{self.key_headers}相同），同一文件中每条记录只能出现一次",
                    )
                )
            else:
                # its parts interned: a county's 200,000 keys repeat a few thousand codes and names
                # (~150 bytes a row held to the end of the file instead of ~430)
                self.seen[tuple(sys.intern(k) if type(k) is str else k for k in key)] = number
            instance = self.ledger.lookup(key, user=self.user, state=self.state)
        self.fill_defaults(data, instance)
        before = self.ledger.snapshot(instance) if instance is not None else None
        form = self.ledger.form(data, user=self.user, instance=detached_copy(instance), state=self.state)
        valid = form.is_valid()
        if not valid:
            problems.extend(
                self.form_problems(number, form, shown, skip={p.column for p in problems if p.column})
            )
        result.problems = problems
        if problems:
            return result
        result.form, result.instance = form, instance
        if instance is None:
            result.action = "create"
        elif self.ledger.unchanged(form, before):
            result.action = "unchanged"
        else:
            result.action = "update"
        return result


def _error_text(form, name, error, shown) -> str:
    f = form.fields.get(name) if hasattr(form, "fields") else None
    if isinstance(f, forms.ModelChoiceField) and getattr(error, "code", "") == "invalid_choice":
        return not_found(shown.get(name, ""))
    return " ".join(error.messages)


# ------------------------------------------------------------------ streaming over a batch
def _table(batch: ImportBatch) -> Table:
    return Table(batch.file.path, batch.original_name)


def _rows(batch: ImportBatch, ledger: Ledger) -> tuple[Session | None, Iterator, list[Problem], int]:
    table = _table(batch)
    rows = table.rows()
    try:
        _, header = next(rows)
    except StopIteration:
        raise FileRefused("文件是空的：第一行应为列名（可下载模板对照）") from None
    mapping, problems = check_header(ledger, header)
    session = Session(ledger, batch.owner, mapping)
    return session, rows, problems, table.estimate()


def validate_batch(batch: ImportBatch, *, progress: Callable[[int, int | None], None] | None = None) -> dict:
    """Check every row; store the problems and the counts. Writes no ledger data."""
    ledger = ledger_of(batch.ledger)
    ImportProblem.objects.filter(batch=batch).delete()
    counts = {"rows": 0, "create": 0, "update": 0, "unchanged": 0, "problems": 0}
    buffer: list[ImportProblem] = []
    actions = bytearray()  # row number → index in ACTIONS: what the file's problems take back

    def keep(items):
        for p in items:
            buffer.append(
                ImportProblem(
                    batch=batch, row=p.row, column=p.column[:60], value=p.value[:200], message=p.message[:400]
                )
            )
            counts["problems"] += 1
        if len(buffer) >= FLUSH_EVERY:
            ImportProblem.objects.bulk_create(buffer)
            buffer.clear()

    try:
        session, rows, header_problems, estimate = _rows(batch, ledger)
        keep(header_problems)
        if not header_problems:
            limit = settings.IMPORTS_MAX_ROWS
            for number, cells in rows:
                counts["rows"] += 1
                if counts["rows"] > limit:
                    raise FileRefused(f"一次最多导入 {limit} 行，请拆分后分批导入")
                result = session.validate(number, cells)
                keep(result.problems)
                for p in result.problems:
                    if p.message.startswith("与第") and "行重复" in p.message:
                        first = session.seen[result.key]
                        keep(
                            [Problem(first, "", p.value, f"与第{number}行重复（{session.key_headers}相同）")]
                        )
                if result.action:
                    counts[result.action] += 1
                    if number >= len(actions):
                        actions.extend(bytes(number + 1 - len(actions)))
                    actions[number] = ACTIONS.index(result.action)
                if progress:
                    progress(counts["rows"], max(estimate, counts["rows"]))
            if counts["rows"] == 0:
                keep([Problem(1, "", "", "文件中没有数据行")])
            else:
                file_problems = session.finish()
                keep(file_problems)
                for row in {p.row for p in file_problems}:  # no longer a row without problems
                    if 0 < row < len(actions) and actions[row]:
                        counts[ACTIONS[actions[row]]] -= 1
    except FileRefused as exc:
        keep([Problem(1, "", "", exc.message)])
    if buffer:
        ImportProblem.objects.bulk_create(buffer)
    status = BatchStatus.INVALID if counts["problems"] else BatchStatus.VALID
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=status,
        rows_total=counts["rows"],
        to_create=counts["create"],
        to_update=counts["update"],
        unchanged=counts["unchanged"],
        problem_count=counts["problems"],
        validated_at=timezone.now(),
        error="",
    )
    return counts


def commit_batch(batch: ImportBatch, *, progress: Callable[[int, int | None], None] | None = None) -> dict:
    """Validate again and save every row through the ledger's service in one transaction.
    Raises CommitRefused (nothing written) when any row fails."""
    ledger = ledger_of(batch.ledger)
    counts = {"rows": 0, "create": 0, "update": 0, "unchanged": 0}
    bulk = getattr(ledger, "bulk_save", None)
    with transaction.atomic():
        session, rows, header_problems, estimate = _rows(batch, ledger)
        if header_problems:
            raise CommitRefused(header_problems)
        pending = []
        for number, cells in rows:
            counts["rows"] += 1
            result = session.validate(number, cells)
            if result.problems:
                raise CommitRefused(result.problems)
            counts[result.action] += 1
            if result.action == "unchanged":
                continue
            if bulk is not None:
                pending.append(result)
                if len(pending) >= ledger.bulk_size:
                    _save_bulk(bulk, pending, batch.owner, session.state)
                    pending = []
            else:
                _save_one(ledger, result, batch.owner)
            if progress:
                progress(counts["rows"], max(estimate, counts["rows"]))
        file_problems = session.finish()
        if file_problems:
            raise CommitRefused(file_problems)  # the rows saved so far are rolled back with it
        if pending:
            _save_bulk(bulk, pending, batch.owner, session.state)
        done = ImportBatch.objects.filter(
            pk=batch.pk, status__in=[BatchStatus.VALID, BatchStatus.COMMITTING]
        ).update(
            status=BatchStatus.COMMITTED,
            committed_at=timezone.now(),
            rows_total=counts["rows"],
            to_create=counts["create"],
            to_update=counts["update"],
            unchanged=counts["unchanged"],
        )
        if not done:
            raise CommitRefused([Problem(1, "", "", "该文件已导入或已重新上传，未重复导入")])
        from apps.core.services import event_record

        event_record(
            actor=batch.owner,
            verb="importbatch.commit",
            obj=batch,
            note=f"{ledger.title}：新增 {counts['create']}，更新 {counts['update']}，无变化 {counts['unchanged']}",
            region_code="",
        )
    return counts


def _problems_of(number: int, session_header, exc) -> list[Problem]:
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        return [
            Problem(
                number,
                session_header(name) if name != NON_FIELD_ERRORS else "",
                "",
                " ".join(ValidationError(errs).messages),
            )
            for name, errs in exc.error_dict.items()
        ]
    message = exc.message if isinstance(exc, DomainError) else " ".join(getattr(exc, "messages", [str(exc)]))
    return [Problem(number, "", "", message)]


def _save_one(ledger: Ledger, result: RowResult, actor) -> None:
    try:
        ledger.save(result.form, instance=result.instance, actor=actor)
    except (ValidationError, DomainError) as exc:
        raise CommitRefused(_problems_of(result.number, lambda n: _header(ledger, n), exc)) from exc


def _save_bulk(bulk, pending: list[RowResult], actor, state) -> None:
    try:
        bulk(pending, actor=actor, state=state)
    except (ValidationError, DomainError) as exc:
        number = getattr(exc, "row_number", pending[0].number)
        raise CommitRefused(_problems_of(number, lambda n: "", exc)) from exc


def _header(ledger: Ledger, name: str) -> str:
    for column in ledger.columns:
        if column.name == name:
            return column.header.rstrip("*")
    return ""
