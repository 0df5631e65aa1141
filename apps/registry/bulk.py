"""The bulk path of the units-and-owners import: the same rules as the unit and owner pages,
without a query per rule per row, and the writes as batched INSERT/UPDATEs with their audit
events — so that a county's 200,000 units validate and commit in minutes (docs/benchmarks.md).

What stays the pages' own code: the field validators and `clean()` of Unit and Owner, OwnerForm
(phone and ID-number checks), UnitForm's fields. What is done here instead of a query per row:
the compound/building/unit lookups (cached per file: compounds and buildings, and the units of
the last few buildings; the unit's building is not checked again by its ForeignKey), the unit's CHECK constraint (evaluated in Python with the constraint's
own message; the database enforces it again) and its unique number (the natural-key lookup and
the file's duplicate check; the database's unique constraint enforces it again)."""

from __future__ import annotations

from collections import OrderedDict

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection
from django.forms.models import construct_instance
from django.utils import timezone

from apps.core.audit import diff, snapshot
from apps.core.forms import SharedFields
from apps.core.models import Event
from apps.core.scoping import scoped
from apps.core.sql import insert_values
from apps.core.validators import id_number_hash, normalize_id_number, normalize_mobile
from apps.registry.forms import UnitForm
from apps.registry.models import Building, Compound, Owner, OwnerUnit, Unit

UNIT_CACHE_BUILDINGS = 16  # buildings whose units are kept in memory at once (rows come grouped)
_MISSING = object()


def _constraint_message(model, name_suffix: str) -> str:
    for constraint in model._meta.constraints:
        if constraint.name.endswith(name_suffix):
            return str(constraint.violation_error_message)
    raise LookupError(name_suffix)


HAS_AREA_MESSAGE = _constraint_message(Unit, "_has_area")


def hash_key(id_hash: str) -> bytes:
    """An ID-number hash (64 hex digits, id_number_hash) as the 32 bytes it spells."""
    return bytes.fromhex(id_hash)


class UnitOwnerState:
    """Lookups of one file's rows, cached for the run (memory bounded by the compounds and
    buildings of the file and a few buildings' units)."""

    def __init__(self, user):
        self.user = user
        self._compounds: dict[str, Compound | None] = {}
        self._buildings: dict[tuple[int, str], Building | None] = {}
        self._units: OrderedDict[int, dict[tuple[str, str], Unit]] = OrderedDict()
        self.has_owners = scoped(Owner.objects.all(), user).exists() if user is not None else False
        # id hash → owner created by this run, the hash as its 32 bytes (`hash_key`): one entry
        # per new owner, held to the end of the file (~150 bytes each, tracemalloc; as hex text ~185)
        self.created_owners: dict[bytes, int] = {}
        self._shared_fields: dict[type, SharedFields] = {}

    def shared_fields(self, form_class, build=None) -> SharedFields:
        """The fields every form of `form_class` of this run shares (apps/core/forms.py
        SharedFields): built once, by `build()` or from a form of the class for this user."""
        fields = self._shared_fields.get(form_class)
        if fields is None:
            fields = build() if build is not None else SharedFields.of(form_class(user=self.user))
            self._shared_fields[form_class] = fields
        return fields

    def compound(self, code: str) -> Compound | None:
        found = self._compounds.get(code, _MISSING)
        if found is _MISSING:
            found = scoped(Compound.objects.all(), self.user).filter(code=code).first()
            self._compounds[code] = found
        return found

    def building(self, compound: Compound, name: str) -> Building | None:
        key = (compound.pk, name)
        found = self._buildings.get(key, _MISSING)
        if found is _MISSING:
            found = Building.objects.filter(compound=compound, name=name).first()
            if found is not None:
                found.compound = compound
            self._buildings[key] = found
        return found

    def unit(self, building: Building, stair: str, number: str) -> Unit | None:
        units = self._units.get(building.pk)
        if units is None:
            units = {(u.stair, u.number): u for u in Unit.objects.filter(building=building)}
            for u in units.values():
                u.building, u.compound = building, building.compound
            self._units[building.pk] = units
            if len(self._units) > UNIT_CACHE_BUILDINGS:
                self._units.popitem(last=False)
        else:
            self._units.move_to_end(building.pk)
        return units.get((stair, number))

    def owner_by_id(self, id_number: str) -> Owner | None:
        if not self.has_owners or not id_number:
            return None
        return scoped(Owner.objects.all(), self.user).filter(id_hash=id_number_hash(id_number)).first()

    def owner_of_unit(self, unit: Unit, name: str) -> Owner | None:
        if not self.has_owners:
            return None
        return Owner.objects.filter(unit_links__unit=unit, name=name).first()


