"""Bulk import through the edit form (the NetBox way): every row of a CSV or Excel file is
validated by the same form as the page, and saved by the same service — all rows or none."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views import View

from apps.core.errors import DomainError
from apps.core.excel import xlsx_response

MAX_IMPORT_ROWS = getattr(settings, "IMPORT_MAX_ROWS", 5000)


class ImportFileForm(forms.Form):
    file = forms.FileField(label="数据文件", help_text="Excel（.xlsx）或 CSV（UTF-8）文件，第一行为列名")

    def clean_file(self):
        f = self.cleaned_data["file"]
        name = f.name.lower()
        if not (name.endswith(".csv") or name.endswith(".xlsx")):
            raise forms.ValidationError("只支持 .xlsx 或 .csv 文件")
        if f.size > 20 * 1024 * 1024:
            raise forms.ValidationError("文件不能超过20MB")
        return f


@dataclass
class RowProblem:
    line: int
    messages: list[str]


def read_table(uploaded) -> list[dict[str, str]]:
    """Rows of an uploaded .csv/.xlsx as dicts keyed by the header row."""
    name = uploaded.name.lower()
    if name.endswith(".csv"):
        raw = uploaded.read()
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise ValidationError("无法识别文件编码，请另存为 UTF-8 编码的 CSV")
        return [dict(r) for r in csv.DictReader(io.StringIO(text))]
    from openpyxl import load_workbook

    try:
        wb = load_workbook(uploaded, read_only=True, data_only=True)
    except Exception as exc:
        raise ValidationError("无法读取 Excel 文件，请确认是 .xlsx 格式") from exc
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    try:
        header = [str(h).strip() if h is not None else "" for h in next(rows)]
    except StopIteration:
        return []
    out = []
    for values in rows:
        if values is None or all(v in (None, "") for v in values):
            continue
        out.append(
            {
                header[i]: ("" if v is None else str(v).strip())
                for i, v in enumerate(values)
                if i < len(header)
            }
        )
    return out


class ImportPage(View):
    """Subclasses set form_class (a form taking `user=`), title, permission, list_url_name and
    implement `save_row(form)` with one service call."""

    form_class: type[forms.BaseForm]
    title = ""
    permission = ""
    list_url_name = ""
    template_name = "core/import.html"
    example_rows: list[dict] = []

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            from django.contrib.auth.views import redirect_to_login

            return redirect_to_login(request.get_full_path())
        if self.permission and not request.user.has_perm(self.permission):
            raise PermissionDenied("您的角色无权批量导入。")
        return super().dispatch(request, *args, **kwargs)

    def columns(self) -> list[tuple[str, str]]:
        """(field name, Chinese header) of the form's fields, in order."""
        form = self.form_class(user=self.request.user)
        return [(name, str(field.label)) for name, field in form.fields.items()]

    def allowed_values(self) -> dict[str, list[str]]:
        """Field name → the values a cell of that column may hold, as the page shows them."""
        form = self.form_class(user=self.request.user)
        return {name: values for name, field in form.fields.items() if (values := allowed_labels(field))}

    def get(self, request, *args, **kwargs):
        if request.GET.get("template") == "xlsx":
            cols = self.columns()
            form = self.form_class(user=self.request.user)
            # The example row shows what the page shows: Chinese labels and 是/否.
            rows = [
                [display_value(form.fields[name], row.get(name, "")) for name, _ in cols]
                for row in self.example_rows
            ]
            return xlsx_response(
                f"{self.title}模板", [label for _, label in cols], rows, sheet_title="导入模板"
            )
        return self.render_page(ImportFileForm())

    def render_page(self, upload_form, problems=None, status=200):
        return render(
            self.request,
            self.template_name,
            {
                "title": self.title,
                "upload_form": upload_form,
                "problems": problems or [],
                "columns": self.columns(),
                "allowed": [(label, self.allowed_values().get(name)) for name, label in self.columns()],
                "list_url": reverse(self.list_url_name),
                "max_rows": MAX_IMPORT_ROWS,
            },
            status=status,
        )

    def post(self, request, *args, **kwargs):
        upload = ImportFileForm(request.POST, request.FILES)
        if not upload.is_valid():
            return self.render_page(upload, status=400)
        try:
            rows = read_table(upload.cleaned_data["file"])
        except ValidationError as exc:
            upload.add_error("file", exc.messages[0])
            return self.render_page(upload, status=400)
        if not rows:
            upload.add_error("file", "文件中没有数据行")
            return self.render_page(upload, status=400)
        if len(rows) > MAX_IMPORT_ROWS:
            upload.add_error(
                "file", f"一次最多导入 {MAX_IMPORT_ROWS} 行，本文件有 {len(rows)} 行，请拆分后导入"
            )
            return self.render_page(upload, status=400)
        count, problems = self.import_rows(rows)
        if problems:
            return self.render_page(upload, problems=problems, status=400)
        messages.success(request, f"已导入 {count} 条记录。")
        return HttpResponseRedirect(reverse(self.list_url_name))

    def import_rows(self, rows: list[dict]) -> tuple[int, list[RowProblem]]:
        cols = self.columns()
        by_label = {label: name for name, label in cols}
        names = {name for name, _ in cols}
        forms_ = []
        problems = []
        for line, row in enumerate(rows, start=2):
            data = {}
            for key, value in row.items():
                key = (key or "").strip().rstrip("*")
                name = by_label.get(key) or (key if key in names else None)
                if name:
                    data[name] = value
            probe = self.form_class(user=self.request.user)
            data, cell_problems = translate_row(probe, data)
            form = self.form_class(data, user=self.request.user)
            if cell_problems:
                # A cell that names no allowed value: say so, plus the other cells' own field
                # errors — not the model's cross-field checks, which would judge the row by a
                # default it never asked for (a misleading second error).
                problems.append(RowProblem(line, cell_problems + _field_messages(form, skip=cell_problems)))
            elif form.is_valid():
                forms_.append((line, form))
            else:
                problems.append(RowProblem(line, _form_messages(form)))
        if problems:
            return 0, problems
        try:
            with transaction.atomic():
                for line, form in forms_:
                    try:
                        self.save_row(form)
                    except ValidationError as exc:
                        problems.append(RowProblem(line, exc.messages))
                        raise
                    except DomainError as exc:
                        problems.append(RowProblem(line, [exc.message]))
                        raise
        except (ValidationError, DomainError):
            return 0, problems
        return len(forms_), []

    def save_row(self, form):
        raise NotImplementedError


