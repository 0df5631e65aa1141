"""apps/core/sql.py: every written-out statement reads or writes what the ORM does, on SQLite and
PostgreSQL; and the system check that guards the fast writes."""

import datetime

import pytest

from apps.core.sql import row_by_pk
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
    from apps.core.sql import insert_row

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
    from apps.core.sql import insert_row

    event = Event(actor=User(username="unsaved"), verb="x", object_id="", object_repr="", region_code="")
    with pytest.raises(ValueError):
        insert_row(event)


def test_insert_values_writes_what_bulk_create_writes(world, users):
    import datetime

    from apps.core.sql import insert_values
    from apps.notifications.models import Notification

    at = datetime.datetime(2026, 3, 2, 8, 30, 15, 123456, tzinfo=datetime.UTC)
    people = [users["resident"], users["community"], users["city"]]
    rows = [(u.pk, "k", f"标题{i}", "正文", "/x/") for i, u in enumerate(people)]
    insert_values(
        Notification,
        ("recipient_id", "kind", "title", "body", "link"),
        rows,
        same={"created_at": at},
        batch=2,
    )
    ours = list(Notification.objects.filter(kind="k").order_by("title").values())
    Notification.objects.bulk_create(
        Notification(recipient_id=pk, kind="o", title=t, body=b, link=link, created_at=at)
        for pk, _k, t, b, link in rows
    )
    orm = list(Notification.objects.filter(kind="o").order_by("title").values())
    assert len(ours) == 3
    strip = lambda rows: [{k: v for k, v in r.items() if k not in ("id", "kind")} for r in rows]  # noqa: E731
    assert strip(ours) == strip(orm)
    assert ours[0]["created_at"] == at


def test_upsert_add_adds_to_a_cell_or_creates_it(world):
    import datetime

    from django.db import connection
    from django.db.models import F

    from apps.core.sql import execute_in_order, upsert_add_sql
    from apps.workorders.models import CountyMonthStat

    month = datetime.date(2026, 3, 1)
    CountyMonthStat.objects.create(region_code="371302", month=month, category_id=0, intake=2, closed=1)
    keys, cols = ("region_code", "month", "category_id"), ("closed", "intake")
    day = connection.ops.adapt_datefield_value(month)
    execute_in_order(
        [
            (
                upsert_add_sql(CountyMonthStat, keys, cols, 2),
                ["371302", day, 0, 1, 5, "371311", day, 0, 0, 3],
            )
        ],
        together=True,
    )
    ours = {r["region_code"]: (r["intake"], r["closed"]) for r in CountyMonthStat.objects.values()}
    # the ORM's way: add with F() to the row that exists, create the one that does not
    CountyMonthStat.objects.all().delete()
    CountyMonthStat.objects.create(region_code="371302", month=month, category_id=0, intake=2, closed=1)
    CountyMonthStat.objects.filter(region_code="371302").update(
        intake=F("intake") + 5, closed=F("closed") + 1
    )
    CountyMonthStat.objects.create(region_code="371311", month=month, category_id=0, intake=3)
    orm = {r["region_code"]: (r["intake"], r["closed"]) for r in CountyMonthStat.objects.values()}
    assert ours == orm == {"371302": (7, 2), "371311": (3, 0)}


def _count_twice_and_read(key: str, expires) -> tuple[list[int], dict]:
    from apps.core.models import RateCounter
    from apps.core.sql import count_one

    counts = [
        count_one(RateCounter, key_field="key", key=key, counter="count", on_insert={"expires_at": at})
        for at in (expires, expires + datetime.timedelta(hours=1))  # kept from the insert
    ]
    return counts, RateCounter.objects.filter(key=key).values("count", "expires_at").get()


def test_count_one_counts_as_the_orm_would():
    """Inside a transaction (the test's): the plain upsert, joining the caller's transaction."""
    from django.db.models import F
    from django.utils import timezone

    from apps.core.models import RateCounter

    expires = timezone.now().replace(microsecond=0)
    counts, ours = _count_twice_and_read("t:ours", expires)
    # the ORM's way: create the missing row, then add with F() and read the count back
    RateCounter.objects.create(key="t:orm", count=1, expires_at=expires)
    RateCounter.objects.filter(key="t:orm").update(count=F("count") + 1)
    orm = RateCounter.objects.filter(key="t:orm").values("count", "expires_at").get()
    assert counts == [1, 2] and ours == orm == {"count": 2, "expires_at": expires}


@pytest.mark.django_db(transaction=True)
def test_count_one_outside_a_transaction_commits_on_its_own_and_leaves_the_session_as_it_was():
    """Autocommit: the statement is its own transaction (on PostgreSQL committed without waiting
    for the WAL flush); the session's synchronous_commit is untouched, inside a caller's
    transaction too."""
    from django.db import connection, transaction
    from django.utils import timezone

    from apps.core.models import RateCounter
    from apps.core.sql import count_one

    expires = timezone.now().replace(microsecond=0)
    counts, ours = _count_twice_and_read("t:autocommit", expires)
    assert counts == [1, 2] and ours == {"count": 2, "expires_at": expires}
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            assert cursor.fetchone()[0] == "on"
            with transaction.atomic():
                count_one(
                    RateCounter,
                    key_field="key",
                    key="t:autocommit",
                    counter="count",
                    on_insert={"expires_at": expires},
                )
                cursor.execute("SHOW synchronous_commit")
                assert cursor.fetchone()[0] == "on"  # the caller's commit stays synchronous
    assert RateCounter.objects.get(key="t:autocommit").count == (
        3 if connection.vendor == "postgresql" else 2
    )


