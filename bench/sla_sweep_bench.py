"""Time `sla_sweep` over N open work orders on PostgreSQL (issue 6: 1,000,000 open orders < 30 s,
a second run that changes nothing < 5 s).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rp_wo_bench .venv/bin/python manage.py migrate
    DATABASE_URL=... .venv/bin/python manage.py shell -c "exec(open('bench/sla_sweep_bench.py').read())"

Rows are bulk-inserted with one INSERT ... SELECT generate_series (not through the services: this
times the sweep, not the intake). Mix, at the sweep's `now`: ACTION_SHARE of the orders turn red,
the same share turn yellow, ESCALATE_SHARE are due for escalation; the rest are untouched.
Set N, ACTION_SHARE, ESCALATE_SHARE in the environment to change the mix.
"""

import datetime
import os
import time
from decimal import Decimal

from django.db import connection

from apps.regions.models import Region
from apps.registry.models import Compound
from apps.registry.services import compound_create
from apps.workorders.models import Category, WorkOrder
from apps.workorders.sweep import sla_sweep

N = int(os.environ.get("N", 1_000_000))
ACTION_SHARE = float(os.environ.get("ACTION_SHARE", 0.05))
ESCALATE_SHARE = float(os.environ.get("ESCALATE_SHARE", 0.01))
NOW = datetime.datetime(2026, 3, 10, 10, tzinfo=datetime.UTC)

assert connection.vendor == "postgresql", "run on PostgreSQL"
if not Region.objects.exists():
    from pathlib import Path

    from apps.regions.services import regions_load

    regions_load(text=Path("data/divisions_linyi_heze.csv").read_text(encoding="utf-8"), actor=None)
compound = Compound.objects.first() or compound_create(
    actor=None,
    data={
        "name": "基准小区",
        "community": Region.objects.get(code="371311003003"),
        "households": 100,
        "total_floor_area": Decimal("10000"),
        "year_built": 2000,
        "management_mode": "none",
    },
)
category = Category.objects.get(code="sanitation")

WorkOrder.objects.all().delete()
t = time.monotonic()
red, yellow, esc = int(N * ACTION_SHARE), int(N * ACTION_SHARE), int(N * ESCALATE_SHARE)
with connection.cursor() as cur:
    # i < red: overdue (red now); next `yellow`: warning time passed; first `esc` of the red ones are
    # past their escalation time; everything else due in the future.
    cur.execute(
        f"""
        INSERT INTO workorders_workorder (tracking_code, compound_id, region_code, category_id, urgency, description,
            channel, reporter_name, reporter_phone, is_anonymous, joint_owner_count, is_joint, status, version, level,
            handler_kind, end_reason, submitted_at, stage_started_at, due_at, warn_at, escalate_at, escalate_reason,
            sla_card, calendar_missing, return_count, rework_count, escalation_count, duplicate_count, is_generated,
            created_at, updated_at)
        SELECT lpad(to_hex(i), 10, '0'), %s, %s, %s, 'normal', 'bench', 'hotline', '', '', false, 0, false,
            'submitted', 0, 'community', '', '', ts, ts,
            CASE WHEN i < {red} THEN %s - interval '1 hour' ELSE %s + interval '3 days' END,
            CASE WHEN i < {red + yellow} THEN %s - interval '2 hours' ELSE %s + interval '2 days' END,
            CASE WHEN i < {esc} THEN %s - interval '10 minutes' ELSE %s + interval '4 days' END,
            'overdue', 'none', false, 0, 0, 0, 0, true, ts, ts
        FROM generate_series(0, %s - 1) AS i, (SELECT %s::timestamptz - interval '2 days' AS ts) AS s
        """,
        [compound.pk, compound.community_id, category.pk, NOW, NOW, NOW, NOW, NOW, NOW, N, NOW],
    )
    cur.execute("ANALYZE workorders_workorder")
print(
    f"loaded {N:,} open orders in {time.monotonic() - t:.1f} s (red {red:,}, yellow {yellow:,}, escalate {esc:,})"
)

for label in ("first run", "second run (nothing to do)"):
    t = time.monotonic()
    report = sla_sweep(now=NOW)
    print(f"{label}: {time.monotonic() - t:.2f} s — {report} — steps {report.seconds}")
