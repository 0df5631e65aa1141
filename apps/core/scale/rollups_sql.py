"""The rollup tables rebuilt set-based, in SQL, from the raw rows (PostgreSQL).

Same definitions as `apps.workorders.rollups._sources()` — which event counts in which counter,
in which month (China time), for which region and unit — but a handful of `INSERT ... SELECT
... GROUP BY` statements instead of Python loops, so that ten million orders roll up in
minutes. `apps/core/tests/test_scale.py` proves the result equals `rollups_rebuild()`.
"""

from __future__ import annotations

import time

from django.db import connection, transaction

from apps.core.scale.bulk import loading
from apps.workorders.models import COUNTERS

TZ = "Asia/Shanghai"


def _month(col: str) -> str:
    return f"date_trunc('month', {col} AT TIME ZONE '{TZ}')::date"


# (table alias source SQL, time column, {counter: SQL expression counted}, unit columns or None)
# Each source yields rows (order_id, at, counters...). Unit: (company, committee, department).
def _sources() -> list[tuple[str, str, dict[str, str], str | None]]:
    return [
        (
            "workorders_workorder o",
            "o.submitted_at",
            {"intake": "1", "joint_intake": "(o.is_joint)::int"},
            None,
        ),
        (
            "workorders_workorder o WHERE o.accepted_at IS NOT NULL",
            "o.accepted_at",
            {
                "accepted": "1",
                "accepted_on_time": "(o.accept_on_time IS TRUE)::int",
                "accepted_late": "(o.accept_on_time IS FALSE)::int",
            },
            None,
        ),
        (
            "workorders_workorder o WHERE o.ended_at IS NOT NULL",
            "o.ended_at",
            {
                "rejected": "(o.status = 'rejected')::int",
                "merged": "(o.status = 'merged')::int",
                "closed": "(o.status = 'closed')::int",
            },
            None,
        ),
        (
            "workorders_assignment a JOIN workorders_workorder o ON o.id = a.order_id",
            "a.dispatched_at",
            {"dispatched": "1", "reworked": "(a.is_rework)::int"},
            "a",
        ),
        (
            "workorders_assignment a JOIN workorders_workorder o ON o.id = a.order_id WHERE a.signed_at IS NOT NULL",
            "a.signed_at",
            {
                "signed": "1",
                "signed_on_time": "(a.sign_on_time IS TRUE)::int",
                "signed_late": "(a.sign_on_time IS FALSE)::int",
            },
            "a",
        ),
        (
            "workorders_assignment a JOIN workorders_workorder o ON o.id = a.order_id WHERE a.returned_at IS NOT NULL",
            "a.returned_at",
            {"returned": "1"},
            "a",
        ),
        (
            "workorders_assignment a JOIN workorders_workorder o ON o.id = a.order_id WHERE a.resolved_at IS NOT NULL",
            "a.resolved_at",
            {
                "resolved": "1",
                "resolved_on_time": "(a.resolve_on_time IS TRUE)::int",
                "resolved_late": "(a.resolve_on_time IS FALSE)::int",
            },
            "a",
        ),
        (
            "workorders_escalation e JOIN workorders_workorder o ON o.id = e.order_id "
            "LEFT JOIN workorders_assignment a ON a.id = e.assignment_id",
            "e.at",
            {"escalated": "1"},
            "a",
        ),
        (
            "workorders_callback c JOIN workorders_workorder o ON o.id = c.order_id "
            "LEFT JOIN workorders_assignment a ON a.id = c.assignment_id",
            "c.created_at",
            {
                "cb_valid": "(c.reached)::int",
                "cb_unreached": "(NOT c.reached)::int",
                "cb_contacted": "(c.contacted IS TRUE)::int",
                "cb_solved": "(c.solved IS TRUE)::int",
                "cb_satisfied": "(c.satisfaction = 'satisfied')::int",
                "cb_basic": "(c.satisfaction = 'basic')::int",
                "cb_dissatisfied": "(c.satisfaction = 'dissatisfied')::int",
            },
            "a",
        ),
    ]


