"""Time the work-order metrics selectors on province-scale rollup tables (PostgreSQL).

Issue 4's target: the dashboard for a whole province (>= 50,000 compounds, >= 10 million orders)
answers in p95 < 300 ms, and province is at most 3x slower than city. The rollup rows are
generated directly with SQL (this times reads, not writes): 16 cities × 9 counties × 13 streets
× 11 communities (~20,600 communities), 24 months, 10 of 15 categories per community-month.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rp_wo_bench .venv/bin/python manage.py shell \
        -c "exec(open('bench/metrics_bench.py').read())"

BENCH_REUSE=1 keeps rollup tables already filled by an earlier run (the build takes minutes).
After the selectors, it times the dashboard's own set of calls: `apps.dashboards.workorders.panel`
(what the page and /api/v1/dashboard/workorders read) for the default 12-month period, and the
JSON built from it.
"""

import datetime
import os
import statistics
import time

from django.db import connection

from apps.workorders import metrics
from apps.workorders.models import LEVEL_MODELS, Category, HandlerMonthStat

assert connection.vendor == "postgresql", "run on PostgreSQL"
cats = list(Category.objects.values_list("pk", flat=True))
REUSE = os.environ.get("BENCH_REUSE") == "1" and LEVEL_MODELS["community"].objects.exists()
if not REUSE:
    for model in (*LEVEL_MODELS.values(), HandlerMonthStat):
        model.objects.all().delete()
t = time.monotonic()
with connection.cursor() as cur:
    if REUSE:
        cur.execute("CREATE TEMP TABLE bench_cells AS SELECT 1 AS n WHERE false")
    cur.execute(
        """
        CREATE TEMP TABLE bench_cells AS
        WITH cities AS (SELECT '37' || lpad(c::text, 2, '0') AS city FROM generate_series(1, 16) c),
             counties AS (SELECT city || lpad(k::text, 2, '0') AS county FROM cities, generate_series(1, 9) k),
             streets AS (SELECT county || lpad(s::text, 3, '0') AS street FROM counties, generate_series(1, 13) s),
             communities AS (SELECT street || lpad(m::text, 3, '0') AS community FROM streets, generate_series(1, 11) m),
             months AS (SELECT (date '2024-12-01' + (i || ' month')::interval)::date AS month
                        FROM generate_series(0, 23) i),
             cats AS (SELECT unnest(%s::bigint[]) AS category_id)
        SELECT community, month, category_id, (1 + (hashtext(community || month || category_id) & 7)) AS n
        FROM communities, months, cats
        WHERE (hashtext(community || category_id) & 15) < 10
        """,
        [cats],
    ) if not REUSE else None
    for table, length in () if REUSE else (("county", 6), ("street", 9), ("community", 12)):
        cur.execute(
            f"""
            INSERT INTO workorders_{table}monthstat (region_code, month, category_id, intake, accepted,
                accepted_on_time, accepted_late, dispatched, returned, resolved, resolved_on_time, resolved_late,
                reworked, cb_valid, cb_contacted, cb_solved, cb_satisfied, cb_basic, cb_dissatisfied)
            SELECT code, month, cat, sum(n), sum(n), sum(n) - sum(n) / 8, sum(n) / 8, sum(n) + sum(n) / 10,
                sum(n) / 10, sum(n), sum(n) - sum(n) / 6, sum(n) / 6, sum(n) / 12, sum(n), sum(n) - sum(n) / 9,
                sum(n) - sum(n) / 7, sum(n) / 2, sum(n) / 3, sum(n) - sum(n) / 2 - sum(n) / 3
            FROM (SELECT left(community, {length}) AS code, month, category_id AS cat, n FROM bench_cells
                  UNION ALL SELECT left(community, {length}), month, 0, n FROM bench_cells) x
            GROUP BY code, month, cat
            """
        )
    REUSE or cur.execute(
        """
        INSERT INTO workorders_handlermonthstat (unit_type, unit_id, county_code, month, dispatched, resolved,
            resolved_on_time, resolved_late, cb_valid, cb_contacted, cb_solved, cb_satisfied, cb_basic, cb_dissatisfied)
        SELECT 'company', c.rn * 100 + u0, c.county_code, m.month, 40, 38, 33, 5, 30, 28, 26, 16, 9, 5
        FROM (SELECT county_code, row_number() OVER (ORDER BY county_code) AS rn
              FROM (SELECT DISTINCT region_code AS county_code FROM workorders_countymonthstat) d) c,
             generate_series(1, 25) u0,
             (SELECT DISTINCT month FROM workorders_countymonthstat) m
        """
    )
    # VACUUM (not only ANALYZE) sets the visibility map: index-only scans of the covering indexes.
    for table in () if REUSE else ("county", "street", "community", "handler"):
        cur.execute(f"VACUUM ANALYZE workorders_{table}monthstat")
counts = {level: model.objects.count() for level, model in LEVEL_MODELS.items()}
orders = sum(LEVEL_MODELS["county"].objects.filter(category_id=0).values_list("intake", flat=True))
print(
    f"rollup rows: {counts}, unit {HandlerMonthStat.objects.count():,} (built in {time.monotonic() - t:.0f} s); "
    f"orders represented: {orders:,}"
)

P = dict(period_from=datetime.date(2024, 12, 1), period_to=datetime.date(2026, 11, 30))
MONTH = datetime.date(2026, 10, 1)