class UnitRowForm(UnitForm):
    """UnitForm with its building given and its model checks run without a query per row."""

    def __init__(self, *args, building=None, shared_fields=None, **kwargs):
        super().__init__(*args, shared_fields=shared_fields, **kwargs)
        from django import forms

        self._building = building
        if shared_fields is None:  # shared ones already have it
            self.fields["building"] = forms.Field(required=False)

    def clean_building(self):
        return self._building

    def _post_clean(self):
        opts = self._meta
        # The building was found by the file's lookups (UnitOwnerState.building, scoped by its
        # compound): its ForeignKey check would be one SELECT per row for a row just read.
        exclude = set(self._get_validation_exclusions()) | {"building"}
        self.instance = construct_instance(self, self.instance, opts.fields, opts.exclude)
        self.instance.compound = self._building.compound
        try:
            self.instance.clean_fields(exclude=exclude)
        except ValidationError as e:
            self._update_errors(e)
        try:
            self.instance.clean()
        except ValidationError as e:
            self._update_errors(e)
        areas = (self.instance.registered_area, self.instance.surveyed_area, self.instance.contract_area)
        if not any(a is not None and a > 0 for a in areas) and not any(
            n in self.errors for n in ("registered_area", "surveyed_area", "contract_area")
        ):
            self._update_errors(ValidationError({"registered_area": HAS_AREA_MESSAGE}))


# ------------------------------------------------------------------ commit
EVENT_COLUMNS = (
    "verb",
    "content_type_id",
    "object_id",
    "object_repr",
    "region_code",
    "changes",
    "created_at",
)


def _events(model, objs, verb: str, changes_of, region_of, repr_of=str) -> list[tuple]:
    """The audit events of `objs` as rows of EVENT_COLUMNS, as the per-row services record them
    (event_record): written with the chunk's other events by one INSERT (`_write_events`)."""
    ct = ContentType.objects.get_for_model(model)
    meta = Event._meta
    changes_field = meta.get_field("changes")
    now = meta.get_field("created_at").get_db_prep_save(timezone.now(), connection)
    return [
        (
            verb,
            ct.pk,
            str(obj.pk),
            repr_of(obj)[:200],
            region_of(obj),
            changes_field.get_db_prep_save(changes_of(obj), connection),
            now,
        )
        for obj in objs
    ]