TRUE_WORDS = {"是", "y", "yes", "true", "1", "√", "✓", "有"}
FALSE_WORDS = {"否", "n", "no", "false", "0", "×", "无", ""}


def allowed_labels(field) -> list[str]:
    """What a cell of this form field may say: the choices' Chinese labels, or 是/否."""
    if isinstance(field, forms.BooleanField):
        return ["是", "否"]
    if isinstance(field, forms.ModelChoiceField):
        return []
    if isinstance(field, forms.ChoiceField):
        return [str(label) for value, label in field.choices if value not in ("", None)]
    return []


def display_value(field, value) -> str:
    """The cell text for a stored value: its label for a choice, 是/否 for a boolean."""
    if value in ("", None):
        return ""
    if isinstance(field, forms.BooleanField):
        return "是" if str(value).strip().lower() in TRUE_WORDS else "否"
    if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
        for v, label in field.choices:
            if str(v) == str(value):
                return str(label)
    return str(value)


def translate_row(form, data: dict) -> tuple[dict, list[str]]:
    """Cells as the page shows them (Chinese labels, 是/否) → the values the form posts.

    Stored codes (market, fallback …) are still accepted. Returns the translated data and one
    message per cell that names no allowed value, naming the column and the allowed values."""
    out = dict(data)
    problems = []
    for name, raw in data.items():
        field = form.fields.get(name)
        if field is None:
            continue
        text = (raw or "").strip()
        label = str(field.label)
        if isinstance(field, forms.BooleanField):
            word = text.lower()
            if word in TRUE_WORDS:
                out[name] = "on"
            elif word in FALSE_WORDS:
                out.pop(name)  # an unchecked box posts nothing
            else:
                problems.append(f"{label}：“{text}”无法识别，请填“是”或“否”")
        elif isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
            if not text:
                continue
            choices = [(str(v), str(lbl)) for v, lbl in field.choices if v not in ("", None)]
            match = next((v for v, lbl in choices if text in (v, lbl)), None)
            if match is None:
                allowed = "、".join(lbl for _, lbl in choices)
                problems.append(f"{label}：“{text}”不是可选值，可填：{allowed}")
            else:
                out[name] = match
    return out, problems


def _label_of(form, name) -> str:
    return str(form.fields[name].label) if name in form.fields else ""


def _message(form, name, error) -> str:
    label = _label_of(form, name)
    field = form.fields.get(name)
    if isinstance(field, forms.ModelChoiceField) and getattr(error, "code", "") == "invalid_choice":
        value = (form.data.get(name) or "").strip()
        error_text = f"找不到“{value}”，或不在您的管辖范围内"
    else:
        error_text = " ".join(error.messages) if hasattr(error, "messages") else str(error)
    return f"{label}：{error_text}" if label else error_text


def _form_messages(form) -> list[str]:
    """The form's errors, except that a cell failing its own field check reports only that:
    the model's cross-field checks would otherwise add a second, misleading message."""
    own = _field_errors(form)
    out = []
    for name, errors in form.errors.as_data().items():
        if name in own:
            out.extend(own.pop(name))
        else:
            out.extend(_message(form, name, e) for e in errors)
    for messages_ in own.values():
        out.extend(messages_)
    return out


def _field_messages(form, *, skip: list[str]) -> list[str]:
    skipped = {m.split("：", 1)[0] for m in skip}
    return [m for name, ms in _field_errors(form).items() if _label_of(form, name) not in skipped for m in ms]


def _field_errors(form) -> dict[str, list[str]]:
    """Each field's own validation (required, format, choice, clean_<field>) without the
    model's clean()."""
    out: dict[str, list[str]] = {}
    for name, field in form.fields.items():
        raw = field.widget.value_from_datadict(form.data, form.files, form.add_prefix(name))
        try:
            value = field.clean(raw)
            if (clean := getattr(form, f"clean_{name}", None)) is not None:
                saved = getattr(form, "cleaned_data", None)
                form.cleaned_data = {**(saved or {}), name: value}
                try:
                    clean()
                finally:
                    if saved is not None:
                        form.cleaned_data = saved
        except ValidationError as exc:
            out[name] = [_message(form, name, e) for e in exc.error_list]
    return out
