"""Real concurrency on PostgreSQL: 20 threads, each with its own connection, committing for real.

SQLite serialises every writer, so these tests would prove nothing there and are skipped. The
transactional tests empty the database afterwards; the module puts back what the session set
up (regions, seeded categories) so that later tests find them.
"""

import datetime
import threading
from pathlib import Path

import pytest
from django.db import connection, connections

from apps.accounts.models import User
from apps.core.errors import ConflictError, DomainError
from apps.core.models import Event
from apps.workorders import services
from apps.workorders.choices import Level
from apps.workorders.models import LEVEL_MODELS, Escalation, WorkOrder
from apps.workorders.sweep import sla_sweep
from apps.workorders.tests.helpers import TZ, category

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL: SQLite serialises all writers"
    ),
    pytest.mark.django_db(transaction=True),
]
THREADS = 20


def _restore(django_db_blocker):
    """Put back what the session set up once: the regions and the seeded categories."""
    from apps.regions.models import Region
    from apps.regions.services import regions_load
    from apps.workorders.categories_seed import load
    from apps.workorders.models import Category, CategoryLimit

    with django_db_blocker.unblock():
        if not Region.objects.exists():
            csv = Path(__file__).resolve().parents[3] / "data" / "divisions_linyi_heze.csv"
            regions_load(text=csv.read_text(encoding="utf-8"), actor=None)
        if not Category.objects.exists():
            load(Category, CategoryLimit)


@pytest.fixture(autouse=True)
def _session_data_before_each_test(django_db_blocker):
    _restore(django_db_blocker)  # an earlier transactional test emptied the tables


@pytest.fixture(scope="module", autouse=True)
def _session_data_after_the_module(django_db_blocker):
    yield
    _restore(django_db_blocker)


def refused(exc) -> bool:
    return isinstance(exc, ConflictError) or (
        isinstance(exc, DomainError) and "工单当前状态为" in exc.message
    )


def race(target, n=THREADS):
    """Run target(i) in n threads released at the same instant; returns the outcomes."""
    barrier = threading.Barrier(n)
    outcomes: list = [None] * n

    def run(i):
        try:
            barrier.wait()
            outcomes[i] = ("ok", target(i))
        except Exception as exc:  # the outcome is what we test
            outcomes[i] = ("error", exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


def test_twenty_clicks_on_accept_exactly_one_wins(world, users):
    order = services.workorder_submit(
        actor=users["resident"], compound=world.compound, category=category(), description="并发受理测试"
    )
    community_pk = users["community"].pk

    def accept(_i):
        return services.workorder_accept(
            order=WorkOrder.objects.get(pk=order.pk), actor=User.objects.get(pk=community_pk)
        )

    outcomes = race(accept)
    wins = [o for o in outcomes if o[0] == "ok"]
    losses = [o for o in outcomes if o[0] == "error"]
    assert len(wins) == 1
    # A loser either collided in the compare-and-set (conflict) or loaded the order after the
    # winner committed and was told its new state; nothing else.
    assert all(refused(exc) for _, exc in losses), [e for _, e in losses if not refused(e)]
    assert Event.objects.filter(verb="workorder.accept", object_id=str(order.pk)).count() == 1
    assert WorkOrder.objects.get(pk=order.pk).version == 1
    assert LEVEL_MODELS["community"].objects.get(category_id=0).accepted == 1


def test_twenty_different_verbs_at_once_exactly_one_wins(world, users):
    order = services.workorder_submit(
        actor=users["resident"],
        compound=world.compound,
        category=category(),
        description="并发派单、驳回、合并测试",
    )
    services.workorder_accept(order=order, actor=users["community"])
    target = services.workorder_submit(
        actor=users["resident"], compound=world.compound, category=category(), description="目标工单"
    )
    community_pk = users["community"].pk

    def act(i):
        fresh = WorkOrder.objects.select_related("category", "compound").get(pk=order.pk)
        actor = User.objects.get(pk=community_pk)
        if i % 3 == 0:
            return services.workorder_dispatch(order=fresh, actor=actor, handler=world.company)
        if i % 3 == 1:
            return services.workorder_reject(order=fresh, actor=actor, reason="无效")
        return services.workorder_merge(order=fresh, actor=actor, target=WorkOrder.objects.get(pk=target.pk))

    outcomes = race(act)
    assert sum(1 for o in outcomes if o[0] == "ok") == 1
    assert all(refused(o[1]) for o in outcomes if o[0] == "error"), outcomes
    verbs = Event.objects.filter(
        object_id=str(order.pk), verb__in=["workorder.dispatch", "workorder.reject", "workorder.merge"]
    )
    assert verbs.count() == 1


def test_concurrent_intake_into_the_same_rollup_cells(world, users):
    resident_pk = users["resident"].pk

    def file(i):
        return services.workorder_submit(
            actor=User.objects.get(pk=resident_pk),
            compound=world.compound,
            category=category(),
            description=f"并发提交{i}",
        )

    outcomes = race(file)
    assert all(o[0] == "ok" for o in outcomes), outcomes
    for level in ("community", "street", "county"):
        assert LEVEL_MODELS[level].objects.get(category_id=0).intake == THREADS


def test_two_sweeps_at_once_share_the_work(world, users):
    start = datetime.datetime(2026, 3, 2, 9, tzinfo=TZ)
    for i in range(120):
        services.workorder_submit(
            actor=None,
            compound=world.compound,
            category=category(),
            description=f"超期{i}",
            channel="hotline",
            now=start,
        )
    later = datetime.datetime(2026, 3, 5, 1, tzinfo=TZ)
    reports = race(lambda _i: sla_sweep(now=later, batch=16), n=2)
    assert all(r[0] == "ok" for r in reports), reports
    assert sum(r[1].escalated for r in reports) == 120
    assert sum(r[1].red for r in reports) == 120
    assert Escalation.objects.count() == 120
    assert Event.objects.filter(verb="workorder.escalate").count() == 120
    assert set(WorkOrder.objects.values_list("level", flat=True)) == {Level.STREET}
    assert LEVEL_MODELS["county"].objects.get(category_id=0).escalated == 120
    again = sla_sweep(now=later)
    assert again.changed == 0
