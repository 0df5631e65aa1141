"""Work-order metrics (RULES.md §4) for any region, community, compound, company, committee or
department and any span of months, and the monthly red/black lists — all read from the rollup
tables (a province is a few thousand county rows), never by scanning work orders. The one
exception is a single compound, aggregated from its own orders.

Formulas (weights and the 基本满意 factor are settings):
    按时受理率 = accepted on time ÷ accepted with a known deadline
    按时办结率 = resolved on time ÷ resolved with a known deadline
    回退率 = returns ÷ dispatches            重办率 = reworks ÷ resolutions
    响应率 = contacted ÷ valid call-backs     解决率 = solved ÷ valid call-backs
    满意率 = (满意 + 0.9 × 基本满意) ÷ valid call-backs
    综合得分 = 0.1 × 响应率 + 0.5 × 解决率 + 0.4 × 满意率
Rates are exact Fractions (None when the denominator is 0); `as_dict()` rounds for JSON.
Periods are whole months: `period_from` and `period_to` are dates, and every month they touch
is counted (an event counts in the month, China time, when it happened).
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from fractions import Fraction

from django.conf import settings
from django.db.models import Sum
from django.db.models.functions import Substr
from django.http import Http404

from apps.core.scoping import scope_of
from apps.workorders import rollups
from apps.workorders.models import ALL_CATEGORIES, COUNTERS, LEVEL_MODELS, CountyMonthStat, HandlerMonthStat

LEVEL_PREFIX = {"province": 2, "city": 4, "county": 6, "street": 9, "community": 12}
CHILD_LEVEL = {"province": "city", "city": "county", "county": "street", "street": "community"}


def _fraction(num: int, den: int) -> Fraction | None:
    return Fraction(num, den) if den else None


def weights() -> tuple[Fraction, Fraction, Fraction]:
    w = tuple(Fraction(x) for x in settings.WORKORDER_SCORE_WEIGHTS)
    if len(w) != 3:
        raise ValueError("WORKORDER_SCORE_WEIGHTS needs three numbers: response, resolution, satisfaction")
    return w  # type: ignore[return-value]


@dataclass(frozen=True)
class Metrics:
    """Counters of a period and the rates computed from them."""

    counts: dict = field(default_factory=dict)

    def __getitem__(self, name: str) -> int:
        return self.counts.get(name, 0)

    @property
    def intake(self) -> int:
        return self["intake"]

    @property
    def on_time_acceptance(self):
        return _fraction(self["accepted_on_time"], self["accepted_on_time"] + self["accepted_late"])

    @property
    def on_time_resolution(self):
        return _fraction(self["resolved_on_time"], self["resolved_on_time"] + self["resolved_late"])

    @property
    def return_rate(self):
        return _fraction(self["returned"], self["dispatched"])

    @property
    def rework_rate(self):
        return _fraction(self["reworked"], self["resolved"])

    @property
    def response_rate(self):
        return _fraction(self["cb_contacted"], self["cb_valid"])

    @property
    def resolution_rate(self):
        return _fraction(self["cb_solved"], self["cb_valid"])

    @property
    def satisfaction_rate(self):
        if not self["cb_valid"]:
            return None
        factor = Fraction(settings.WORKORDER_BASIC_SATISFACTION_FACTOR)
        return (self["cb_satisfied"] + factor * self["cb_basic"]) / self["cb_valid"]

    @property
    def score(self):
        """综合得分 in [0, 1] (× 100 for display)."""
        if not self["cb_valid"]:
            return None
        w_response, w_resolution, w_satisfaction = weights()
        return (
            w_response * self.response_rate
            + w_resolution * self.resolution_rate
            + w_satisfaction * self.satisfaction_rate
        )

    RATES = (
        "on_time_acceptance",
        "on_time_resolution",
        "return_rate",
        "rework_rate",
        "response_rate",
        "resolution_rate",
        "satisfaction_rate",
        "score",
    )

    def as_dict(self, digits: int = 4) -> dict:
        out = {name: self[name] for name in COUNTERS}
        for name in self.RATES:
            value = getattr(self, name)
            out[name] = None if value is None else round(float(value), digits)
        return out

    def __add__(self, other: Metrics) -> Metrics:
        total = Counter(self.counts)
        total.update(other.counts)
        return Metrics(dict(total))


# ------------------------------------------------------------------ targets
def region_level(code: str) -> str:
    if len(code) == 12:
        return "community"
    if len(code) == 9:
        return "street"
    if code[2:] == "0000":
        return "province"
    if code[4:] == "00":
        return "city"
    return "county"


def region_prefix(code: str) -> str:
    return code[: LEVEL_PREFIX[region_level(code)]]


def _range(prefix: str, field: str = "region_code") -> dict:
    """code in [prefix, prefix+1): a plain B-tree range, whatever the collation."""
    upper = str(int(prefix) + 1).zfill(len(prefix))
    return {f"{field}__gte": prefix, f"{field}__lt": upper}


def _months(period_from: datetime.date, period_to: datetime.date) -> tuple[datetime.date, datetime.date]:
    start, end = period_from.replace(day=1), period_to.replace(day=1)
    if end < start:
        raise ValueError("统计区间的结束月份早于开始月份")
    return start, end


def _code(region) -> str:
    return region if isinstance(region, str) else region.pk


def region_cells(code: str, month_from, month_to, *, category_id=None):
    """The rollup rows that add up to a region: its own rows below city level, the county rows
    inside it for a city or the province; the all-categories rows unless a category is asked."""
    level = region_level(code)
    if level in ("city", "province"):
        qs = CountyMonthStat.objects.filter(**_range(region_prefix(code)))
    else:
        qs = LEVEL_MODELS[level].objects.filter(region_code=code)
    return qs.filter(
        month__gte=month_from,
        month__lte=month_to,
        category_id=ALL_CATEGORIES if category_id is None else category_id,
    )


def unit_cells(unit: tuple[str, int], month_from, month_to, *, county_prefix: str = ""):
    qs = HandlerMonthStat.objects.filter(
        unit_type=unit[0], unit_id=unit[1], month__gte=month_from, month__lte=month_to
    )
    if county_prefix:
        qs = qs.filter(county_code__startswith=county_prefix)
    return qs


def _sum(qs) -> Metrics:
    row = qs.order_by().aggregate(**{c: Sum(c) for c in COUNTERS})
    return Metrics({c: row[c] or 0 for c in COUNTERS})


def _unit_of(company=None, committee=None, department=None) -> tuple[str, int] | None:
    for kind, obj in (("company", company), ("committee", committee), ("department", department)):
        if obj is not None:
            return (kind, obj if isinstance(obj, int) else obj.pk)
    return None


def _check_access(user, *, code: str | None = None, unit=None, compound=None) -> str:
    """404 unless the user's scope covers the target; returns a county prefix to restrict unit
    figures to (officials see a unit's work in their own region only)."""
    if user is None:
        return ""
    scope = scope_of(user)
    if scope.everything:
        return ""
    if code is not None:
        if scope.region_prefix and not scope.department_id and code.startswith(scope.region_prefix):
            return ""
        raise Http404("未找到该区划，或您无权查看。")
    if compound is not None:
        if (
            (
                scope.region_prefix
                and not scope.department_id
                and compound.community_id.startswith(scope.region_prefix)
            )
            or scope.compound_id == compound.pk
            or (scope.company_id and compound.company_id == scope.company_id)
        ):
            return ""
        raise Http404("未找到该小区，或您无权查看。")
    kind, pk = unit
    own = {"company": scope.company_id, "committee": scope.committee_id, "department": scope.department_id}[
        kind
    ]
    if own == pk:
        return ""
    if scope.region_prefix and not scope.department_id:
        return scope.region_prefix[:6]
    raise Http404("未找到该单位，或您无权查看。")


def workorder_metrics(
    *,
    period_from: datetime.date,
    period_to: datetime.date,
    region=None,
    compound=None,
    company=None,
    committee=None,
    department=None,
    category=None,
    user=None,
) -> Metrics:
    """Metrics of exactly one target over the months from `period_from` to `period_to`.
    `user` (optional) limits the target to that user's scope (Http404 outside it)."""
    month_from, month_to = _months(period_from, period_to)
    unit = _unit_of(company, committee, department)
    targets = [t for t in (region, compound, unit) if t is not None]
    if len(targets) != 1:
        raise ValueError("exactly one of region, compound, company, committee, department")
    category_id = getattr(category, "pk", category)
    if region is not None:
        code = _code(region)
        _check_access(user, code=code)
        return _sum(region_cells(code, month_from, month_to, category_id=category_id))
    if compound is not None:
        _check_access(user, compound=compound)
        counts = rollups.region_counts(
            prefix_length=12,
            region_prefix=compound.community_id,
            month_from=month_from,
            month_to=month_to,
            category_id=category_id,
            compound_id=compound.pk,
        )
        return _total(counts.values())
    county_prefix = _check_access(user, unit=unit)
    return _sum(unit_cells(unit, month_from, month_to, county_prefix=county_prefix))


def _total(counters) -> Metrics:
    total = Counter()
    for c in counters:
        total.update(c)
    return Metrics({c: total.get(c, 0) for c in COUNTERS})


def workorder_metrics_direct(
    *, period_from, period_to, region=None, company=None, committee=None, department=None, category=None
) -> Metrics:
    """The same figures aggregated straight from the work orders (the baseline the rollups are
    tested and benchmarked against). Slow at scale by design."""
    month_from, month_to = _months(period_from, period_to)
    unit = _unit_of(company, committee, department)
    if region is not None:
        code = _code(region)
        prefix = region_prefix(code)
        counts = rollups.region_counts(
            prefix_length=len(prefix),
            region_prefix=prefix,
            month_from=month_from,
            month_to=month_to,
            category_id=getattr(category, "pk", category),
        )
        return _total(counts.values())
    counts = rollups.unit_counts(unit=unit, month_from=month_from, month_to=month_to)
    return _total(counts.values())


# ------------------------------------------------------------------ series
def workorder_metrics_by_month(*, region, period_from, period_to, category=None, user=None) -> list[tuple]:
    """[(month, Metrics)] for every month of the period (empty months included)."""
    month_from, month_to = _months(period_from, period_to)
    code = _code(region)
    _check_access(user, code=code)
    rows = (
        region_cells(code, month_from, month_to, category_id=getattr(category, "pk", category))
        .order_by()
        .values("month")
        .annotate(**{c: Sum(c) for c in COUNTERS})
    )
    by_month = {r["month"]: Metrics({c: r[c] or 0 for c in COUNTERS}) for r in rows}
    out, month = [], month_from
    while month <= month_to:
        out.append((month, by_month.get(month, Metrics())))
        month = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return out


def workorder_metrics_by_category(*, region, period_from, period_to, user=None) -> list[tuple]:
    """[(Category, Metrics)] for every category, in the categories' order."""
    from apps.workorders.models import Category

    month_from, month_to = _months(period_from, period_to)
    code = _code(region)
    _check_access(user, code=code)
    level = region_level(code)
    if level in ("city", "province"):
        qs = CountyMonthStat.objects.filter(**_range(region_prefix(code)))
    else:
        qs = LEVEL_MODELS[level].objects.filter(region_code=code)
    rows = (
        qs.filter(month__gte=month_from, month__lte=month_to)
        .exclude(category_id=ALL_CATEGORIES)
        .order_by()
        .values("category_id")
        .annotate(**{c: Sum(c) for c in COUNTERS})
    )
    by_cat = {r["category_id"]: Metrics({c: r[c] or 0 for c in COUNTERS}) for r in rows}
    return [(cat, by_cat.get(cat.pk, Metrics())) for cat in Category.objects.all()]


def child_region_metrics(*, region, period_from, period_to, user=None) -> list[tuple[str, Metrics]]:
    """[(child region code, Metrics)] for the children of a region that had any activity."""
    month_from, month_to = _months(period_from, period_to)
    code = _code(region)
    _check_access(user, code=code)
    level = region_level(code)
    child = CHILD_LEVEL.get(level)
    if child is None:
        return []
    model = CountyMonthStat if child == "city" else LEVEL_MODELS[child]
    qs = model.objects.filter(
        category_id=ALL_CATEGORIES, month__gte=month_from, month__lte=month_to, **_range(region_prefix(code))
    )
    if child == "city":  # a province's cities: sum their county rows
        rows = qs.annotate(_child=Substr("region_code", 1, 4))
        rows = rows.order_by().values("_child").annotate(**{c: Sum(c) for c in COUNTERS})
        return sorted((r["_child"] + "00", Metrics({c: r[c] or 0 for c in COUNTERS})) for r in rows)
    rows = qs.order_by().values("region_code").annotate(**{c: Sum(c) for c in COUNTERS})
    return sorted((r["region_code"], Metrics({c: r[c] or 0 for c in COUNTERS})) for r in rows)


# ------------------------------------------------------------------ red and black lists
@dataclass(frozen=True)
class RankRow:
    key: str | int
    name: str
    metrics: Metrics
    position: int

    @property
    def score(self):
        return self.metrics.score


@dataclass(frozen=True)
class Ranking:
    """The red list (best first), the black list (worst first), and every ranked entity's
    position (1 = best). Entities below the call-back minimum are listed as unranked."""

    month: datetime.date
    kind: str
    red: list[RankRow]
    black: list[RankRow]
    positions: dict
    unranked: list

    @property
    def ranked_count(self) -> int:
        return len(self.positions)


RANK_COUNTERS = ("cb_valid", "cb_contacted", "cb_solved", "cb_satisfied", "cb_basic")


def _sort_key(row: tuple, w: tuple[float, float, float], factor: float):
    """(key, valid, contacted, solved, satisfied, basic) → score, then satisfaction, then
    resolution, best first. Floats from the counters (exact Fractions for 20,000 communities would
    cost a second), rounded so that equal exact values compare equal; then the key."""
    key, valid, contacted, solved, satisfied, basic = row
    satisfaction = (satisfied + factor * basic) / valid
    score = (w[0] * contacted + w[1] * solved) / valid + w[2] * satisfaction
    return (-round(score, 9), -round(satisfaction, 9), -round(solved / valid, 9), str(key))


def workorder_rankings(*, region, month: datetime.date, kind: str, user=None) -> Ranking:
    """The monthly red list (best composite scores) and black list (worst) of the streets,
    communities or property companies inside a region. Entities with fewer valid call-backs
    than WORKORDER_RANKING_MIN_CALLBACKS that month are unranked. Companies are ranked on their
    work inside the region's county or above. Reads only the rollups."""
    from apps.regions.models import Region
    from apps.registry.models import PropertyCompany

    month = month.replace(day=1)
    code = _code(region)
    _check_access(user, code=code)
    prefix = region_prefix(code)
    if kind in ("street", "community"):
        base = LEVEL_MODELS[kind].objects.filter(category_id=ALL_CATEGORIES, month=month, **_range(prefix))
        rows = list(base.values_list("region_code", *RANK_COUNTERS))

        def full(keys):
            return {
                r["region_code"]: r
                for r in base.filter(region_code__in=keys).values("region_code", *COUNTERS)
            }

        def names(keys):
            return dict(Region.objects.filter(code__in=keys).values_list("code", "name"))
    elif kind == "company":
        base = HandlerMonthStat.objects.filter(
            unit_type="company", month=month, **_range(prefix[:6], field="county_code")
        ).order_by()
        rows = list(
            base.values("unit_id")
            .annotate(**{c: Sum(c) for c in RANK_COUNTERS})
            .values_list("unit_id", *RANK_COUNTERS)
        )

        def full(keys):
            summed = base.filter(unit_id__in=keys).values("unit_id").annotate(**{c: Sum(c) for c in COUNTERS})
            return {r["unit_id"]: r for r in summed}

        def names(keys):
            return dict(PropertyCompany.objects.filter(pk__in=keys).values_list("pk", "name"))
    else:
        raise ValueError("kind must be street, community or company")

    minimum = max(1, settings.WORKORDER_RANKING_MIN_CALLBACKS)
    size = settings.WORKORDER_RANKING_SIZE
    w = tuple(float(x) for x in weights())
    factor = float(Fraction(settings.WORKORDER_BASIC_SATISFACTION_FACTOR))
    ranked = sorted((r for r in rows if (r[1] or 0) >= minimum), key=lambda r: _sort_key(r, w, factor))
    positions = {r[0]: i + 1 for i, r in enumerate(ranked)}
    red_keys = [r[0] for r in ranked[:size]]
    black_keys = [r[0] for r in reversed(ranked[max(len(red_keys), len(ranked) - size) :])]
    shown = red_keys + black_keys
    counters, labels = full(shown), names(shown)

    def row(key):
        values = counters.get(key, {})
        return RankRow(
            key, labels.get(key, str(key)), Metrics({c: values.get(c) or 0 for c in COUNTERS}), positions[key]
        )

    unranked = sorted(r[0] for r in rows if (r[1] or 0) < minimum)
    return Ranking(
        month=month,
        kind=kind,
        red=[row(k) for k in red_keys],
        black=[row(k) for k in black_keys],
        positions=positions,
        unranked=unranked,
    )
