"""Ledger imports, declared once per ledger (the NetBox way): each row of an uploaded workbook is
validated by the page's own form and saved by the page's own service, all rows or none.

Core only holds the declaration and the cell language (Chinese labels, 是/否, dates); the upload,
the background validation, the preview and the commit live in apps/imports, which finds every
app's ledgers through `Contribution.imports` ("module:attribute" of a `Ledger`).

    class CompanyLedger(Ledger):
        name = "companies"
        title = "物业服务企业"
        form_class = CompanyForm
        columns = (Column("name", "企业名称", required=True), Column("credit_code", "统一社会信用代码", ...))
        key_columns = ("credit_code",)

        def lookup(self, key, *, user): ...            # the existing row of this natural key
        def save(self, form, *, instance, actor): ...  # one service call

A ledger of one model saved by the page's `<noun>_create` / `<noun>_update` pair declares them
instead (`ServiceLedger`): `create`, `update`, `selector` and `lookup_by`.
"""

from __future__ import annotations

import copy
import datetime
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms

IMPORT_RECORDS = "registry.import_records"  # the platform's bulk-import right, needed by every ledger
TRUE_WORDS = {"是", "y", "yes", "true", "1", "√", "✓", "有"}
FALSE_WORDS = {"否", "n", "no", "false", "0", "×", "无", ""}


@dataclass(frozen=True)
class Column:
    """One column of a ledger's workbook: the form field it fills and its Chinese header."""

    name: str  # the form field
    header: str  # the header in the template (a trailing * marks a required column)
    required: bool = False
    text: bool = False  # codes and numbers kept as text (ID numbers, credit codes, phones)
    date: bool = False  # accepts 2024-05-01, 2024/5/1, 2024年5月1日 and date cells
    note: str = ""  # a line of the 说明 sheet
    width: int = 16


@dataclass(frozen=True)
class FileProblem:
    """A problem that only the whole file shows (a rule over several rows), reported on a row."""

    row: int
    message: str  # Chinese, naming the record and the rule
    column: str = ""  # the column's name (the preview shows its header); "" for the whole row


class Ledger:
    """A ledger that can be imported: its form, natural key, service call and columns."""

    name = ""  # URL slug, unique across apps
    title = ""  # Chinese, e.g. "物业服务企业"
    permissions: tuple[str, ...] = (IMPORT_RECORDS,)
    list_url_name = ""
    form_class: type[forms.BaseForm] | None = None
    columns: tuple[Column, ...] = ()
    key_columns: tuple[str, ...] = ()  # column names that identify a row (the natural key)
    sample: dict[str, str] = {}  # column name → cell text as the page shows it
    notes: tuple[str, ...] = ()
    order = 100
    bulk_size = 2000  # rows handed at once to `bulk_save` when a ledger defines one

    # -------------------------------------------------------------- override per ledger
    def prepare(self, user):
        """Per-run state (caches of a file's lookups) handed to `lookup`, `form` and `bulk_save`."""
        return None

    def form(self, data: dict, *, user, instance=None, state=None):
        return self.form_class(data, user=user, instance=instance)

    def initial(self, instance, *, user, state=None) -> dict:
        """The values the page's unbound form starts from for `instance` (None: a new object),
        for the columns a file leaves out: by default that form's own `initial`. A ledger that
        can say them without building a second form per row says them (units: 200,000 rows)."""
        return self.form(None, user=user, instance=instance, state=state).initial

    def natural_key(self, data: dict) -> tuple | None:
        """The row's natural key, None while a part of it is missing (the form then says which)."""
        key = tuple((data.get(c) or "").strip().upper() for c in self.key_columns)
        return key if all(key) else None

    def lookup(self, key: tuple, *, user, state=None):
        """The existing object with this natural key inside the user's scope, or None."""
        raise NotImplementedError

    def row_checked(self, number: int, key: tuple | None, form, *, state) -> None:
        """Called after each row is validated, in the preview and again at commit: `key` is the
        row's natural key, `form` its valid form (None when the row has problems). Remember in
        `state` what `file_problems` needs — little per row: a file may hold 300,000 rows."""

    def file_problems(self, *, state) -> list[FileProblem]:
        """The whole file's checks, once every row is read (e.g. a new committee's roster size):
        the preview lists them with the rows' problems; at commit they refuse the file (nothing
        written). Default: none."""
        return []

    def save(self, form, *, instance, actor):
        """Create (instance None) or update through the ledger's service."""
        raise NotImplementedError

    def snapshot(self, instance) -> dict:
        """The existing object's values before the form touches it (a ModelForm writes the
        submitted values onto its instance while validating)."""
        return {f.name: plain_value(getattr(instance, f.attname)) for f in instance._meta.concrete_fields}

    def unchanged(self, form, before: dict) -> bool:
        """Whether the row would change nothing on the existing object (`before`: snapshot)."""
        names = {c.name for c in self.columns}
        for name, value in form.cleaned_data.items():
            if name in names and name in before and before[name] != plain_value(value):
                return False
        return True

    def sample_row(self, user) -> dict[str, str]:
        """The template's example row (what the page shows: labels, 是/否)."""
        return dict(self.sample)

    def can_import(self, user) -> bool:
        return user.is_authenticated and all(user.has_perm(p) for p in self.permissions)

    # -------------------------------------------------------------- derived
    def header_map(self) -> dict[str, Column]:
        return {normalize_header(c.header): c for c in self.columns}


