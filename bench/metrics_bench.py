"""Time the work-order metrics selectors on province-scale rollup tables (PostgreSQL).

Issue 4's target: the dashboard for a whole province (>= 50,000 compounds, >= 10 million orders)
answers in p95 < 300 ms, and province is at most 3x slower than city. The rollup rows are
generated directly with SQL (this times reads, not writes): 16 cities × 9 counties × 13 streets
× 11 communities (~20,600 communities), 24 months, 10 of 15 categories per community-month.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rp_wo_bench .venv/bin/python manage.py shell \
        -c "exec(open('bench/metrics_bench.py').read())"
"""

import datetime
import statistics
import time

from django.db import connection

from apps.workorders import metrics
from apps.workorders.models import LEVEL_MODELS, Category, HandlerMonthStat

assert connection.vendor == "postgresql", "run on PostgreSQL"
cats = list(Category.objects.values_list("pk", flat=True))
for model in (*LEVEL_MODELS.values(), HandlerMonthStat):
    model.objects.all().delete()
t = time.monotonic()
with connection.cursor() as cur:
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
    )
    for table, length in (("county", 6), ("street", 9), ("community", 12)):
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
    cur.execute(
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
    cur.execute(
        "ANALYZE workorders_countymonthstat; ANALYZE workorders_streetmonthstat; "
        "ANALYZE workorders_communitymonthstat; ANALYZE workorders_handlermonthstat"
    )
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
