"""Audit helpers: snapshots of model rows, diffs and the Chinese names of audit verbs."""

from __future__ import annotations

import datetime
import decimal
import uuid

from django.db import models

# Last part of a verb ("compound.create" -> "create") to its Chinese label. Apps add their own
# workflow verbs with register_verbs() in their AppConfig.ready().
VERB_LABELS: dict[str, str] = {
    "create": "新建",
    "update": "修改",
    "delete": "删除",
    "import": "批量导入",
    "view_pii": "查看个人信息（未脱敏）",
    "login": "登录",
}


def register_verbs(labels: dict[str, str]) -> None:
    VERB_LABELS.update(labels)


def verb_label(verb: str) -> str:
    return VERB_LABELS.get(verb.rsplit(".", 1)[-1], verb)


def json_value(value):
    """A JSON-safe form of a field value for the audit log."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, list | tuple | set):
        return [json_value(v) for v in value]
    if hasattr(value, "name"):  # FieldFile
        return value.name or None
    return str(value)


# Fields never copied into the audit log (secrets, or noise).
SKIPPED_FIELDS = {"password", "id_hash", "key_hash", "created_at", "updated_at", "last_login"}


def snapshot(obj: models.Model) -> dict:
    """Concrete field values of a row, keyed by field name (FKs by their id)."""
    data = {}
    for field in obj._meta.concrete_fields:
        if field.name in SKIPPED_FIELDS:
            continue
        value = getattr(obj, field.attname)
        if isinstance(field, models.DecimalField) and value is not None:
            # 36000 and 36000.00 are the same stored value: compare at the field's precision.
            try:
                value = decimal.Decimal(value).quantize(decimal.Decimal(1).scaleb(-field.decimal_places))
            except (decimal.InvalidOperation, TypeError, ValueError):
                pass
        data[field.name] = json_value(value)
    return data


def diff(before: dict, after: dict) -> dict:
    """{field: [before, after]} for the fields whose value changed."""
    changed = {}
    for key in sorted(set(before) | set(after)):
        if before.get(key) != after.get(key):
            changed[key] = [before.get(key), after.get(key)]
    return changed


def field_label(model: type[models.Model], name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:
        return name