class ServiceLedger(Ledger):
    """A ledger of one model, found by its natural key through the app's scoped selector and
    saved by the page's pair of services. A ledger declares them instead of `lookup` and `save`:

        create = services.company_create        # create(*, actor, data)
        update = services.company_update        # <noun>_update(*, <noun>=instance, actor, data)
        selector = selectors.company_list_for   # selector(*, user): the user's scope
        lookup_by = {"credit_code": "credit_code"}  # key column → the selector's filter
    """

    create: Callable[..., Any]
    update: Callable[..., Any]
    selector: Callable[..., Any]
    lookup_by: dict[str, str] = {}  # also sets `key_columns` (its keys, in this order)
    lookup_order: tuple[str, ...] = ()  # which row when several share the key (default: the model's order)
    key_upper = False  # the key compared in upper case (codes with letters, e.g. a credit code)
    instance_arg = ""  # the update service's keyword for the object: <noun> of `<noun>_update`

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        for name in ("create", "update", "selector"):
            value = cls.__dict__.get(name)
            if value is not None and not isinstance(value, staticmethod):
                setattr(cls, name, staticmethod(value))  # a service function, not a method of the ledger
        if "lookup_by" in cls.__dict__:
            cls.key_columns = tuple(cls.lookup_by)
        if "update" in cls.__dict__ and "instance_arg" not in cls.__dict__:
            service = cls.__dict__["update"].__func__.__name__
            if not service.endswith("_update"):
                raise TypeError(f"{cls.__name__}: name the update service's keyword (instance_arg)")
            cls.instance_arg = service.removesuffix("_update")

    def natural_key(self, data: dict) -> tuple | None:
        key = tuple((data.get(c) or "").strip() for c in self.key_columns)
        if self.key_upper:
            key = tuple(part.upper() for part in key)
        return key if all(key) else None

    def lookup(self, key: tuple, *, user, state=None):
        found = self.selector(user=user).filter(**dict(zip(self.lookup_by.values(), key, strict=True)))
        if self.lookup_order:
            found = found.order_by(*self.lookup_order)
        return found.first()

    def save(self, form, *, instance, actor):
        if instance is None:
            return self.create(actor=actor, data=form.cleaned_data)
        return self.update(**{self.instance_arg: instance}, actor=actor, data=form.cleaned_data)


