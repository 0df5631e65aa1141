"""The units-and-owners import's forms per row share their fields (apps/core/forms.py
SharedFields), build no second form per row for the defaults, and the commit writes a chunk's
audit events by one INSERT with the content the per-row services record."""

import random

import pytest
from django import forms
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.core.audit import diff, snapshot
from apps.core.fakes import make_id_number
from apps.core.forms import SharedFields
from apps.core.models import Event
from apps.imports.engine import ledger_of
from apps.imports.models import BatchStatus
from apps.imports.tests.conftest import xlsx
from apps.imports.tests.test_imports import UNIT_HEADERS
from apps.regions.models import Region
from apps.registry.bulk import UnitRowForm
from apps.registry.forms import BuildingForm, OwnerForm
from apps.registry.imports import UnitOwnerImportForm
from apps.registry.models import Owner, OwnerUnit, Unit

pytestmark = pytest.mark.django_db


def _data(world, number, **changes):
    data = {
        "compound": world.compound.code,
        "building_name": world.own["building"].name,
        "stair": "7单元",
        "number": number,
        "registered_area": "88.50",
        "owner_name": f"业主{number}",
        "phone": "13900001111",
        "id_number": make_id_number(random.Random(number)),
        "since": "2024-05-01",
    }
    data.update(changes)
    return data


def _fingerprint(fields: dict) -> dict:
    """Everything validation could write on a field or its widget."""
    out = {}
    for name, f in fields.items():
        out[name] = (
            type(f),
            {k: repr(v) for k, v in vars(f).items() if k != "widget"},
            {k: repr(v) for k, v in vars(f.widget).items()},
            repr(list(f.choices)) if hasattr(f, "choices") else None,
        )
    return out


def test_row_forms_share_field_objects_and_leak_nothing_into_each_other(world):
    ledger = ledger_of("units")
    user = world.users["county"]
    state = ledger.prepare(user)
    rows = [
        _data(world, "701", kind="dwelling"),
        _data(world, "702", phone="12345", registered_area="0", kind="castle", is_developer="on"),
        _data(world, "703", kind="shop"),
    ]
    forms_ = [ledger.form(dict(r), user=user, state=state) for r in rows]
    shared = [state.shared_fields(c) for c in (UnitOwnerImportForm, UnitRowForm, OwnerForm)]
    before = [_fingerprint(s) for s in shared]

    assert forms_[0].is_valid(), forms_[0].errors
    cleaned = dict(forms_[0].cleaned_data)
    unit_cleaned = dict(forms_[0].unit_form.cleaned_data)
    assert not forms_[1].is_valid()
    assert {"phone", "registered_area", "kind"} <= set(forms_[1].errors)
    assert forms_[2].is_valid(), forms_[2].errors

    # the rows' forms: their own dicts and errors, the same field objects
    one, two = forms_[0], forms_[1]
    assert one.fields is not two.fields and one.unit_form.fields is not two.unit_form.fields
    assert one.fields["kind"] is two.fields["kind"]
    assert one.unit_form.fields["stair"] is two.unit_form.fields["stair"]
    assert one.owner_form.fields["phone"] is two.owner_form.fields["phone"]
    assert not one.errors and not one.unit_form.errors and not one.owner_form.errors
    assert one.cleaned_data == cleaned and one.unit_form.cleaned_data == unit_cleaned
    assert (one.cleaned_data["kind"], one.cleaned_data["is_developer"]) == ("dwelling", False)
    assert forms_[2].unit_form.cleaned_data["registered_area"] == unit_cleaned["registered_area"]
    # validating the bad row (a bad choice, a refused phone and area) wrote nothing on the fields
    assert [_fingerprint(s) for s in shared] == before
    # a form that replaces one of its fields replaces it in its own dict only
    one.fields["stair"] = forms.CharField()
    assert ledger.form(dict(rows[2]), user=user, state=state).fields["stair"] is two.fields["stair"]


def test_a_scoped_form_given_shared_fields_keeps_the_scope_without_scoping_again(world):
    user = world.users["county"]
    shared = SharedFields.of(BuildingForm(user=user))
    queryset = shared["compound"].queryset
    inside = BuildingForm(
        {"compound": world.compound.pk, "name": "9号楼", "floors": 6}, user=user, shared_fields=shared
    )
    outside = BuildingForm(
        {"compound": world.other_compound.pk, "name": "9号楼", "floors": 6}, user=user, shared_fields=shared
    )
    assert inside.is_valid(), inside.errors
    assert not outside.is_valid() and "compound" in outside.errors
    assert inside.fields["compound"].queryset is queryset  # not filtered again per form
    assert str(shared["compound"].queryset.query) == str(queryset.query)


def test_fields_with_limit_choices_to_are_not_shared(world):
    class LimitedForm(forms.Form):
        county = forms.ModelChoiceField(queryset=Region.objects.all(), limit_choices_to={"level": "county"})

    with pytest.raises(ValueError, match="limit_choices_to"):
        SharedFields.of(LimitedForm())


