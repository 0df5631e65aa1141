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
from collections import Counter, defaultdict
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import F, Q
from django.db.models.functions import Substr, TruncMonth

from apps.core import sql
from apps.workdays.calendar import CALENDAR_TZ
from apps.workorders import counting
from apps.workorders.counting import UNIT_COUNTERS
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
    sql.execute_in_order(statements, together=True)


def count(event: str, row, *, order: WorkOrder, at: datetime.datetime, unit: UnitKey | None = None) -> None:
    """The live bump of one event (`counting.EVENTS`) of `row` (the order itself, or its
    assignment or call-back), as the verb just wrote it: what the rebuild counts for that row."""
    bump(order, at, unit=unit if counting.BY_NAME[event].by_unit else None, **counting.counts(event, row))


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
                by_level[level],
            )
    return statements


def unit_statements(rows: Iterable[tuple[tuple, dict]]) -> list:
    return _upsert_statements(
        HandlerMonthStat,
        ("unit_type", "unit_id", "county_code", "month"),
        rows,
    )


def upsert_region(rows: Iterable[tuple[tuple, dict]], *, with_totals: bool = True) -> None:
    """rows: ((level, region_code, month, category_id), {counter: n}). Each row also counts in
    its region's all-categories row (category 0) unless `with_totals` is off (the rebuild
    writes those itself). Tables in the fixed order county → street → community."""
    sql.execute_in_order(region_statements(rows, with_totals=with_totals))


def upsert_unit(rows: Iterable[tuple[tuple, dict]]) -> None:
    """rows: ((unit_type, unit_id, county_code, month), {counter: n})."""
    sql.execute_in_order(unit_statements(rows))


def _upsert_statements(model, key_cols: tuple[str, ...], rows, *, batch: int = 500) -> list[tuple[str, list]]:
    """The upserts (apps/core/sql.py `upsert_add_sql`) adding `rows` to the cells of `model`,
    the rows merged by key and sorted (the fixed lock order), 500 cells a statement."""
    merged: dict[tuple, Counter] = defaultdict(Counter)
    for key, counts in rows:
        merged[key].update({k: v for k, v in counts.items() if v})
    if not merged:
        return []
    keys = sorted(merged)
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
        statements.append((sql.upsert_add_sql(model, key_cols, tuple(cols), len(chunk)), params))
    return statements


def _adapt(value):
    if isinstance(value, datetime.date):
        return connection.ops.adapt_datefield_value(value)
    return value


# ------------------------------------------------------------------ from the raw rows
# The rows of each table of counting.EVENTS: (model, path from the row to its order, path to
# its assignment's unit fields or None).
_TABLES = {
    "order": (WorkOrder, "", None),
    "assignment": (Assignment, "order__", ""),
    "escalation": (Escalation, "order__", "assignment__"),
    "callback": (CallBack, "order__", "assignment__"),
}


def _sources():
    """What each counter counts, as (model, time field, filter, {counter: aggregate},
    path to the order, unit links or None): counting.EVENTS as ORM aggregates, used by the
    rebuild and by the direct (baseline) aggregation."""
    out = []
    for event in counting.EVENTS:
        model, via, unit = _TABLES[event.table]
        out.append(
            (model, event.at, Q(**{f"{event.at}__isnull": False}), counting.aggregates(event), via, unit)
        )
    return out


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
