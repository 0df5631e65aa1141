"""Two residents book the same slot at the same moment on PostgreSQL: exactly one wins. And the
exclusion constraint itself refuses an overlap written past the service. (SQLite: skipped; there
the IMMEDIATE transactions serialise writers and the service's check is the rule.)"""

import datetime
import threading

import pytest
from django.db import IntegrityError, connection, connections, transaction
from django.utils import timezone

from apps.core.errors import ConflictError

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
TZ = timezone.get_default_timezone()


def _slot(days=3, hour=9):
    day = timezone.localdate() + datetime.timedelta(days=days)
    return (
        datetime.datetime.combine(day, datetime.time(hour), tzinfo=TZ),
        datetime.datetime.combine(day, datetime.time(hour + 2), tzinfo=TZ),
    )


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_bookings_one_wins(transactional_world):
    from apps.spaces import services
    from apps.spaces.models import Booking
    from apps.spaces.testing import objects_around

    world = transactional_world
    room = objects_around(world.compound, "并发")["room"]
    starts, ends = _slot()
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def attempt(who):
        try:
            barrier.wait(timeout=10)
            services.booking_create(
                actor=world.users[who], room=room, starts_at=starts, ends_at=ends, use="choir", title=who
            )
            outcomes.append("won")
        except ConflictError:
            outcomes.append("conflict")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(who,)) for who in ("resident", "committee")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(outcomes) == ["conflict", "won"]
    assert Booking.objects.filter(room=room).count() == 1


@pytest.mark.django_db(transaction=True)
def test_exclusion_constraint_refuses_overlap_past_the_service(transactional_world):
    from apps.spaces.models import Booking
    from apps.spaces.testing import objects_around

    world = transactional_world
    room = objects_around(world.compound, "约束")["room"]
    starts, ends = _slot()
    user = world.users["resident"]
    Booking.objects.create(
        room=room, booker=user, use="choir", title="a", starts_at=starts, ends_at=ends, status="approved"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.create(
            room=room,
            booker=user,
            use="choir",
            title="b",
            starts_at=starts + datetime.timedelta(hours=1),
            ends_at=ends + datetime.timedelta(hours=1),
            status="pending",
        )
    # Cancelled bookings do not hold the slot; touching slots do not overlap ([) ranges).
    Booking.objects.create(
        room=room, booker=user, use="choir", title="c", starts_at=starts, ends_at=ends, status="cancelled"
    )
    Booking.objects.create(
        room=room,
        booker=user,
        use="choir",
        title="d",
        starts_at=ends,
        ends_at=ends + datetime.timedelta(hours=1),
        status="approved",
    )
    assert Booking.objects.filter(room=room).count() == 3
