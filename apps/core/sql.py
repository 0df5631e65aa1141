"""The hand-written SQL of the hot paths, in one module, with one idiom.

Every busy request and every work-order event runs a few statements whose building by the ORM
cost more CPU than running them (measured: docs/benchmarks.md). They are written out here, and
only here; the apps call these functions and never write SQL text of their own.

The idiom, for every function:
- connection: the alias `using` (keyword, default "default"; the session store passes its
  router's choice), `connections[using]`, names quoted by that connection's `quote_name`;
- statement caching: the text is built once per process and alias, from the models' `_meta`,
  by `statement(key, using, build)`; only the parameters change between calls;
- parameters as the database takes them: values prepared by the fields where the caller hands
  model values (`insert_row`, the constant columns of `insert_values`), else given adapted;
- each function is tested equal to what the ORM reads or writes (apps/core/tests/test_sql.py).

The fast writes (`insert_row`, `insert_values`, `upsert_add_sql`, `count_one`) bypass `Model.save()` and the
model signals. The models they write are marked `@written_fast`; the system check
`core.E001`/`core.E002` (apps/core/checks.py) refuses a `save()` override or a pre/post_save
receiver on any of them, so that the fast path can never silently skip one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction

_statements: dict[tuple, Any] = {}
_written_fast: list[type[models.Model]] = []


def statement(key: tuple, using: str, build: Callable[..., Any], *args) -> Any:
    """The statement (or statement parts) of `key` on the connection `using`: `build(connection,
    *args)` on first use in this process, the remembered result after that."""
    hit = _statements.get((key, using))
    if hit is None:
        hit = _statements[(key, using)] = build(connections[using], *args)
    return hit


def written_fast(model: type[models.Model]) -> type[models.Model]:
    """Class decorator: the model's rows are written by the functions of this module (no save(),
    no signals). Checked by apps/core/checks.py."""
    if model not in _written_fast:
        _written_fast.append(model)
    return model


def written_fast_models() -> list[type[models.Model]]:
    return list(_written_fast)


def _converters(conn, fields, table: str) -> list:
    out = []
    for field in fields:
        col = field.get_col(table)
        out.append((col, conn.ops.get_db_converters(col) + col.get_db_converters(conn)))
    return out


def _convert(conn, row, converters) -> list:
    values = []
    for value, (col, funcs) in zip(row, converters, strict=True):
        for convert in funcs:
            value = convert(value, col, conn)
        values.append(value)
    return values


# ------------------------------------------------------------------ one row by primary key
def _reader(conn, model: type[models.Model]) -> tuple[str, list[str], list]:
    q = conn.ops.quote_name
    fields = model._meta.concrete_fields
    sql = (
        f"SELECT {', '.join(q(f.column) for f in fields)} FROM {q(model._meta.db_table)} "
        f"WHERE {q(model._meta.pk.column)} = %s"
    )
    return sql, [f.attname for f in fields], _converters(conn, fields, model._meta.db_table)


def row_by_pk(model: type[models.Model], pk, *, using: str = DEFAULT_DB_ALIAS):
    """The row of `model` with this primary key, or None (also for a key of the wrong shape): for
    the reads every busy request makes (the signed-in user, the compound of a whistle). The same
    instance as `Model.objects.get(pk=...)`: every concrete column, the ORM's converters applied
    (e.g. SQLite's datetimes made aware), `_state` as loaded."""
    try:
        pk = model._meta.pk.to_python(pk)
    except ValidationError:
        return None
    if pk is None:
        return None
    sql, names, converters = statement(("row_by_pk", model), using, _reader, model)
    conn = connections[using]
    with conn.cursor() as cursor:
        cursor.execute(sql, [pk])
        row = cursor.fetchone()
    if row is None:
        return None
    return model.from_db(using, names, _convert(conn, row, converters))


def row_exists(model: type[models.Model], field: str, value, *, using: str = DEFAULT_DB_ALIAS) -> bool:
    """Whether a row of `model` has `field` = `value`: the query a ForeignKey's validation makes
    (`_base_manager.filter(field=value).exists()`) without building it for every row that
    full_clean() validates (apps/core/fastclean.py). `value` as the field's to_python gives it."""
    target = model._meta.get_field(field)

    def build(conn) -> str:
        q = conn.ops.quote_name
        return f"SELECT 1 FROM {q(model._meta.db_table)} WHERE {q(target.column)} = %s LIMIT 1"

    conn = connections[using]
    sql = statement(("row_exists", model, field), using, build)
    with conn.cursor() as cursor:
        cursor.execute(sql, [target.get_db_prep_value(value, conn, prepared=False)])
        return cursor.fetchone() is not None


# ------------------------------------------------------------------ one new row
def _inserter(conn, model: type[models.Model]) -> tuple[str, list, list]:
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
    return sql, fields, _converters(conn, returning, meta.db_table)


def insert_row(obj: models.Model, *, using: str = DEFAULT_DB_ALIAS) -> None:
    """INSERT a new instance as `obj.save()` would (related rows checked, `pre_save` of each field
    — auto_now_add and the like —, values prepared by each field for the database, the primary
    key and other returned columns set, `_state` marked saved), without building the query each
    time. For the busiest inserts: a whistle's order and every audit event (models marked
    `@written_fast`: no save() override, no pre/post_save receiver, by the system check). Falls
    back to `save()` for what it does not cover (inherited models, database expressions as
    values)."""
    model = type(obj)
    meta = model._meta
    if meta.parents or not obj._state.adding or obj.pk is not None:
        obj.save(using=using)
        return
    sql, fields, converters = statement(("insert_row", model), using, _inserter, model)
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
    for value, (col, _funcs) in zip(_convert(conn, returned, converters), converters, strict=True):
        setattr(obj, col.target.attname, value)
    obj._state.adding = False
    obj._state.db = using


# ------------------------------------------------------------------ one row moved if it is as seen
def _updater(conn, model: type[models.Model], names: tuple[str, ...], field: str, expected: int) -> str:
    q = conn.ops.quote_name
    meta = model._meta
    sets = ", ".join(f"{q(meta.get_field(n).column)} = %s" for n in names)
    return (
        f"UPDATE {q(meta.db_table)} SET {sets} WHERE {q(meta.pk.column)} = %s "
        f"AND {q(meta.get_field(field).column)} IN ({', '.join(['%s'] * expected)})"
    )


def update_if(
    model: type[models.Model],
    *,
    pk,
    field: str,
    expected: Sequence,
    values: dict[str, Any],
    using: str = DEFAULT_DB_ALIAS,
) -> int:
    """`filter(pk=pk, **{f"{field}__in": expected}).update(**values)` and its count of rows: the
    compare-and-set of every status change (`apps.core.services.compare_and_set`; a work order's
    transitions set a dozen columns), without building the UPDATE each time. Values prepared by
    their fields as `update()` prepares them (a related instance by its key, None as NULL, no
    `pre_save`: auto_now is not applied, as by `update()`); `expected` without None and duplicates,
    as `__in` reads it. Falls back to the ORM for what it does not cover (expressions as values,
    fields of a parent model or not concrete, a default manager of its own)."""
    meta = model._meta
    fields = [meta.get_field(name) for name in values]
    manager = model._default_manager
    plain = (
        type(manager).get_queryset is models.manager.BaseManager.get_queryset
        and all(
            f.concrete
            and not f.many_to_many
            and f.model is meta.concrete_model
            and not hasattr(f, "get_placeholder")
            for f in fields
        )
        and not any(hasattr(v, "resolve_expression") for v in values.values())
    )
    if not plain:
        return manager.using(using).filter(pk=pk, **{f"{field}__in": list(expected)}).update(**values)
    seen = list(dict.fromkeys(v for v in expected if v is not None))
    if not seen:
        return 0  # `__in` an empty list matches nothing: the ORM sends no query either
    conn = connections[using]
    params = []
    for f, value in zip(fields, values.values(), strict=True):
        if hasattr(value, "prepare_database_save"):
            if not f.remote_field:
                raise TypeError(f"Tried to update field {f} with a model instance, {value!r}.")
            value = value.prepare_database_save(f)
        params.append(f.get_db_prep_save(value, connection=conn))
    params.append(meta.pk.get_db_prep_value(pk, conn, prepared=False))
    target = meta.get_field(field)
    params += [target.get_db_prep_value(v, conn, prepared=False) for v in seen]
    sql = statement(
        ("update_if", model, tuple(values), field, len(seen)),
        using,
        _updater,
        model,
        tuple(values),
        field,
        len(seen),
    )
    with transaction.mark_for_rollback_on_error(using), conn.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


# ------------------------------------------------------------------ many new rows of plain values
INSERT_BATCH = 500


def insert_values(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Sequence[tuple],
    *,
    same: dict[str, Any] | None = None,
    using: str = DEFAULT_DB_ALIAS,
    batch: int = INSERT_BATCH,
) -> None:
    """INSERT `rows` (values of `columns`, field attnames, as the database takes them) in
    statements of up to `batch` rows, each row followed by the `same` columns' values (model
    values, prepared once by their fields): the inbox rows of a work-order event, where
    bulk_create built a model per row and cost more CPU than the statement. No primary keys are
    read back."""
    if not rows:
        return
    same = same or {}
    meta = model._meta
    conn = connections[using]
    constants = [
        meta.get_field(name).get_db_prep_save(value, connection=conn) for name, value in same.items()
    ]
    names = (*columns, *same)

    def build(conn) -> tuple[str, str]:
        q = conn.ops.quote_name
        cols = ", ".join(q(meta.get_field(n).column) for n in names)
        return f"INSERT INTO {q(meta.db_table)} ({cols}) VALUES ", "(" + ", ".join(["%s"] * len(names)) + ")"

    if conn.vendor == "postgresql":
        # One array per column (unnest): a statement of any number of rows takes len(names)
        # parameters. As thousands of placeholders, its text was split by psycopg for every
        # statement (it caches only short ones): ~9 % of a units import's commit, 3,000 audit
        # events per chunk (docs/benchmarks.md, "Ledger imports").
        def build_unnest(conn) -> str:
            q = conn.ops.quote_name
            fields = [meta.get_field(n) for n in names]
            cols = ", ".join(q(f.column) for f in fields)
            consts = "".join(f", CAST(%s AS {f.db_type(conn)})" for f in fields[len(columns) :])
            arrays = ", ".join(f"CAST(%s AS {f.db_type(conn)}[])" for f in fields[: len(columns)])
            return f"INSERT INTO {q(meta.db_table)} ({cols}) SELECT u.*{consts} FROM unnest({arrays}) AS u"

        sql = statement(("insert_values_unnest", model, names), using, build_unnest)
        with conn.cursor() as cursor:
            for start in range(0, len(rows), batch):
                chunk = rows[start : start + batch]
                cursor.execute(sql, [*constants, *(list(column) for column in zip(*chunk, strict=True))])
        return

    head, one = statement(("insert_values", model, names), using, build)
    with conn.cursor() as cursor:
        for start in range(0, len(rows), batch):
            chunk = rows[start : start + batch]
            cursor.execute(
                head + ", ".join([one] * len(chunk)), [v for row in chunk for v in (*row, *constants)]
            )


# ------------------------------------------------------------------ counters added to
def upsert_add_sql(
    model: type[models.Model],
    keys: tuple[str, ...],
    counters: tuple[str, ...],
    rows: int,
    *,
    using: str = DEFAULT_DB_ALIAS,
) -> str:
    """`INSERT ... VALUES (keys..., counters...) × rows ON CONFLICT (keys) DO UPDATE SET c = c +
    excluded.c` (PostgreSQL and SQLite): adds the counts to the cells, creating missing ones, as
    `update(c=F("c") + n)` or `create(...)` would, in one statement. Built once per shape (every
    work-order event writes a few). The parameters: per row its keys then its counters."""

    def build(conn) -> str:
        q = conn.ops.quote_name
        table = q(model._meta.db_table)
        all_cols = [*keys, *counters]
        row_sql = "(" + ", ".join(["%s"] * len(all_cols)) + ")"
        sets = ", ".join(f"{q(c)} = {table}.{q(c)} + excluded.{q(c)}" for c in counters)
        columns = ", ".join(q(c) for c in all_cols)
        values = ", ".join([row_sql] * rows)
        conflict = ", ".join(q(c) for c in keys)
        return (
            f"INSERT INTO {table} ({columns}) VALUES {values} ON CONFLICT ({conflict}) DO UPDATE SET {sets}"
        )

    return statement(("upsert_add", model, keys, counters, rows), using, build)


def count_one(
    model: type[models.Model],
    *,
    key_field: str,
    key: Any,
    counter: str,
    on_insert: dict[str, Any],
    using: str = DEFAULT_DB_ALIAS,
) -> int:
    """Add 1 to `counter` of the row whose unique `key_field` is `key`, creating the row (counter
    1, the `on_insert` values) when it is missing, and return the new count — as
    `update(counter=F(counter) + 1)` or else `create(...)` would, read back in the same statement:
    `INSERT ... ON CONFLICT (key) DO UPDATE SET counter = counter + 1 RETURNING counter`, one
    statement and one round trip, exact under concurrency (the conflict locks the row).

    Outside a transaction (autocommit) the statement is its own transaction, and on PostgreSQL it
    commits without waiting for the WAL flush (`synchronous_commit` off for this one transaction,
    set inside the statement, so still one round trip and safe behind a transaction-mode pooler).
    Every connection sees the new count at once, as before; what changes is that the row's lock
    is no longer held through a disk flush (~5 ms here), which serialised the calls of one API
    client at ~200 counts/s (docs/benchmarks.md, issue 12). The price: a database crash can lose
    the counts of its last moments (at most 3 × wal_writer_delay, 0.6 s by default) unless a later
    synchronous commit flushed them — and any write the same request makes after counting (a
    whistle's own transaction) does. Inside a caller's transaction the plain statement joins it
    and the caller's commit decides; the caller's `synchronous_commit` is never touched."""
    conn = connections[using]
    asynchronous = conn.vendor == "postgresql" and not conn.in_atomic_block

    def build(conn, asynchronous: bool) -> str:
        q = conn.ops.quote_name
        meta = model._meta
        table = q(meta.db_table)
        fields = [meta.get_field(name) for name in (key_field, *on_insert)]
        count_col = q(meta.get_field(counter).column)
        columns = ", ".join(q(f.column) for f in [fields[0], meta.get_field(counter), *fields[1:]])
        if asynchronous:
            # INSERT ... SELECT: typed parameters (a SELECT list does not take the columns' types)
            # and the one-time filter that switches this transaction's commit to asynchronous.
            values = [f"CAST(%s AS {f.db_type(conn)})" for f in fields]
            source = (
                f"SELECT {', '.join([values[0], '1', *values[1:]])} "
                "WHERE set_config('synchronous_commit', 'off', true) IS NOT NULL"
            )
        else:
            source = f"VALUES ({', '.join(['%s', '1', *['%s'] * (len(fields) - 1)])})"
        return (
            f"INSERT INTO {table} ({columns}) {source} ON CONFLICT ({q(fields[0].column)}) "
            f"DO UPDATE SET {count_col} = {table}.{count_col} + 1 RETURNING {count_col}"
        )

    sql = statement(
        ("count_one", model, key_field, counter, tuple(on_insert), asynchronous), using, build, asynchronous
    )
    params = [key]
    for name, value in on_insert.items():
        params.append(model._meta.get_field(name).get_db_prep_save(value, conn))
    with conn.cursor() as cursor:
        cursor.execute(sql, params)
        return int(cursor.fetchone()[0])


def execute_in_order(
    statements: Sequence[tuple[str, list]], *, together: bool = False, using: str = DEFAULT_DB_ALIAS
) -> None:
    """Run the statements one after the other. `together` on PostgreSQL sends them as one
    statement (one round trip): each a data-modifying WITH query, read by the final SELECT from
    left to right, so they still run in the order given (a fixed lock order). One statement, not
    several joined by ";": with server-side binding (prepared statements) a statement holds one
    command only."""
    if not statements:
        return
    conn = connections[using]
    with conn.cursor() as cursor:
        if together and len(statements) > 1 and conn.vendor == "postgresql":
            parts = ", ".join(f"u{i} AS ({sql} RETURNING 1)" for i, (sql, _) in enumerate(statements))
            reads = ", ".join(f"(SELECT count(*) FROM u{i})" for i in range(len(statements)))
            cursor.execute(f"WITH {parts} SELECT {reads}", [p for _, params in statements for p in params])
            return
        for sql, params in statements:
            cursor.execute(sql, params)


# ------------------------------------------------------------------ rows matching equalities
def rows_where(
    model: type[models.Model],
    columns: Sequence[str],
    *,
    equal: dict[str, Any],
    greater: dict[str, Any] | None = None,
    order_by: Sequence[str] = (),
    using: str = DEFAULT_DB_ALIAS,
) -> list[tuple]:
    """The `columns` (attnames) of the rows whose `equal` fields equal and `greater` fields
    exceed the given values (as the database takes them), in `order_by` order: `filter(**equal,
    **{f"{k}__gt": v}).order_by(*order_by).values_list(*columns)`, for the reads of every
    request (the session) and of every work-order event (the desk officials)."""
    greater = greater or {}
    meta = model._meta

    def build(conn) -> str:
        q = conn.ops.quote_name

        def col(name: str) -> str:
            return q(meta.get_field(name).column)

        where = [f"{col(n)} = %s" for n in equal] + [f"{col(n)} > %s" for n in greater]
        sql = (
            f"SELECT {', '.join(col(c) for c in columns)} FROM {q(meta.db_table)} WHERE {' AND '.join(where)}"
        )
        if order_by:
            sql += " ORDER BY " + ", ".join(col(c) for c in order_by)
        return sql

    sql = statement(
        ("rows_where", model, tuple(columns), tuple(equal), tuple(greater), tuple(order_by)), using, build
    )
    with connections[using].cursor() as cursor:
        cursor.execute(sql, [*equal.values(), *greater.values()])
        return cursor.fetchall()


# ------------------------------------------------------------------ a user's permissions
def permission_names(user_id, *, using: str = DEFAULT_DB_ALIAS) -> list[tuple[str, str]]:
    """(app label, codename) of the permissions a user holds, their own and their groups', in one
    query instead of ModelBackend's two: every page and API call that checks a permission pays
    for it once per request."""

    def build(conn) -> str:
        from django.contrib.auth.models import Group, Permission
        from django.contrib.contenttypes.models import ContentType

        q = conn.ops.quote_name
        user_perms = Permission.user_set.through._meta
        group_perms = Group.permissions.through._meta
        user_groups = Group.user_set.through._meta
        return (
            f"SELECT ct.{q('app_label')}, p.{q('codename')} "
            f"FROM {q(Permission._meta.db_table)} p "
            f"JOIN {q(ContentType._meta.db_table)} ct ON ct.{q('id')} = p.{q('content_type_id')} "
            f"WHERE p.{q('id')} IN ("
            f"SELECT {q('permission_id')} FROM {q(user_perms.db_table)} WHERE {q('user_id')} = %s "
            f"UNION SELECT gp.{q('permission_id')} FROM {q(group_perms.db_table)} gp "
            f"JOIN {q(user_groups.db_table)} ug ON ug.{q('group_id')} = gp.{q('group_id')} "
            f"WHERE ug.{q('user_id')} = %s)"
        )

    with connections[using].cursor() as cursor:
        cursor.execute(statement(("permission_names",), using, build), [user_id, user_id])
        return cursor.fetchall()
