"""Rollup counters, updated in the transaction of every work-order event, and rebuilt from the
raw rows on demand.

Grain (see docs/workorders.md): CountyMonthStat, StreetMonthStat, CommunityMonthStat = region ×
month × category, plus a category-0 row per region and month holding the sum over all
categories; HandlerMonthStat = handling unit × county × month. A city or the province is the
sum of its county rows. Months are calendar months in China time.

Writes are `INSERT ... ON CONFLICT DO UPDATE SET c = c + excluded.c` (PostgreSQL and SQLite),
tables in one order (county, street, community, unit) and rows sorted by key inside each, so that
concurrent transactions lock cells in one order and cannot deadlock; services call `bump` last, to hold the cell locks for
the shortest time.
"""

from __future__ import annotations

import datetime
import functools
from collections import Counter, defaultdict
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Count, F, Q
from django.db.models.functions import Substr, TruncMonth

from apps.workdays.calendar import CALENDAR_TZ
from apps.workorders.choices import Status
from apps.workorders.models import (
    ALL_CATEGORIES,
    COUNTERS,
    LEVEL_LENGTH,
    LEVEL_MODELS,
    Assignment,
    CallBack,
    Escalation,
    HandlerMonthStat,
    WorkOrder,
)

# Region levels stored, outermost first, with the length of their codes. Cities and the province
# are summed from county rows at read time.
STORED_LEVELS = tuple(LEVEL_LENGTH.items())
# Counters that also count for the handling unit involved.
UNIT_COUNTERS = frozenset(
    {
        "dispatched",
        "signed",
        "signed_on_time",
        "signed_late",
        "returned",
        "resolved",
        "resolved_on_time",
        "resolved_late",
        "reworked",
        "escalated",
        "cb_valid",
        "cb_unreached",
        "cb_contacted",
        "cb_solved",
        "cb_satisfied",
        "cb_basic",
        "cb_dissatisfied",
    }
)

UnitKey = tuple[str, int]


def month_of(at: datetime.datetime) -> datetime.date:
    return at.astimezone(CALENDAR_TZ).date().replace(day=1)


# ------------------------------------------------------------------ incremental
def bump(order: WorkOrder, at: datetime.datetime, *, unit: UnitKey | None = None, **counts: int) -> None:
    """Add `counts` to the order's region cells for the month of `at`, and the unit-related
    ones to the unit's cell."""
    counts = {k: v for k, v in counts.items() if v}
    if not counts:
        return
    month = month_of(at)
    code = order.region_code
    statements = region_statements(
        ((level, code[:length], month, order.category_id), counts) for level, length in STORED_LEVELS
    )
    unit_counts = {k: v for k, v in counts.items() if k in UNIT_COUNTERS}
    if unit is not None and unit_counts:
        statements += unit_statements([((unit[0], unit[1], code[:6], month), unit_counts)])
    _execute(statements, together=True)


def region_statements(rows: Iterable[tuple[tuple, dict]], *, with_totals: bool = True) -> list:
    by_level: dict[str, list] = defaultdict(list)
    for (level, code, month, category_id), counts in rows:
        by_level[level].append(((code, month, category_id), counts))
        if with_totals:
            by_level[level].append(((code, month, ALL_CATEGORIES), counts))
    statements = []
    for level in LEVEL_MODELS:
        if by_level.get(level):
            statements += _upsert_statements(
                LEVEL_MODELS[level],
                ("region_code", "month", "category_id"),
                ("region_code", "month", "category_id"),
                by_level[level],
                sort_key=lambda key: key,
            )
    return statements


def unit_statements(rows: Iterable[tuple[tuple, dict]]) -> list:
    return _upsert_statements(
        HandlerMonthStat,
        ("unit_type", "unit_id", "county_code", "month"),
        ("unit_type", "unit_id", "county_code", "month"),
        rows,
        sort_key=lambda key: key,
    )


