"""row_by_pk reads the same instance as the ORM's get, on SQLite and PostgreSQL."""

import pytest

from apps.core.rows import row_by_pk
from apps.registry.models import Compound
from apps.workorders.models import WorkOrder
from apps.workorders.tests.helpers import submit

pytestmark = pytest.mark.django_db


def values(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields}


def test_the_row_equals_the_orms(world, users):
    order = submit(world, users)  # datetimes, booleans, nullable keys
    for model, pk in (
        (Compound, world.compound.pk),
        (WorkOrder, order.pk),
        (type(users["resident"]), users["resident"].pk),
    ):
        ours, orm = row_by_pk(model, pk), model.objects.get(pk=pk)
        assert values(ours) == values(orm)
        assert {k: type(v) for k, v in values(ours).items()} == {k: type(v) for k, v in values(orm).items()}
        assert ours._state.adding is False and ours._state.db == "default"


@pytest.mark.parametrize("pk", [10**9, "abc", "", None, "1.5"])
def test_no_row_for_an_unknown_or_malformed_key(world, pk):
    assert row_by_pk(Compound, pk) is None


def test_insert_row_writes_what_save_writes(world, users):
    """The same order and the same audit event, once by save() and once by insert_row: every
    column read back equal but the keys and the unique tracking code."""
    import datetime

    from django.utils import timezone

    from apps.core.models import Event
    from apps.core.rows import insert_row

    template = submit(world, users)
    pairs = []
    for write in (lambda o: o.save(), insert_row):
        order = WorkOrder(
            **{f.attname: getattr(template, f.attname) for f in WorkOrder._meta.concrete_fields}
        )
        order.pk = None
        order.tracking_code = WorkOrder._meta.get_field("tracking_code").get_default()
        order._state.adding = True
        write(order)
        assert order.pk is not None and order._state.adding is False and order._state.db == "default"
        event = Event(
            actor=users["resident"],
            verb="workorder.submit",
            content_type=None,
            object_id=str(order.pk),
            object_repr="x",
            region_code=order.region_code,
            changes={"status": [None, "submitted"], "n": 1.5, "when": "2026-03-02"},
            created_at=timezone.now() - datetime.timedelta(days=1),
        )
        write(event)
        assert event.pk is not None and event._state.adding is False
        pairs.append((order, event))
    (o1, e1), (o2, e2) = pairs
    skip = {"id", "tracking_code", "created_at"}
    assert {k: v for k, v in values(WorkOrder.objects.get(pk=o1.pk)).items() if k not in skip} == {
        k: v for k, v in values(WorkOrder.objects.get(pk=o2.pk)).items() if k not in skip
    }
    # auto_now_add set by insert_row too, on the instance and in the row
    assert WorkOrder.objects.get(pk=o2.pk).created_at == o2.created_at is not None
    skip = {"id", "object_id", "created_at"}
    row1, row2 = (values(Event.objects.get(pk=e.pk)) for e in (e1, e2))
    assert {k: v for k, v in row1.items() if k not in skip} == {
        k: v for k, v in row2.items() if k not in skip
    }
    assert row2["changes"] == {"status": [None, "submitted"], "n": 1.5, "when": "2026-03-02"}


def test_insert_row_refuses_an_unsaved_relation(world, users):
    from apps.accounts.models import User
    from apps.core.models import Event
    from apps.core.rows import insert_row

    event = Event(actor=User(username="unsaved"), verb="x", object_id="", object_repr="", region_code="")
    with pytest.raises(ValueError):
        insert_row(event)
