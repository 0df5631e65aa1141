"""The rollup tables rebuilt set-based, in SQL, from the raw rows (PostgreSQL).

The one table of `apps.workorders.counting.EVENTS` (which event counts in which counter, in
which month (China time), for which region and unit) rendered as SQL: a few `INSERT ... SELECT
... GROUP BY` statements instead of Python loops, so that ten million orders roll up in minutes.
`bench/tests/test_scale.py` proves the result equals `rollups_rebuild()`.

One pass: each table is read once (assignments and call-backs joined once to their order), every
row yields its events (`CROSS JOIN LATERAL (VALUES ...)`: an order is submitted, accepted and
ended; an assignment dispatched, signed, returned and resolved), and the events are summed into
fine cells (community × month × category × unit) in an unlogged staging table. The four rollup
tables are sums of those cells. A counter an event does not touch is NULL, not 0: `sum` skips
NULLs without calling its transition function, which made the pass ~2× faster than summing
zeros (there are 30 counters and an event touches at most 7).
"""

from __future__ import annotations

import time

from django.db import connection, transaction

from apps.workorders import counting, rollups
from apps.workorders.counting import UNIT_COUNTERS
from apps.workorders.models import COUNTERS
from bench.scale.bulk import loading

TZ = "Asia/Shanghai"
UNIT = (
    "CASE WHEN a.id IS NULL THEN NULL WHEN a.company_id IS NOT NULL THEN 'company' "
    "WHEN a.committee_id IS NOT NULL THEN 'committee' ELSE 'department' END",
    "CASE WHEN a.id IS NOT NULL THEN coalesce(a.company_id, a.committee_id, a.department_id) END",
)


# Per table of counting.EVENTS: its rows as a FROM clause with the order as `o`, the alias of
# the event's row, and the unit (type, id) SQL or None.
FROM = {
    "order": ("workorders_workorder o", "o", None),
    "assignment": ("workorders_assignment a JOIN workorders_workorder o ON o.id = a.order_id", "a", UNIT),
    "escalation": (
        "workorders_escalation e JOIN workorders_workorder o ON o.id = e.order_id "
        "LEFT JOIN workorders_assignment a ON a.id = e.assignment_id",
        "e",
        UNIT,
    ),
    "callback": (
        "workorders_callback c JOIN workorders_workorder o ON o.id = c.order_id "
        "LEFT JOIN workorders_assignment a ON a.id = c.assignment_id",
        "c",
        UNIT,
    ),
}


def _tally_sql(alias: str, model, tally: counting.Tally) -> str:
    """1 when the event meets the tally, else 0 (as `counting.same`: a NULL flag is neither)."""
    if not tally.field:
        return "1"
    column = f"{alias}.{model._meta.get_field(tally.field).column}"
    if isinstance(tally.value, bool):
        return f"({column} IS {'TRUE' if tally.value else 'FALSE'})::int"
    value = str(tally.value).replace("'", "''")
    return f"({column} = '{value}')::int"


def _sources() -> list[tuple[str, tuple[str, str] | None, list[tuple[str, dict[str, str]]]]]:
    """counting.EVENTS as SQL, by table: (rows, unit, [(time column, {counter: SQL expression})])."""
    out: dict[str, tuple] = {}
    for event in counting.EVENTS:
        rows, alias, unit = FROM[event.table]
        model = rollups._TABLES[event.table][0]
        exprs = {t.counter: _tally_sql(alias, model, t) for t in event.tallies}
        out.setdefault(event.table, (rows, unit, []))[2].append((f"{alias}.{event.at}", exprs))
    return list(out.values())


def _events_sql(counters: list[str], below_order: int | None = None) -> str:
    """Every event of the raw rows (of the orders with an id below `below_order`, if given):
    (region_code, category_id, unit_type, unit_id, at, counters)."""
    parts = []
    only = "" if below_order is None else f" AND o.id < {int(below_order)}"
    for rows, unit, events in _sources():
        unit_type, unit_id = unit or ("NULL::text", "NULL::bigint")
        values = ", ".join(
            "("
            + ", ".join([at, *(f"({exprs[c]})::int" if c in exprs else "NULL::int" for c in counters)])
            + ")"
            for at, exprs in events
        )
        cols = ", ".join(["at", *counters])
        parts.append(
            f"SELECT o.region_code, o.category_id, {unit_type} AS unit_type, {unit_id} AS unit_id, ev.* "
            f"FROM {rows} CROSS JOIN LATERAL (VALUES {values}) ev ({cols}) WHERE ev.at IS NOT NULL{only}"
        )
    return " UNION ALL ".join(parts)