class MobileCellField(forms.CharField):
    """A phone cell as the owners' ledger takes it (OwnerForm.clean_phone): spaces, dashes and
    +86 allowed in the cell, the 11 digits stored."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, value):
        from apps.core.validators import check_mobile, normalize_mobile

        value = normalize_mobile(super().clean(value) or "")
        if value and (message := check_mobile(value)):
            raise forms.ValidationError(message, code="mobile")
        return value


LIST_SEPARATORS = re.compile(r"[、,，;；\s]+")


class CodeListField(forms.ModelMultipleChoiceField):
    """Several records named in one cell by their codes (`to_field_name`), separated by 、，；
    or spaces; an empty cell names none."""

    def clean(self, value):
        if isinstance(value, str):
            value = [v for v in LIST_SEPARATORS.split(value.strip()) if v]
        return super().clean(value)


def not_found(text: str) -> str:
    """A row naming a record (by its code or name) that is not there or outside the user's region,
    as the page's scoped choice would refuse it."""
    return f"找不到“{text}”，或不在您的管辖范围内"


@functools.cache
def page_fields(form_class) -> dict:
    """A page form's fields, built once, for a composite row's form to copy (`copy.deepcopy`) —
    only fields whose choices are not scoped to the user."""
    return form_class(user=None).fields


def detached_copy(obj):
    """A copy of a model instance for a ModelForm to write on while validating, so that the
    service still sees the stored values (and records what changed)."""
    if obj is None or not hasattr(obj, "_state"):
        return obj  # nothing, or a ledger's own composite (it copies its parts itself)
    clone = copy.copy(obj)
    clone._state = copy.copy(obj._state)
    clone._state.fields_cache = dict(obj._state.fields_cache)
    return clone


def plain_value(value):
    """A value as two snapshots compare it: a related object by its pk, blank as None."""
    if hasattr(value, "pk"):
        return value.pk
    if value in (None, ""):
        return None
    return value


def normalize_header(text) -> str:
    return re.sub(r"\s+", "", str(text or "")).rstrip("*＊").strip()


def allowed_labels(field) -> list[str]:
    """What a cell of this form field may say: the choices' Chinese labels, or 是/否."""
    if isinstance(field, forms.BooleanField):
        return ["是", "否"]
    if isinstance(field, forms.ModelChoiceField):
        return []
    if isinstance(field, forms.ChoiceField):
        return [str(label) for value, label in field.choices if value not in ("", None)]
    return []


_DATE_RES = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
)
DATE_HINT = "请填写如 2024-05-01、2024/5/1 或 2024年5月1日"


def parse_date_text(text: str) -> datetime.date | None:
    """2024-05-01, 2024/5/1, 2024.5.1, 2024年5月1日 → a date (None when it is none of these)."""
    text = (text or "").strip()
    for pattern in _DATE_RES:
        if m := pattern.match(text):
            try:
                return datetime.date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                return None
    return None


def translate_cell(field, text: str) -> tuple[str | None, str | None]:
    """A cell as the page shows it (Chinese label, 是/否) → the value the form posts.

    Returns (value, problem); value None means the field posts nothing (an unchecked box).
    Stored codes (market, fallback …) are still accepted."""
    text = (text or "").strip()
    if isinstance(field, forms.BooleanField):
        word = text.lower()
        if word in TRUE_WORDS:
            return "on", None
        if word in FALSE_WORDS:
            return None, None
        return None, f"“{text}”无法识别，请填“是”或“否”"
    if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
        if not text:
            return "", None
        choices = [(str(v), str(lbl)) for v, lbl in field.choices if v not in ("", None)]
        match = next((v for v, lbl in choices if text in (v, lbl)), None)
        if match is None:
            allowed = "、".join(lbl for _, lbl in choices)
            return None, f"“{text}”不是可选值，可填：{allowed}"
        return match, None
    return text, None


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