def _execute(statements: list[tuple[str, list]], *, together: bool = False) -> None:
    """Run the upserts in their order. `together` on PostgreSQL sends them as one statement:
    each upsert a data-modifying WITH query, read by the final SELECT from left to right, so they
    still run one after the other in the order given (the fixed lock order). One statement, not
    several joined by ";": with server-side binding (prepared statements) a statement holds one
    command only."""
    if not statements:
        return
    with connection.cursor() as cursor:
        if together and len(statements) > 1 and connection.vendor == "postgresql":
            cursor.execute(*_one_statement(statements))
            return
        for sql, params in statements:
            cursor.execute(sql, params)


def _one_statement(statements: list[tuple[str, list]]) -> tuple[str, list]:
    parts = ", ".join(f"u{i} AS ({sql} RETURNING 1)" for i, (sql, _) in enumerate(statements))
    reads = ", ".join(f"(SELECT count(*) FROM u{i})" for i in range(len(statements)))
    return f"WITH {parts} SELECT {reads}", [p for _, params in statements for p in params]


def upsert_region(rows: Iterable[tuple[tuple, dict]], *, with_totals: bool = True) -> None:
    """rows: ((level, region_code, month, category_id), {counter: n}). Each row also counts in
    its region's all-categories row (category 0) unless `with_totals` is off (the rebuild
    writes those itself). Tables in the fixed order county → street → community."""
    _execute(region_statements(rows, with_totals=with_totals))


def upsert_unit(rows: Iterable[tuple[tuple, dict]]) -> None:
    """rows: ((unit_type, unit_id, county_code, month), {counter: n})."""
    _execute(unit_statements(rows))


def _upsert_statements(
    model, key_cols: tuple[str, ...], conflict_cols: tuple[str, ...], rows, *, sort_key, batch: int = 500
) -> list[tuple[str, list]]:
    merged: dict[tuple, Counter] = defaultdict(Counter)
    for key, counts in rows:
        merged[key].update({k: v for k, v in counts.items() if v})
    if not merged:
        return []
    keys = sorted(merged, key=sort_key)
    statements = []
    for start in range(0, len(keys), batch):
        chunk = keys[start : start + batch]
        cols = sorted({c for key in chunk for c in merged[key]})
        unknown = set(cols) - set(COUNTERS)
        if unknown:
            raise ValueError(f"unknown counters: {sorted(unknown)}")
        params: list = []
        for key in chunk:
            params.extend(_adapt(v) for v in key)
            params.extend(merged[key].get(c, 0) for c in cols)
        sql = _upsert_sql(
            model._meta.db_table, key_cols, conflict_cols, tuple(cols), len(chunk), connection.vendor
        )
        statements.append((sql, params))
    return statements


@functools.lru_cache(maxsize=512)
def _upsert_sql(
    table: str, key_cols: tuple, conflict_cols: tuple, cols: tuple, rows: int, vendor: str
) -> str:
    """The upsert of `rows` rows of these counters (every event writes a few: built once per shape)."""
    q = connection.ops.quote_name
    table = q(table)
    all_cols = [*key_cols, *cols]
    row_sql = "(" + ", ".join(["%s"] * len(all_cols)) + ")"
    sets = ", ".join(f"{q(c)} = {table}.{q(c)} + excluded.{q(c)}" for c in cols)
    columns = ", ".join(q(c) for c in all_cols)
    values = ", ".join([row_sql] * rows)
    conflict = ", ".join(q(c) for c in conflict_cols)
    return f"INSERT INTO {table} ({columns}) VALUES {values} ON CONFLICT ({conflict}) DO UPDATE SET {sets}"


def _adapt(value):
    if isinstance(value, datetime.date):
        return connection.ops.adapt_datefield_value(value)
    return value


