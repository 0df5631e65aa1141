"""Two officials arranging the same compound at once: one wins, the other is refused (PostgreSQL;
the row lock serialises them, and the exclusion constraint would catch a writer that skipped it)."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from apps.core import testing as t

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent PostgreSQL sessions"),
]


def test_concurrent_overlapping_arrangements_one_wins(transactional_world):
    from apps.programs import services
    from apps.programs.models import ServiceArrangement
    from apps.regions.models import Region
    from apps.registry.services import compound_create

    compound = compound_create(
        actor=None,
        data={
            "name": "并发测试小区",
            "community": Region.objects.get(code=t.COMMUNITY),
            "households": 40,
            "total_floor_area": Decimal("3000"),
            "year_built": 1991,
            "is_old": True,
            "management_mode": "none",
        },
    )
    county = transactional_world.users["county"]
    company = transactional_world.company
    barrier = threading.Barrier(4)
    outcomes = []

    def attempt(start):
        try:
            barrier.wait()
            services.arrangement_create(
                compound=compound,
                actor=county,
                data={"mode": "market", "company": company, "start_date": datetime.date(2025, 1, 1) + start},
            )
            outcomes.append("ok")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(datetime.timedelta(days=i),)) for i in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(30)
    assert sorted(outcomes) == ["ok", "refused", "refused", "refused"]
    assert ServiceArrangement.objects.filter(compound=compound).count() == 1
