"""One row by primary key, read by a written-out query: for the reads every busy request makes
(the signed-in user, the compound of a whistle), where building the query with the ORM cost more
CPU than running it. Same instance as `Model.objects.get(pk=...)`: every concrete column, the
ORM's converters applied (e.g. SQLite's datetimes made aware), `_state` as loaded."""

from __future__ import annotations

import functools

from django.core.exceptions import ValidationError
from django.db import connections, models


@functools.cache
def _reader(model: type[models.Model], alias: str) -> tuple[str, list[str], list]:
    conn = connections[alias]
    q = conn.ops.quote_name
    fields = model._meta.concrete_fields
    sql = (
        f"SELECT {', '.join(q(f.column) for f in fields)} FROM {q(model._meta.db_table)} "
        f"WHERE {q(model._meta.pk.column)} = %s"
    )
    converters = []
    for field in fields:
        col = field.get_col(model._meta.db_table)
        converters.append((col, conn.ops.get_db_converters(col) + col.get_db_converters(conn)))
    return sql, [f.attname for f in fields], converters


def row_by_pk(model: type[models.Model], pk, *, using: str = "default"):
    """The row of `model` with this primary key, or None (also for a key of the wrong shape)."""
    try:
        pk = model._meta.pk.to_python(pk)
    except ValidationError:
        return None
    if pk is None:
        return None
    sql, names, converters = _reader(model, using)
    conn = connections[using]
    with conn.cursor() as cursor:
        cursor.execute(sql, [pk])
        row = cursor.fetchone()
    if row is None:
        return None
    values = []
    for value, (col, funcs) in zip(row, converters, strict=True):
        for convert in funcs:
            value = convert(value, col, conn)
        values.append(value)
    return model.from_db(using, names, values)