def _write_events(rows: list[tuple], actor) -> None:
    """One multi-row INSERT for a chunk's events (Event is `@written_fast`), in the chunk's
    transaction; as many as the database takes parameters for (SQLite: 999 per statement)."""
    per_row = len(EVENT_COLUMNS) + 2
    limit = connection.features.max_query_params
    insert_values(
        Event,
        EVENT_COLUMNS,
        rows,
        same={"actor_id": actor.pk if getattr(actor, "pk", None) else None, "note": ""},
        batch=max(len(rows), 1) if limit is None else max(limit // per_row, 1),
    )


def _unit_repr_region(unit: Unit) -> str:
    return unit.compound.community_id


def units_owners_save(rows, *, actor, state: UnitOwnerState) -> None:
    """Write a chunk of validated rows (UnitOwnerImportForm): units created or updated, owners
    created or updated (ID numbers as hash + last four, as owner_create stores them), links
    added; an audit event per object written, as the per-row services record."""
    new_units, changed_units, unit_changes = [], [], {}
    for r in rows:
        form = r.form
        data = dict(form.unit_form.cleaned_data)
        if form.unit is None:
            unit = Unit(**data)
            unit.compound = data["building"].compound
            new_units.append(unit)
            form.saved_unit = unit
        else:
            unit = form.unit
            before = snapshot(unit)
            for name, value in data.items():
                setattr(unit, name, value)
            changed = diff(before, snapshot(unit))
            if changed:
                changed_units.append(unit)
                unit_changes[unit.pk] = changed
            form.saved_unit = unit
    Unit.objects.bulk_create(new_units, batch_size=1000)
    if changed_units:
        Unit.objects.bulk_update(
            changed_units,
            [
                "stair",
                "number",
                "floor",
                "kind",
                "registered_area",
                "surveyed_area",
                "contract_area",
                "developer_held",
            ],
        )
    events = _events(Unit, new_units, "unit.create", lambda u: diff({}, snapshot(u)), _unit_repr_region)
    events += _events(Unit, changed_units, "unit.update", lambda u: unit_changes[u.pk], _unit_repr_region)

    new_owners, changed_owners, owner_changes, owner_region = [], [], {}, {}
    chunk_owners: dict[bytes, Owner] = {}  # ID-hash key -> the owner this chunk creates
    for r in rows:
        form = r.form
        if form.owner_form is None:
            continue
        data = form.owner_form.service_data()
        id_number = data.pop("id_number", "")
        if id_number:
            number = normalize_id_number(id_number)
            data["id_hash"], data["id_last4"] = id_number_hash(number), number[-4:]
        if data.get("phone"):
            data["phone"] = normalize_mobile(data["phone"])
        owner = form.owner
        key = hash_key(data["id_hash"]) if data.get("id_hash") else None
        known = state.created_owners.get(key) if key else None
        if owner is None and known is not None:  # created by an earlier chunk of this file
            form.saved_owner_id = known
            continue
        if owner is None and key in chunk_owners:  # an owner of several units in this chunk
            form.saved_owner = chunk_owners[key]
            continue
        if owner is None:
            owner = Owner(**data)
            new_owners.append(owner)
            if key:
                chunk_owners[key] = owner
        else:
            before = snapshot(owner)
            for name, value in data.items():
                setattr(owner, name, value)
            changed = diff(before, snapshot(owner))
            if changed:
                changed_owners.append(owner)
                owner_changes[owner.pk] = changed
        form.saved_owner = owner
        owner_region[id(owner)] = form.saved_unit.compound.community_id
    Owner.objects.bulk_create(new_owners, batch_size=1000)
    for owner in new_owners:
        if owner.id_hash:
            state.created_owners[hash_key(owner.id_hash)] = owner.pk
    if changed_owners:
        Owner.objects.bulk_update(
            changed_owners, ["name", "phone", "id_hash", "id_last4", "is_developer", "updated_at"]
        )
    events += _events(
        Owner,
        new_owners,
        "owner.create",
        lambda o: diff({}, snapshot(o)),
        lambda o: owner_region[id(o)],
    )
    events += _events(
        Owner,
        changed_owners,
        "owner.update",
        lambda o: owner_changes[o.pk],
        lambda o: owner_region[id(o)],
    )

    existing = set()
    pairs = []
    for r in rows:
        form = r.form
        owner = getattr(form, "saved_owner", None)
        owner_id = owner.pk if owner is not None else getattr(form, "saved_owner_id", None)
        if owner_id is None:
            continue
        pairs.append((owner_id, form.saved_unit, form.cleaned_data.get("since")))
    created = {x.pk for x in new_units}  # once, not per pair (that was quadratic in the chunk)
    known_units = [u.pk for _, u, _ in pairs if u.pk not in created]
    if known_units:
        existing = set(OwnerUnit.objects.filter(unit_id__in=known_units).values_list("owner_id", "unit_id"))
    links = []
    for owner_id, unit, since in pairs:
        if (owner_id, unit.pk) in existing:
            continue
        existing.add((owner_id, unit.pk))
        links.append(OwnerUnit(owner_id=owner_id, unit=unit, since=since))
    OwnerUnit.objects.bulk_create(links, batch_size=1000)
    events += _events(
        OwnerUnit,
        links,
        "ownerunit.create",
        lambda link: {
            "owner": link.owner_id,
            "unit": link.unit.pk,
            "since": str(link.since) if link.since else None,
        },
        lambda link: link.unit.compound.community_id,
        lambda link: f"业主 — {link.unit}",
    )
    _write_events(events, actor)