def _fill(cur, *, below_order: int | None = None, add: bool = False, log=None, started: float = 0) -> dict:
    """Sum the events into the four rollup tables: plain inserts into empty tables, or (`add`)
    upserts that add to the rows already there."""
    counters = list(COUNTERS)
    cols = ", ".join(counters)
    fine = ", ".join(f"sum({c})::int AS {c}" for c in counters)
    sums = ", ".join(f"coalesce(sum({c}), 0)" for c in counters)
    nonzero = " OR ".join(f"sum({c}) <> 0" for c in counters)
    usums = ", ".join(f"coalesce(sum({c}), 0)" if c in UNIT_COUNTERS else "0" for c in counters)
    unonzero = " OR ".join(f"sum({c}) <> 0" for c in counters if c in UNIT_COUNTERS)

    def upsert(keys: str) -> str:
        if not add:
            return ""
        return f" ON CONFLICT ({keys}) DO UPDATE SET " + ", ".join(
            f"{c} = t.{c} + EXCLUDED.{c}" for c in counters
        )

    cur.execute("SET LOCAL work_mem = '256MB'")
    # JIT compiling the 30-counter aggregates took 7 of 20 s at 500,000 orders.
    cur.execute("SET LOCAL jit = off")
    cur.execute(
        f"CREATE TEMP TABLE scale_cells ON COMMIT DROP AS "
        f"SELECT region_code, date_trunc('month', at AT TIME ZONE '{TZ}')::date AS month, category_id, "
        f"unit_type, unit_id, {fine} FROM ({_events_sql(counters, below_order)}) x GROUP BY 1, 2, 3, 4, 5"
    )
    if log:
        log(f"统计：社区×月×分类×单位 {cur.rowcount:,} 格，{time.monotonic() - started:.1f} s")
    cur.execute("ANALYZE scale_cells")
    written = {}
    for level, length in (("county", 6), ("street", 9), ("community", 12)):
        cur.execute(
            f"""INSERT INTO workorders_{level}monthstat AS t (region_code, month, category_id, {cols})
                SELECT left(region_code, {length}), month, category_id, {sums} FROM scale_cells
                GROUP BY 1, 2, 3 HAVING {nonzero}
                UNION ALL
                SELECT left(region_code, {length}), month, 0, {sums} FROM scale_cells
                GROUP BY 1, 2 HAVING {nonzero}"""
            + upsert("region_code, month, category_id")
        )
        written[level] = cur.rowcount
    cur.execute(
        f"""INSERT INTO workorders_handlermonthstat AS t (unit_type, unit_id, county_code, month, {cols})
            SELECT unit_type, unit_id, left(region_code, 6), month, {usums} FROM scale_cells
            WHERE unit_type IS NOT NULL GROUP BY 1, 2, 3, 4 HAVING {unonzero}"""
        + upsert("unit_type, unit_id, county_code, month")
    )
    written["unit"] = cur.rowcount
    cur.execute("DROP TABLE scale_cells")
    return written


@transaction.atomic
def rollups_build_sql(*, log=None) -> dict[str, int]:
    """Replace the four rollup tables with sums over the raw rows. One transaction."""
    started = time.monotonic()
    tables = [f"workorders_{t}monthstat" for t in ("county", "street", "community", "handler")]
    with connection.cursor() as cur:
        cur.execute("TRUNCATE " + ", ".join(tables))
    # Indexes and the cells' unique constraints are rebuilt once at the end (bulk.loading):
    # maintaining them row by row took most of the time at province scale.
    with loading(tables, log=log), connection.cursor() as cur:
        written = _fill(cur, log=log, started=started)
    if log:
        log(f"统计表重建（SQL）：{written}，{time.monotonic() - started:.1f} s")
    return written


@transaction.atomic
def rollups_add_older(*, below_order: int, log=None) -> dict[str, int]:
    """Add the counts of the orders with an id below `below_order` (and of their records) to the
    rollup tables — which hold the counts of the newer orders only (the generator's). Nothing to
    do in an empty database."""
    started = time.monotonic()
    with connection.cursor() as cur:
        cur.execute("SELECT EXISTS (SELECT 1 FROM workorders_workorder WHERE id < %s)", [below_order])
        if not cur.fetchone()[0]:
            return {}
        written = _fill(cur, below_order=below_order, add=True)
    if log:
        log(f"统计表：加上此前已有的工单 {written}，{time.monotonic() - started:.1f} s")
    return written
