"""One row by primary key, read by a written-out query: for the reads every busy request makes
(the signed-in user, the compound of a whistle), where building the query with the ORM cost more
CPU than running it. Same instance as `Model.objects.get(pk=...)`: every concrete column, the
ORM's converters applied (e.g. SQLite's datetimes made aware), `_state` as loaded."""

from __future__ import annotations

import functools

from django.core.exceptions import ValidationError
from django.db import connections, models, transaction


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


@functools.cache
def _inserter(model: type[models.Model], alias: str) -> tuple[str, list, list]:
    conn = connections[alias]
    q = conn.ops.quote_name
    meta = model._meta
    fields = [f for f in meta.local_concrete_fields if f is not meta.auto_field and not f.generated]
    returning = list(meta.db_returning_fields)
    sql = (
        f"INSERT INTO {q(meta.db_table)} ({', '.join(q(f.column) for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    if returning and conn.features.can_return_columns_from_insert:
        sql += " RETURNING " + ", ".join(q(f.column) for f in returning)
    converters = []
    for field in returning:
        col = field.get_col(meta.db_table)
        converters.append((col, conn.ops.get_db_converters(col) + col.get_db_converters(conn)))
    return sql, fields, converters


def insert_row(obj: models.Model, *, using: str = "default") -> None:
    """INSERT a new instance as `obj.save()` would (related rows checked, `pre_save` of each field
    — auto_now_add and the like —, values prepared by each field for the database, the primary
    key and other returned columns set, `_state` marked saved), without building the query each
    time. For the busiest inserts: a whistle's order and every audit event. The project sends no
    model signals. Falls back to `save()` for what it does not cover (inherited models, database
    expressions as values)."""
    model = type(obj)
    meta = model._meta
    if meta.parents or not obj._state.adding or obj.pk is not None:
        obj.save(using=using)
        return
    sql, fields, converters = _inserter(model, using)
    obj._prepare_related_fields_for_save(operation_name="save")
    conn = connections[using]
    params = []
    for field in fields:
        value = field.pre_save(obj, True)
        if hasattr(value, "resolve_expression"):
            obj.save(using=using)
            return
        params.append(field.get_db_prep_save(value, connection=conn))
    with transaction.mark_for_rollback_on_error(using), conn.cursor() as cursor:
        cursor.execute(sql, params)
        if converters and conn.features.can_return_columns_from_insert:
            returned = cursor.fetchone()
        else:
            returned = [conn.ops.last_insert_id(cursor, meta.db_table, meta.pk.column)]
            converters = converters[:1]
    for value, (col, funcs) in zip(returned, converters, strict=True):
        for convert in funcs:
            value = convert(value, col, conn)
        setattr(obj, col.target.attname, value)
    obj._state.adding = False
    obj._state.db = using
