"""Work orders on the dashboard (RULES.md §4): for a region and a span of months, the volume and
the rates, their trend by month, the figures by category and of each child region, and the
red/black lists of one month.

Everything is read from the rollup tables through apps/workorders/metrics.py — never by scanning
work orders. The page and `GET /api/v1/dashboard/workorders` both call `panel()`, so they show
the same numbers.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from apps.regions.choices import RegionLevel
from apps.regions.models import Region
from apps.workorders import metrics
from apps.workorders.metrics import Metrics, Ranking

DEFAULT_MONTHS = 12  # the period shown when none is asked for: the last 12 months
MAX_MONTHS = 36  # the longest period a page or request may ask for
MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")

# The rates shown, in this order: (attribute of Metrics, Chinese label, numerator counter).
RATES = (
    ("response_rate", "响应率", "cb_contacted"),
    ("resolution_rate", "解决率", "cb_solved"),
    ("satisfaction_rate", "满意率", None),
    ("score", "综合得分", None),
)

# Which red/black lists a region's page shows. Companies are ranked on their work in a whole
# county (the rollups' grain), so they are listed from county level up; a street ranks its
# communities; a community's page ranks nothing. A province ranks its streets, not its ~20,000
# communities: that one list cost more than the rest of the province's panel and made province
# 4-6x slower than city (bench/metrics_bench.py, docs/dashboard.md "Speed").
RANK_KINDS = {
    RegionLevel.PROVINCE: ("street", "company"),
    RegionLevel.CITY: ("street", "community", "company"),
    RegionLevel.COUNTY: ("street", "community", "company"),
    RegionLevel.STREET: ("community",),
    RegionLevel.COMMUNITY: (),
}
RANK_LABELS = {"street": "街道", "community": "社区", "company": "物业企业"}


# ------------------------------------------------------------ months
def add_months(month: datetime.date, n: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + n
    return datetime.date(index // 12, index % 12 + 1, 1)


def month_label(month: datetime.date) -> str:
    return f"{month.year}-{month.month:02d}"


def parse_month(text: str) -> datetime.date:
    match = MONTH_RE.match(text or "")
    if not match or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 2000:
        raise ValueError(text)
    return datetime.date(int(match.group(1)), int(match.group(2)), 1)


@dataclass(frozen=True)
class Period:
    """Whole months from `month_from` to `month_to`, and the month whose red/black lists show."""

    month_from: datetime.date
    month_to: datetime.date
    rank_month: datetime.date

    @property
    def months(self) -> list[datetime.date]:
        out, month = [], self.month_from
        while month <= self.month_to:
            out.append(month)
            month = add_months(month, 1)
        return out

    @property
    def query(self) -> str:
        return f"from={month_label(self.month_from)}&to={month_label(self.month_to)}&month={month_label(self.rank_month)}"


def closed_month(
    month_from: datetime.date, month_to: datetime.date, this_month: datetime.date
) -> datetime.date:
    """The red/black lists' default month: the period's last month, or the one before it when
    that is the current, unfinished month (rankings are of whole months)."""
    if month_to == this_month and month_from < month_to:
        return add_months(month_to, -1)
    return month_to


def default_period(today: datetime.date) -> Period:
    this_month = today.replace(day=1)
    month_from = add_months(this_month, 1 - DEFAULT_MONTHS)
    return Period(month_from, this_month, closed_month(month_from, this_month, this_month))


def period_from_params(
    *, start: str | None, end: str | None, month: str | None, today: datetime.date, clamp_month: bool = False
) -> Period:
    """The period of `?from=YYYY-MM&to=YYYY-MM&month=YYYY-MM` (each optional: `to` defaults to
    this month, `from` to 11 months before `to`, `month` to the last whole month of the period). Bad input raises a
    ValidationError whose messages name the field in Chinese. `clamp_month` (the page's form,
    where the period may change while the month select still holds an old month): a month
    outside the period becomes the default month instead of an error."""
    errors: dict[str, list[str]] = {}
    this_month = today.replace(day=1)

    def read(name, text):
        if text in (None, ""):
            return None
        try:
            return parse_month(text)
        except ValueError:
            errors[name] = ["请输入有效月份，格式为 YYYY-MM（如 2026-03）"]
            return None

    month_from, month_to, rank_month = read("from", start), read("to", end), read("month", month)
    if errors:
        raise ValidationError(errors)
    if month_to is None:
        month_to = (
            this_month if month_from is None else min(this_month, add_months(month_from, DEFAULT_MONTHS - 1))
        )
    if month_from is None:
        month_from = add_months(month_to, 1 - DEFAULT_MONTHS)
    if month_to > this_month:
        errors["to"] = ["结束月份不能晚于本月"]
    elif month_from > month_to:
        errors["from"] = ["开始月份不能晚于结束月份"]
    elif (month_to.year - month_from.year) * 12 + month_to.month - month_from.month + 1 > MAX_MONTHS:
        errors["from"] = [f"统计区间最长 {MAX_MONTHS} 个月"]
    if rank_month is None or (clamp_month and not month_from <= rank_month <= month_to):
        rank_month = closed_month(month_from, month_to, this_month)
    elif not errors and not month_from <= rank_month <= month_to:
        errors["month"] = ["排名月份须在统计区间内"]
    if errors:
        raise ValidationError(errors)
    return Period(month_from, month_to, rank_month)


# ------------------------------------------------------------ the panel
@dataclass(frozen=True)
class RankList:
    kind: str  # street | community | company
    label: str
    ranking: Ranking


@dataclass(frozen=True)
class Panel:
    region: Region
    period: Period
    totals: Metrics
    by_month: list[tuple[datetime.date, Metrics]]
    by_category: list[tuple]  # (Category, Metrics)
    children: dict[str, Metrics]  # child region code → its metrics (children without orders absent)
    rankings: list[RankList]

    @property
    def has_orders(self) -> bool:
        return any(self.totals.counts.values())

    def child(self, code: str) -> Metrics:
        return self.children.get(code, Metrics())


def panel(*, region: Region, period: Period, user=None) -> Panel:
    """Everything the dashboard shows about work orders in a region over a period. Reads only
    the rollups: a fixed number of queries whatever the number of orders."""
    span = {"period_from": period.month_from, "period_to": period.month_to, "user": user}
    code = region.code
    return Panel(
        region=region,
        period=period,
        totals=metrics.workorder_metrics(region=code, **span),
        by_month=metrics.workorder_metrics_by_month(region=code, **span),
        by_category=metrics.workorder_metrics_by_category(region=code, **span),
        children=dict(metrics.child_region_metrics(region=code, **span)),
        rankings=[
            RankList(
                kind,
                RANK_LABELS[kind],
                metrics.workorder_rankings(region=code, month=period.rank_month, kind=kind, user=user),
            )
            for kind in RANK_KINDS.get(region.level, ())
        ],
    )


# ------------------------------------------------------------ values for tables and JSON
def percent(value) -> float | None:
    """A rate (Fraction or None) as a percentage with one decimal, for screens and Excel."""
    return None if value is None else round(float(value) * 100, 1)
