"""ServiceLedger: a ledger declares its services, selector and natural key (apps/core/imports.py)."""

import pytest

from apps.core.imports import ServiceLedger


def thing_create(*, actor, data):
    return ("create", actor, data)


def thing_update(*, thing, actor, data):
    return ("update", thing, actor, data)


class Selected(list):
    def filter(self, **lookups):
        return Selected([row for row in self if all(row.get(k) == v for k, v in lookups.items())])

    def order_by(self, *fields):
        return Selected(sorted(self, key=lambda row: [row[f] for f in fields]))

    def first(self):
        return self[0] if self else None


ROWS = Selected(
    [{"pk": 2, "region_id": "371311", "name": "甲"}, {"pk": 1, "region_id": "371311", "name": "甲"}]
)


class ThingLedger(ServiceLedger):
    create = thing_create
    update = thing_update
    lookup_by = {"region": "region_id", "name": "name"}

    @staticmethod
    def selector(*, user):
        return ROWS


class Form:
    cleaned_data = {"name": "甲"}


def test_declared_services_are_called_with_the_update_nouns_keyword():
    ledger = ThingLedger()
    assert ledger.key_columns == ("region", "name")
    assert ledger.save(Form(), instance=None, actor="u") == ("create", "u", {"name": "甲"})
    assert ledger.save(Form(), instance="obj", actor="u") == ("update", "obj", "u", {"name": "甲"})


def test_natural_key_and_lookup_through_the_selector():
    ledger = ThingLedger()
    assert ledger.natural_key({"region": " 371311 ", "name": " 甲 "}) == ("371311", "甲")
    assert ledger.natural_key({"region": "371311", "name": ""}) is None
    assert ledger.lookup(("371311", "甲"), user=None)["pk"] == 2  # the selector's order
    ledger.lookup_order = ("pk",)
    assert ledger.lookup(("371311", "甲"), user=None)["pk"] == 1
    ledger.key_upper = True
    assert ledger.natural_key({"region": "91a", "name": "b"}) == ("91A", "B")


def test_an_update_service_not_named_noun_update_needs_its_keyword():
    def thing_change(*, thing, actor, data): ...

    with pytest.raises(TypeError, match="instance_arg"):

        class Bad(ServiceLedger):
            update = thing_change

    class Named(ServiceLedger):
        update = thing_change
        instance_arg = "thing"

    assert Named.instance_arg == "thing"