def dashboard(code):
    """What a dashboard JSON needs from this app: totals, the trend, by category, the children,
    the red/black lists."""
    metrics.workorder_metrics(region=code, **P)
    metrics.workorder_metrics_by_month(region=code, **P)
    metrics.workorder_metrics_by_category(region=code, **P)
    metrics.child_region_metrics(region=code, **P)
    metrics.workorder_rankings(region=code, month=MONTH, kind="street")
    metrics.workorder_rankings(region=code, month=MONTH, kind="community")
    metrics.workorder_rankings(region=code, month=MONTH, kind="company")


for label, code in (("province 370000", "370000"), ("city 370100", "370100"), ("county 370101", "370101")):
    dashboard(code)  # warm
    runs = []
    for _ in range(15):
        t = time.monotonic()
        dashboard(code)
        runs.append((time.monotonic() - t) * 1000)
    runs.sort()
    print(f"{label}: p50 {statistics.median(runs):.0f} ms, p95 {runs[int(len(runs) * 0.95) - 1]:.0f} ms")


# ------------------------------------------------------------ the dashboard's own calls
from apps.dashboards import api as dashboard_api  # noqa: E402
from apps.dashboards import workorders as wo  # noqa: E402
from apps.regions.models import Region, RegionLevel  # noqa: E402

PERIOD = wo.Period(datetime.date(2025, 11, 1), datetime.date(2026, 10, 1), datetime.date(2026, 10, 1))
REGIONS = {
    "province": Region(code="370000", name="省", level=RegionLevel.PROVINCE),
    "city": Region(code="370100", name="市", level=RegionLevel.CITY),
    "county": Region(code="370101", name="县", level=RegionLevel.COUNTY),
}


def page_calls(region):
    """panel() and the JSON answer's conversion of it (children as the API lists them)."""
    p = wo.panel(region=region, period=PERIOD)
    dashboard_api.workorder_metrics_out(p.totals)
    [dashboard_api.workorder_metrics_out(m) for _, m in (*p.by_month, *p.by_category)]
    [dashboard_api.workorder_metrics_out(m) for m in p.children.values()]
    for r in p.rankings:
        [dashboard_api.workorder_metrics_out(row.metrics) for row in (*r.ranking.red, *r.ranking.black)]


def time_it(label, fn, runs=41):
    fn()  # warm
    ms = []
    for _ in range(runs):
        t = time.monotonic()
        fn()
        ms.append((time.monotonic() - t) * 1000)
    ms.sort()
    p50, p95 = statistics.median(ms), ms[int(len(ms) * 0.95) - 1]
    print(f"{label}: p50 {p50:.0f} ms, p95 {p95:.0f} ms")
    return p50, p95


def interleaved(fns: dict, rounds=41) -> dict:
    """Time several calls round-robin, so that each sees the same load on a shared machine."""
    for fn in fns.values():
        fn()  # warm
    ms = {label: [] for label in fns}
    for _ in range(rounds):
        for label, fn in fns.items():
            t = time.monotonic()
            fn()
            ms[label].append((time.monotonic() - t) * 1000)
    out = {}
    for label, runs in ms.items():
        runs.sort()
        out[label] = (statistics.median(runs), runs[int(len(runs) * 0.95) - 1])
        print(f"  {label}: p50 {out[label][0]:.0f} ms, p95 {out[label][1]:.0f} ms")
    return out


def uncapped_province():
    """Before the cap: the province's page would also rank every community of the province."""
    capped = wo.RANK_KINDS[RegionLevel.PROVINCE]
    wo.RANK_KINDS[RegionLevel.PROVINCE] = ("street", "community", "company")
    try:
        page_calls(REGIONS["province"])
    finally:
        wo.RANK_KINDS[RegionLevel.PROVINCE] = capped


print("dashboard panel (page and /api/v1/dashboard/workorders), 12 months, interleaved:")
results = interleaved(
    {
        "province, before (with the province-wide community list)": uncapped_province,
        "province": lambda: page_calls(REGIONS["province"]),
        "city": lambda: page_calls(REGIONS["city"]),
        "county": lambda: page_calls(REGIONS["county"]),
    }
)
city = results["city"]
for label in ("province, before (with the province-wide community list)", "province"):
    print(f"  {label} / city: p50 {results[label][0] / city[0]:.1f}x, p95 {results[label][1] / city[1]:.1f}x")
print("province, call by call:")
P12 = dict(period_from=PERIOD.month_from, period_to=PERIOD.month_to)
for name, fn in (
    ("totals", lambda: metrics.workorder_metrics(region="370000", **P12)),
    ("by month", lambda: metrics.workorder_metrics_by_month(region="370000", **P12)),
    ("by category", lambda: metrics.workorder_metrics_by_category(region="370000", **P12)),
    ("children", lambda: metrics.child_region_metrics(region="370000", **P12)),
    (
        "streets list",
        lambda: metrics.workorder_rankings(region="370000", month=PERIOD.rank_month, kind="street"),
    ),
    (
        "communities list (not shown)",
        lambda: metrics.workorder_rankings(region="370000", month=PERIOD.rank_month, kind="community"),
    ),
    (
        "companies list",
        lambda: metrics.workorder_rankings(region="370000", month=PERIOD.rank_month, kind="company"),
    ),
):
    time_it(f"  {name}", fn, runs=11)
