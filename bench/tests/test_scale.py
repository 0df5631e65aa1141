"""The scale generator (`bench/generate_scale.py`) at a tiny size: COPY needs PostgreSQL, so
these tests are skipped on SQLite. The generated orders must pass the domain's invariants,
and the set-based SQL rollups must equal `rollups_rebuild()`."""

import datetime
import random

import pytest
from django.db import connection

from apps.workorders import deadlines
from apps.workorders.choices import OPEN, AssignmentOutcome, Status
from apps.workorders.models import Assignment, CallBack, WorkOrder
from apps.workorders.rollups import rollup_snapshot, rollups_rebuild
from apps.workorders.services.common import order_limits, stage_for
from apps.workorders.sweep import sla_sweep
from bench.scale.orders import generate_orders
from bench.scale.places import HEZE, LINYI, ensure_units_of_work, generate_compounds, load_places
from bench.scale.rollups_sql import rollups_build_sql

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY needs PostgreSQL"),
    pytest.mark.django_db,
]
NOW = datetime.datetime(2026, 11, 20, 2, 0, tzinfo=datetime.UTC)
N = 1500


@pytest.fixture
def generated():
    rng = random.Random(7)
    companies = ensure_units_of_work(rng=rng, cities=[LINYI], log=lambda _m: None)
    generate_compounds(rng=rng, plan={LINYI: 40}, units_per_compound=20, companies=companies, log=None)
    places = load_places([LINYI])
    counts = generate_orders(rng=rng, places=places, n=N, now=NOW, days=120, open_days=10, log=None)
    return counts


def test_generated_orders_follow_the_workflow_rules(generated):
    orders = list(WorkOrder.objects.select_related("category", "current_assignment"))
    assert len(orders) == N
    assert generated["open"] == sum(o.status in OPEN for o in orders) > 0
    statuses = {o.status for o in orders}
    assert {Status.SUBMITTED, Status.DISPATCHED, Status.SIGNED, Status.CLOSED, Status.REJECTED} <= statuses
    by_order: dict[int, list[Assignment]] = {}
    for a in Assignment.objects.order_by("dispatched_at", "id"):
        by_order.setdefault(a.order_id, []).append(a)
    callbacks: dict[int, list[CallBack]] = {}
    for c in CallBack.objects.order_by("created_at", "id"):
        callbacks.setdefault(c.order_id, []).append(c)
    for o in orders:
        assert o.submitted_at <= o.updated_at <= NOW
        assert (o.ended_at is not None) == (o.status in (Status.CLOSED, Status.REJECTED))
        if o.status not in OPEN:
            assert o.due_at is None and o.warn_at is None and o.escalate_at is None
        if o.accepted_at:
            assert o.submitted_at < o.accepted_at
            assert o.accept_on_time == deadlines.on_time(o.accepted_at, o.accept_due_at)
        history = by_order.get(o.id, [])
        for a in history:
            assert a.dispatched_at >= (o.accepted_at or o.submitted_at)
            if a.signed_at:
                assert a.dispatched_at < a.signed_at
                assert a.sign_on_time == deadlines.on_time(a.signed_at, a.sign_due_at)
            if a.resolved_at:
                assert a.signed_at < a.resolved_at and a.outcome == AssignmentOutcome.RESOLVED
                assert a.resolve_on_time == deadlines.on_time(a.resolved_at, a.resolve_due_at)
            if a.returned_at:
                assert a.outcome == AssignmentOutcome.RETURNED and a.returned_at <= a.return_until
        assert o.return_count == sum(a.returned_at is not None for a in history)
        assert o.rework_count == sum(a.is_rework for a in history)
        if o.status in (Status.DISPATCHED, Status.SIGNED, Status.RESOLVED, Status.CALLED_BACK):
            current = o.current_assignment
            assert current == history[-1]
            assert o.handler_key == current.unit_key
            expected = (
                AssignmentOutcome.OPEN if o.status in (Status.DISPATCHED, Status.SIGNED) else "resolved"
            )
            assert current.outcome == expected
        if o.status == Status.CLOSED:
            last = callbacks[o.id][-1]
            assert last.is_acceptable and last.created_at < o.ended_at
        if o.status in (Status.SUBMITTED, Status.ACCEPTED, Status.DISPATCHED, Status.SIGNED, Status.RESOLVED):
            # The deadline of the current stage is what the services compute from its start.
            times = stage_for(o, o.status, start=o.stage_started_at, limits=order_limits(o))
            if o.status in (Status.SUBMITTED,) and not o.return_count:
                assert o.due_at == o.accept_due_at
            assert (o.due_at, o.warn_at, o.escalate_at) == (times.due_at, times.warn_at, times.escalate_at)
            assert o.sla_card == times.card(o.updated_at)
    # Field validation and the check constraints, on a sample.
    for o in orders[:: max(1, N // 50)]:
        o.full_clean(validate_unique=False)


def test_the_generators_rollups_equal_the_rebuild_from_raw_rows(generated):
    # Counted while the orders were simulated, one county per task.
    by_generator = rollup_snapshot()
    assert by_generator["county"] and by_generator["street"] and by_generator["unit"]
    rollups_rebuild()
    assert rollup_snapshot() == by_generator


def test_orders_appended_to_a_set_keep_the_rollups_equal_to_the_rebuild(generated):
    # A second set over two cities (several counties: several tasks) on top of the first: its
    # rollups add the first set's orders and records in SQL.
    rng = random.Random(8)
    companies = ensure_units_of_work(rng=rng, cities=[HEZE], log=lambda _m: None)
    generate_compounds(rng=rng, plan={HEZE: 30}, units_per_compound=20, companies=companies, log=None)
    places = load_places([LINYI, HEZE])
    more = generate_orders(rng=rng, places=places, n=600, now=NOW, days=90, log=None)
    assert more["orders"] == 600
    by_generator = rollup_snapshot()
    assert len({code[:6] for code, *_ in by_generator["community"]}) > 1
    rollups_rebuild()
    assert rollup_snapshot() == by_generator


def test_sql_rollups_equal_the_rebuild_from_raw_rows(generated):
    rollups_build_sql()
    by_sql = rollup_snapshot()
    assert by_sql["county"] and by_sql["unit"]
    rollups_rebuild()
    assert rollup_snapshot() == by_sql


def test_the_sweep_runs_on_generated_orders_and_then_has_nothing_to_do(generated):
    rollups_build_sql()
    later = NOW + datetime.timedelta(days=3)
    first = sla_sweep(now=later)
    assert first.red + first.yellow + first.escalated > 0
    second = sla_sweep(now=later)
    assert second.red == second.yellow == second.escalated == 0
    rollups = rollup_snapshot()
    rollups_rebuild()
    assert rollup_snapshot() == rollups  # the sweep's escalations moved the rollups correctly