@transaction.atomic
def rollups_build_sql(*, log=None) -> dict[str, int]:
    """Replace the four rollup tables with sums over the raw rows. One transaction."""
    from apps.workorders.rollups import UNIT_COUNTERS

    started = time.monotonic()
    counters = list(COUNTERS)
    zero = {c: "0" for c in counters}
    region_parts, unit_parts = [], []
    for source, at, exprs, unit in _sources():
        cols = {**zero, **exprs}
        select = ", ".join(f"sum({cols[c]}) AS {c}" for c in counters)
        region_parts.append(
            f"SELECT o.region_code, {_month(at)} AS month, o.category_id, {select} FROM {source} GROUP BY 1, 2, 3"
        )
        if unit:
            ucols = {c: (cols[c] if c in UNIT_COUNTERS else "0") for c in counters}
            if all(v == "0" for v in ucols.values()):
                continue
            uselect = ", ".join(f"sum({ucols[c]}) AS {c}" for c in counters)
            where = f"{unit}.id IS NOT NULL"
            joiner = " AND " if " WHERE " in source else " WHERE "
            unit_parts.append(
                f"""SELECT CASE WHEN {unit}.company_id IS NOT NULL THEN 'company'
                                WHEN {unit}.committee_id IS NOT NULL THEN 'committee' ELSE 'department' END,
                           coalesce({unit}.company_id, {unit}.committee_id, {unit}.department_id),
                           left(o.region_code, 6), {_month(at)}, {uselect}
                    FROM {source}{joiner}{where} GROUP BY 1, 2, 3, 4"""
            )
    sums = ", ".join(f"sum({c})" for c in counters)
    xsums = ", ".join(f"sum(x.{c}) AS {c}" for c in counters)
    cols = ", ".join(counters)
    nonzero = " OR ".join(f"sum({c}) <> 0" for c in counters)
    written = {}
    tables = [f"workorders_{t}monthstat" for t in ("county", "street", "community", "handler")]
    with connection.cursor() as cur:
        cur.execute("SET LOCAL work_mem = '256MB'")
        cur.execute("TRUNCATE " + ", ".join(tables))
    # Indexes and the cells' unique constraints are rebuilt once at the end (bulk_load.loading):
    # maintaining them row by row took most of the time at province scale.
    with loading(tables, log=log), connection.cursor() as cur:
        cur.execute(
            f"CREATE TEMP TABLE scale_cells ON COMMIT DROP AS "
            f"SELECT region_code, month, category_id, {xsums} FROM ("
            + " UNION ALL ".join(region_parts)
            + ") x GROUP BY 1, 2, 3"
        )
        cur.execute("SELECT count(*) FROM scale_cells")
        if log:
            log(f"统计：社区×月×分类 {cur.fetchone()[0]:,} 格，{time.monotonic() - started:.1f} s")
        for level, length in (("county", 6), ("street", 9), ("community", 12)):
            cur.execute(
                f"""INSERT INTO workorders_{level}monthstat (region_code, month, category_id, {cols})
                    SELECT left(region_code, {length}), month, category_id, {sums} FROM scale_cells
                    GROUP BY 1, 2, 3 HAVING {nonzero}
                    UNION ALL
                    SELECT left(region_code, {length}), month, 0, {sums} FROM scale_cells
                    GROUP BY 1, 2 HAVING {nonzero}"""
            )
            written[level] = cur.rowcount
        cur.execute(
            f"""INSERT INTO workorders_handlermonthstat (unit_type, unit_id, county_code, month, {cols})
                SELECT t, u, c, m, {sums} FROM ("""
            + " UNION ALL ".join(unit_parts)
            + f""") x (t, u, c, m, {cols}) GROUP BY 1, 2, 3, 4 HAVING {nonzero}"""
        )
        written["unit"] = cur.rowcount
    if log:
        log(f"统计表重建（SQL）：{written}，{time.monotonic() - started:.1f} s")
    return written