def test_rows_where_reads_what_the_filter_reads(world, users):
    from apps.accounts.models import User
    from apps.core.sql import rows_where

    some = users["community"]
    ours = rows_where(
        User,
        ("id", "email"),
        equal={"is_active": True, "role": some.role, "region_id": some.region_id},
        greater={"id": 0},
        order_by=("id",),
    )
    orm = User.objects.filter(is_active=True, role=some.role, region_id=some.region_id, id__gt=0)
    assert ours == list(orm.order_by("id").values_list("id", "email")) and ours


def test_update_if_updates_what_the_orms_update_updates(world, users):
    """The compare-and-set UPDATE: two equal orders moved once by the ORM and once by update_if,
    with a related instance, a None, a datetime and a duplicate and a None among the expected
    values: the same rows after, the same counts; a stale expectation moves nothing."""
    from django.db.models import F
    from django.utils import timezone

    from apps.core.sql import update_if

    first, second = submit(world, users), submit(world, users)
    now = timezone.now()
    changes = {
        "status": "accepted",
        "accepted_at": now,
        "due_at": None,
        "created_by": users["community"],
        "handler_company_id": None,
        "version": first.version + 1,
    }
    expected = ["submitted", "submitted", None]
    orm = WorkOrder.objects.filter(pk=first.pk, status__in=expected).update(**changes)
    ours = update_if(WorkOrder, pk=second.pk, field="status", expected=expected, values=changes)
    assert orm == ours == 1
    skip = {"id", "tracking_code", "created_at", "submitted_at", "updated_at", "stage_started_at"}
    row1, row2 = values(WorkOrder.objects.get(pk=first.pk)), values(WorkOrder.objects.get(pk=second.pk))
    assert {k: v for k, v in row1.items() if k not in skip} == {
        k: v for k, v in row2.items() if k not in skip
    }
    assert row2["status"] == "accepted" and row2["created_by_id"] == users["community"].pk

    assert update_if(WorkOrder, pk=second.pk, field="status", expected=["submitted"], values=changes) == 0
    assert update_if(WorkOrder, pk=second.pk, field="status", expected=[None], values=changes) == 0
    # an expression goes through the ORM, with the same answer
    bumped = update_if(
        WorkOrder, pk=second.pk, field="status", expected=["accepted"], values={"version": F("version") + 1}
    )
    assert bumped == 1 and WorkOrder.objects.get(pk=second.pk).version == row2["version"] + 1


def test_permission_names_are_model_backends(world, users):
    from django.contrib.auth.backends import ModelBackend

    from apps.accounts.models import User
    from apps.core.sql import permission_names

    for user in users.values():
        if user.is_superuser:
            continue
        fresh = User.objects.get(pk=user.pk)
        ours = {f"{a}.{c}" for a, c in permission_names(user.pk)}
        assert ours == ModelBackend().get_all_permissions(fresh), user.username


def test_the_session_read_is_djangos(world, users):
    from django.contrib.sessions.backends.db import SessionStore as DjangoStore

    from apps.accounts.sessions import SessionStore

    store = DjangoStore()
    store["x"] = 1
    store.save()
    ours, theirs = SessionStore(store.session_key), DjangoStore(store.session_key)
    assert ours.load() == theirs.load() == {"x": 1}
    assert SessionStore("nope" * 8).load() == DjangoStore("nope" * 8).load() == {}


def test_the_check_refuses_save_overrides_and_save_signals_on_fast_written_models(monkeypatch):
    from django.db.models.signals import post_save, pre_save

    from apps.core.checks import fast_writes_bypass_nothing
    from apps.core.models import Event
    from apps.core.sql import written_fast_models

    assert {m._meta.label for m in written_fast_models()} >= {
        "workorders.WorkOrder",
        "core.Event",
        "notifications.Notification",
        "workorders.CountyMonthStat",
        "core.RateCounter",
        "workorders.HandlerMonthStat",
    }
    assert fast_writes_bypass_nothing() == []
    monkeypatch.setattr(WorkOrder, "save", lambda self, *a, **k: None, raising=False)
    assert [e.id for e in fast_writes_bypass_nothing()] == ["core.E001"]
    monkeypatch.undo()

    def receiver(**kwargs):
        pass

    for signal in (pre_save, post_save):
        signal.connect(receiver, sender=Event, weak=False, dispatch_uid="test_sql")
        try:
            assert [e.id for e in fast_writes_bypass_nothing()] == ["core.E002"]
        finally:
            signal.disconnect(sender=Event, dispatch_uid="test_sql")
    assert fast_writes_bypass_nothing() == []
