"""The demo loader runs the real services, is idempotent, and leaves consistent rollups."""

import datetime
import random

from apps.core.models import Event
from apps.workorders import demo
from apps.workorders.models import WorkOrder
from apps.workorders.rollups import rollup_snapshot, rollups_rebuild


def test_demo_seed_is_consistent_and_idempotent(world, monkeypatch, settings):
    monkeypatch.setattr(demo, "MONTHS", 4)
    lines = []
    demo.seed(rng=random.Random(1), today=datetime.date(2026, 11, 26), log=lines.append, scale=0.25)
    orders = WorkOrder.objects.filter(is_generated=True)
    assert orders.count() > 20
    assert orders.filter(status="closed").exists()
    assert not orders.exclude(region_code__startswith="3713").exclude(region_code__startswith="3717").exists()
    # Every transition went through the services: one submit event per order, timeline complete.
    assert Event.objects.filter(verb="workorder.submit").count() == WorkOrder.objects.count()
    first = Event.objects.filter(verb="workorder.submit").order_by("created_at").first()
    assert first.created_at.date() < datetime.date(2026, 9, 1)  # events carry the replayed times
    # every demo login finds work in its queues: a fixed backlog on the featured compounds
    backlog = orders.filter(submitted_at__gte=datetime.datetime(2026, 11, 24, tzinfo=datetime.UTC))
    statuses = set(backlog.values_list("status", flat=True))
    assert {"submitted", "accepted", "dispatched", "signed", "resolved"} <= statuses
    assert Event.objects.filter(verb="workorder.extend").exists()
    kept = rollup_snapshot()
    rollups_rebuild()
    assert rollup_snapshot() == kept
    count = WorkOrder.objects.count()
    demo.seed(rng=random.Random(2), today=datetime.date(2026, 11, 26), log=lines.append)
    assert WorkOrder.objects.count() == count and lines[-1] == "工单演示数据已存在，跳过"