# ------------------------------------------------------------------ from the raw rows
def _sources():
    """What each counter counts, as (model, time field, filter, {counter: aggregate},
    path to the order, unit links or None). The single definition used by the rebuild and by
    the direct (baseline) aggregation."""
    order_ = ""
    via = "order__"
    return [
        (
            WorkOrder,
            "submitted_at",
            Q(),
            {"intake": Count("id"), "joint_intake": Count("id", filter=Q(is_joint=True))},
            order_,
            None,
        ),
        (
            WorkOrder,
            "accepted_at",
            Q(accepted_at__isnull=False),
            {
                "accepted": Count("id"),
                "accepted_on_time": Count("id", filter=Q(accept_on_time=True)),
                "accepted_late": Count("id", filter=Q(accept_on_time=False)),
            },
            order_,
            None,
        ),
        (
            WorkOrder,
            "ended_at",
            Q(ended_at__isnull=False),
            {
                "rejected": Count("id", filter=Q(status=Status.REJECTED)),
                "merged": Count("id", filter=Q(status=Status.MERGED)),
                "closed": Count("id", filter=Q(status=Status.CLOSED)),
            },
            order_,
            None,
        ),
        (
            Assignment,
            "dispatched_at",
            Q(),
            {"dispatched": Count("id"), "reworked": Count("id", filter=Q(is_rework=True))},
            via,
            "",
        ),
        (
            Assignment,
            "signed_at",
            Q(signed_at__isnull=False),
            {
                "signed": Count("id"),
                "signed_on_time": Count("id", filter=Q(sign_on_time=True)),
                "signed_late": Count("id", filter=Q(sign_on_time=False)),
            },
            via,
            "",
        ),
        (Assignment, "returned_at", Q(returned_at__isnull=False), {"returned": Count("id")}, via, ""),
        (
            Assignment,
            "resolved_at",
            Q(resolved_at__isnull=False),
            {
                "resolved": Count("id"),
                "resolved_on_time": Count("id", filter=Q(resolve_on_time=True)),
                "resolved_late": Count("id", filter=Q(resolve_on_time=False)),
            },
            via,
            "",
        ),
        (Escalation, "at", Q(), {"escalated": Count("id")}, via, "assignment__"),
        (
            CallBack,
            "created_at",
            Q(),
            {
                "cb_valid": Count("id", filter=Q(reached=True)),
                "cb_unreached": Count("id", filter=Q(reached=False)),
                "cb_contacted": Count("id", filter=Q(contacted=True)),
                "cb_solved": Count("id", filter=Q(solved=True)),
                "cb_satisfied": Count("id", filter=Q(satisfaction="satisfied")),
                "cb_basic": Count("id", filter=Q(satisfaction="basic")),
                "cb_dissatisfied": Count("id", filter=Q(satisfaction="dissatisfied")),
            },
            via,
            "assignment__",
        ),
    ]