def test_units_initial_is_what_the_unbound_row_form_starts_from(world):
    ledger = ledger_of("units")
    user = world.users["county"]
    state = ledger.prepare(user)
    unit = world.own["unit"]
    key = (world.compound.code, world.own["building"].name, unit.stair, unit.number)
    instance = ledger.lookup(key, user=user, state=state)
    assert instance[0].pk == unit.pk
    for obj in (instance, None):
        expected = ledger.form(None, user=user, instance=obj, state=state).initial
        assert ledger.initial(obj, user=user, state=state) == expected
    assert ledger.initial(instance, user=user, state=state)["registered_area"] == unit.registered_area


def test_a_chunk_s_events_are_one_insert_with_the_services_content(world, client_for, importer, monkeypatch):
    from apps.registry import imports as registry_imports

    client = client_for("county")
    code, building = world.compound.code, world.own["building"].name
    rows = [
        [
            code,
            building,
            "8单元",
            f"80{i}",
            "88.5",
            f"业主{i}",
            f"1390000{i:04d}",
            make_id_number(random.Random(i)),
            "2024/5/1",
        ]
        for i in range(1, 6)
    ]
    _, batch = importer(client, "units", xlsx(UNIT_HEADERS, rows))
    assert batch.status == BatchStatus.VALID, importer.problems(batch)
    monkeypatch.setattr(registry_imports.UnitOwnerLedger, "bulk_size", 2)  # chunks of 2, 2, 1
    first = Event.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    with CaptureQueriesContext(connection) as captured:
        batch = importer.commit(client, batch)
    assert batch.status == BatchStatus.COMMITTED
    inserts = [q["sql"] for q in captured.captured_queries if q["sql"].startswith('INSERT INTO "core_event"')]
    unit_inserts = [sql for sql in inserts if "unit.create" in sql]
    assert len(unit_inserts) == 3  # one per chunk: its units', owners' and links' events together
    assert all("owner.create" in sql and "ownerunit.create" in sql for sql in unit_inserts)

    county = world.users["county"]
    verbs = ["unit.create", "unit.update", "owner.create", "owner.update", "ownerunit.create"]
    events = list(Event.objects.filter(pk__gt=first, verb__in=verbs).order_by("pk"))
    pair = ["unit.create"] * 2 + ["owner.create"] * 2 + ["ownerunit.create"] * 2
    assert [e.verb for e in events] == pair + pair + ["unit.create", "owner.create", "ownerunit.create"]
    region = world.compound.community_id
    types = {m: ContentType.objects.get_for_model(m) for m in (Unit, Owner, OwnerUnit)}
    for event in events:
        assert (event.actor_id, event.region_code, event.note) == (county.pk, region, "")
        assert event.created_at is not None
        model = {"unit": Unit, "owner": Owner, "ownerunit": OwnerUnit}[event.verb.split(".")[0]]
        assert event.content_type == types[model]
        obj = model.objects.get(pk=int(event.object_id))
        if model is OwnerUnit:
            assert event.object_repr == f"业主 — {obj.unit}"
            assert event.changes == {"owner": obj.owner_id, "unit": obj.unit_id, "since": "2024-05-01"}
        else:
            assert event.object_repr == str(obj)[:200]
            assert event.changes == diff({}, snapshot(obj))
    numbers = sorted(Unit.objects.get(pk=int(e.object_id)).number for e in events if e.verb == "unit.create")
    assert numbers == ["801", "802", "803", "804", "805"]


@pytest.mark.parametrize("bulk_size", [1, 1000])  # each row its own chunk; all rows in one chunk
def test_an_owner_of_several_units_is_created_once(world, client_for, importer, monkeypatch, bulk_size):
    from apps.core.validators import id_number_hash
    from apps.registry import imports as registry_imports

    client = client_for("county")
    code, building = world.compound.code, world.own["building"].name
    same = make_id_number(random.Random(99))
    rows = [
        [code, building, "9单元", "901", "88.5", "孙七", "13900009999", same, "2024/5/1"],
        [code, building, "9单元", "902", "66", "周八", "13900008888", make_id_number(random.Random(98)), ""],
        [code, building, "9单元", "903", "70", "孙七", "13900009999", same, "2024/6/1"],
    ]
    _, batch = importer(client, "units", xlsx(UNIT_HEADERS, rows))
    assert batch.status == BatchStatus.VALID, importer.problems(batch)
    monkeypatch.setattr(registry_imports.UnitOwnerLedger, "bulk_size", bulk_size)
    batch = importer.commit(client, batch)
    assert batch.status == BatchStatus.COMMITTED
    owner = Owner.objects.get(id_hash=id_number_hash(same))  # one owner, not one per row
    assert sorted(owner.unit_links.values_list("unit__number", flat=True)) == ["901", "903"]
