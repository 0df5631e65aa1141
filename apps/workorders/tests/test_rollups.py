"""The rollups kept by the services equal a fresh aggregation of the raw rows, after random
workflows spread over several months, regions, units and sweeps."""

import datetime
import io
import random
from decimal import Decimal

import pytest
from django.core.management import call_command

from apps.regions.models import Region
from apps.registry.services import compound_create
from apps.workorders import metrics, services
from apps.workorders.choices import EscalationReason, Status
from apps.workorders.models import Category, WorkOrder
from apps.workorders.rollups import rollup_snapshot, rollups_rebuild
from apps.workorders.sweep import sla_sweep
from apps.workorders.tests.helpers import TZ, photo

START = datetime.datetime(2026, 1, 5, 8, 0, tzinfo=TZ)


def _random_history(world, rng: random.Random, n: int = 70):
    third = compound_create(
        actor=None,
        data={
            "name": "尚屯小区",
            "community": Region.objects.get(code="371311003001"),
            "households": 150,
            "total_floor_area": Decimal("15000"),
            "year_built": 2010,
            "management_mode": "market",
            "company": world.company,
        },
    )
    compounds = [world.compound, world.other_compound, third]
    categories = list(Category.objects.all())
    for i in range(n):
        now = START + datetime.timedelta(days=rng.randrange(0, 110), hours=rng.randrange(0, 10))
        step = datetime.timedelta(hours=rng.choice([2, 5, 20, 30, 50]))
        compound = rng.choice(compounds)
        order = services.workorder_submit(
            actor=None,
            compound=compound,
            category=rng.choice(categories),
            description=f"诉求{i}",
            channel="hotline",
            urgency=rng.choice(["normal", "urgent"]),
            joint_owner_count=rng.choice([0, 0, 12]),
            now=now,
        )
        _drive(world, rng, order, compound, now, step)


def _units(world, compound):
    units = [compound.company, world.department] if compound.company else [world.department]
    if compound == world.compound:
        units.append(world.committee)
    if compound == world.other_compound:
        units = [world.other_company]
    return units


def _drive(world, rng, order, compound, now, step):
    def tick():
        nonlocal now
        now += step * rng.uniform(0.3, 1.7)
        return now

    roll = rng.random()
    if roll < 0.08:
        services.workorder_reject(order=order, actor=None, reason="无效", now=tick())
        return
    if roll < 0.14:
        target = (
            WorkOrder.objects.filter(region_code=order.region_code, status__in=["submitted", "accepted"])
            .exclude(pk=order.pk)
            .first()
        )
        if target:
            services.workorder_merge(order=order, actor=None, target=target, now=tick())
            return
    if rng.random() < 0.85:
        services.workorder_accept(order=order, actor=None, now=tick())
    for _round in range(4):
        if order.status in ("submitted", "accepted") and rng.random() < 0.1 and order.level != "city":
            services.workorder_escalate(order=order, actor=None, reason=EscalationReason.OVERDUE, now=tick())
        if order.status == "submitted":
            return
        services.workorder_dispatch(
            order=order, actor=None, handler=rng.choice(_units(world, compound)), now=tick()
        )
        if rng.random() < 0.15:
            services.workorder_return(order=order, actor=None, reason="非本单位职责", now=tick())
            continue
        services.workorder_sign(order=order, actor=None, now=tick())
        if rng.random() < 0.08:
            services.workorder_escalate(
                order=order, actor=None, reason=EscalationReason.BADLY_HANDLED, now=tick()
            )
            continue
        services.workorder_resolve(
            order=order,
            actor=None,
            note="已处理",
            photo_files=[photo()] if order.category.evidence_required else [],
            now=tick(),
        )
        while True:
            reached = rng.random() < 0.9
            services.workorder_callback(
                order=order,
                actor=None,
                reached=reached,
                contacted=rng.random() < 0.8,
                solved=rng.random() < 0.7,
                satisfaction=rng.choice(["satisfied", "basic", "dissatisfied"]),
                now=tick(),
            )
            cb = services.latest_callback(order)
            if cb.is_acceptable:
                services.workorder_close(order=order, actor=None, now=tick())
                return
            if order.rework_count >= 2 or rng.random() < 0.3:
                if order.level == "city":
                    return
                services.workorder_escalate(order=order, actor=None, reason="badly_handled", now=tick())
                break
            services.workorder_reopen(order=order, actor=None, note="重办", now=tick())
            services.workorder_sign(order=order, actor=None, now=tick())
            services.workorder_resolve(
                order=order, actor=None, note="再次处理", photo_files=[photo()], now=tick()
            )


@pytest.mark.parametrize("seed", [3, 11])
def test_rollups_equal_a_fresh_aggregation_after_random_workflows(world, seed):
    rng = random.Random(seed)
    _random_history(world, rng)
    for day in (20, 50, 80, 115):
        sla_sweep(now=START + datetime.timedelta(days=day))  # the system escalates overdue orders too
    assert WorkOrder.objects.filter(escalation_count__gt=0).exists()
    assert WorkOrder.objects.filter(status=Status.CLOSED).exists()
    kept = rollup_snapshot()
    assert kept["county"] and kept["community"] and kept["unit"]
    rollups_rebuild()
    assert rollup_snapshot() == kept

    period = dict(period_from=datetime.date(2026, 1, 1), period_to=datetime.date(2026, 6, 30))
    for code in ("370000", "371300", "371311", "371302", "371311003", "371311003003", "371311003001"):
        assert metrics.workorder_metrics(region=code, **period) == metrics.workorder_metrics_direct(
            region=code, **period
        )
    for unit in (
        {"company": world.company},
        {"company": world.other_company},
        {"department": world.department},
        {"committee": world.committee},
    ):
        assert metrics.workorder_metrics(**unit, **period) == metrics.workorder_metrics_direct(
            **unit, **period
        )
    march = dict(period_from=datetime.date(2026, 3, 1), period_to=datetime.date(2026, 3, 31))
    cat = Category.objects.get(code="sanitation")
    assert metrics.workorder_metrics(
        region="371300", category=cat, **march
    ) == metrics.workorder_metrics_direct(region="371300", category=cat, **march)
    by_month = metrics.workorder_metrics_by_month(region="371300", **period)
    assert sum((m for _, m in by_month), metrics.Metrics()) == metrics.workorder_metrics(
        region="371300", **period
    )


def test_rebuild_command_reports_no_difference(world):
    _random_history(world, random.Random(5), n=15)
    out = io.StringIO()
    call_command("rebuild_rollups", stdout=out)
    assert "0 个统计单元与现有汇总不同" in out.getvalue()