def _month_range_q(field: str, month_from: datetime.date | None, month_to: datetime.date | None) -> Q:
    q = Q()
    if month_from is not None:
        q &= Q(
            **{f"{field}__gte": datetime.datetime.combine(month_from, datetime.time.min, tzinfo=CALENDAR_TZ)}
        )
    if month_to is not None:
        nxt = (month_to.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
        q &= Q(**{f"{field}__lt": datetime.datetime.combine(nxt, datetime.time.min, tzinfo=CALENDAR_TZ)})
    return q


def _month_value(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.astimezone(CALENDAR_TZ).date().replace(day=1) if value.tzinfo else value.date()
    return value


def region_counts(
    *,
    prefix_length: int,
    region_prefix: str = "",
    month_from=None,
    month_to=None,
    category_id=None,
    compound_id=None,
) -> dict[tuple[str, datetime.date, int], Counter]:
    """Counters straight from the raw rows, grouped by (region code cut to `prefix_length`,
    month, category). Used by the rebuild and as the baseline the rollups are checked against."""
    out: dict[tuple, Counter] = defaultdict(Counter)
    for model, time_field, where, aggregates, via, _unit in _sources():
        qs = model.objects.filter(where, _month_range_q(time_field, month_from, month_to))
        if region_prefix:
            qs = qs.filter(**{f"{via}region_code__startswith": region_prefix})
        if category_id is not None:
            qs = qs.filter(**{f"{via}category_id": category_id})
        if compound_id is not None:
            qs = qs.filter(**{f"{via}compound_id": compound_id})
        rows = (
            qs.annotate(
                _region=Substr(f"{via}region_code", 1, prefix_length),
                _month=TruncMonth(time_field, tzinfo=CALENDAR_TZ),
                _category=F(f"{via}category_id"),
            )
            .order_by()
            .values("_region", "_month", "_category")
            .annotate(**aggregates)
        )
        for row in rows:
            key = (row["_region"], _month_value(row["_month"]), row["_category"])
            out[key].update({k: row[k] for k in aggregates if row[k]})
    return out


def unit_counts(
    *, county_prefix: str = "", unit: UnitKey | None = None, month_from=None, month_to=None
) -> dict[tuple[str, int, str, datetime.date], Counter]:
    """Unit counters straight from the raw rows, grouped by (unit type, unit id, county, month)."""
    out: dict[tuple, Counter] = defaultdict(Counter)
    for model, time_field, where, aggregates, via, unit_path in _sources():
        if unit_path is None:
            continue
        qs = model.objects.filter(where, _month_range_q(time_field, month_from, month_to))
        if model is not Assignment:
            qs = qs.filter(**{f"{unit_path}isnull": False}) if unit_path else qs
        if county_prefix:
            qs = qs.filter(**{f"{via}region_code__startswith": county_prefix})
        if unit is not None:
            qs = qs.filter(**{f"{unit_path}{unit[0]}_id": unit[1]})
        aggregates = {k: v for k, v in aggregates.items() if k in UNIT_COUNTERS}
        rows = (
            qs.annotate(
                _county=Substr(f"{via}region_code", 1, 6),
                _month=TruncMonth(time_field, tzinfo=CALENDAR_TZ),
                _company=F(f"{unit_path}company_id"),
                _committee=F(f"{unit_path}committee_id"),
                _department=F(f"{unit_path}department_id"),
            )
            .order_by()
            .values("_county", "_month", "_company", "_committee", "_department")
            .annotate(**aggregates)
        )
        for row in rows:
            if row["_company"]:
                key_unit = ("company", row["_company"])
            elif row["_committee"]:
                key_unit = ("committee", row["_committee"])
            else:
                key_unit = ("department", row["_department"])
            key = (*key_unit, row["_county"], _month_value(row["_month"]))
            out[key].update({k: row[k] for k in aggregates if row[k]})
    return out


@transaction.atomic
def rollups_rebuild(*, log=None) -> dict[str, int]:
    """Throw the rollup tables away and recompute them from the raw rows (one transaction)."""
    for model in (*LEVEL_MODELS.values(), HandlerMonthStat):
        model.objects.all().delete()
    written = {"region": 0, "unit": 0}
    for level, length in STORED_LEVELS:
        counts = region_counts(prefix_length=length)
        totals: dict[tuple, Counter] = defaultdict(Counter)
        for (code, month, _category), c in counts.items():
            totals[(code, month, ALL_CATEGORIES)].update(c)
        rows = [((level, *key), c) for key, c in (*counts.items(), *totals.items())]
        upsert_region(rows, with_totals=False)
        written["region"] += len(rows)
        if log:
            log(f"{level}: {len(rows)} 个统计单元")
    units = unit_counts()
    upsert_unit(units.items())
    written["unit"] = len(units)
    if log:
        log(f"处理单位: {len(units)} 个统计单元")
    return written


def rollup_snapshot() -> dict[str, dict]:
    """The rollup tables as plain dicts (zero counters dropped), for comparisons in tests."""

    def rows(model, key_fields):
        out = {}
        for row in model.objects.values(*key_fields, *COUNTERS):
            key = tuple(row[k] for k in key_fields)
            out[key] = {c: row[c] for c in COUNTERS if row[c]}
        return {k: v for k, v in out.items() if v}

    snapshot = {"unit": rows(HandlerMonthStat, ("unit_type", "unit_id", "county_code", "month"))}
    for level, model in LEVEL_MODELS.items():
        snapshot[level] = rows(model, ("region_code", "month", "category_id"))
    return snapshot
