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

    def get(self, request, *args, **kwargs):
        if request.GET.get("template") == "xlsx":
            cols = self.columns()
            rows = [[row.get(name, "") for name, _ in cols] for row in self.example_rows]
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
            form = self.form_class(data, user=self.request.user)
            if form.is_valid():
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


def _form_messages(form) -> list[str]:
    out = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        for e in errors:
            out.append(f"{label}：{e}" if label else e)
    return out
