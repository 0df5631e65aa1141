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
