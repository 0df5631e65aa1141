"""The registry, party and committees services check permission and scope themselves: a user
without the permission, or an object outside their scope, is refused and nothing is written
(no row, no audit event) — whichever adapter (page, admin, import) called the service."""

import pytest

from apps.committees import services as committees
from apps.core.errors import ForbiddenError
from apps.core.models import Event
from apps.party import services as party
from apps.registry import services as registry
from apps.registry.models import Building, Owner, OwnerUnit

pytestmark = pytest.mark.django_db


def _refused(call):
    before = Event.objects.count()
    with pytest.raises(ForbiddenError):
        call()
    assert Event.objects.count() == before


UPDATES = [
    ("building", lambda o, a: registry.building_update(building=o, actor=a, data={"floors": 9})),
    ("unit", lambda o, a: registry.unit_update(unit=o, actor=a, data={"stair": "9单元"})),
    ("owner", lambda o, a: registry.owner_update(owner=o, actor=a, data={"name": "改名"})),
    ("compound", lambda o, a: registry.compound_update(compound=o, actor=a, data={"households": 1})),
    ("company", lambda o, a: registry.company_update(company=o, actor=a, data={"name": "改名"})),
    ("department", lambda o, a: registry.department_update(department=o, actor=a, data={"name": "改名"})),
    ("partyorg", lambda o, a: party.party_org_update(party_org=o, actor=a, data={"member_count": 1})),
    ("secretary", lambda o, a: party.secretary_update(secretary=o, actor=a, data={"name": "改名"})),
    ("committee", lambda o, a: committees.committee_update(committee=o, actor=a, data={"note": "x"})),
    ("member", lambda o, a: committees.member_update(member=o, actor=a, data={"name": "改名"})),
]


@pytest.mark.parametrize(("key", "call"), UPDATES, ids=[k for k, _ in UPDATES])
def test_update_outside_the_actors_scope_is_refused(world, key, call):
    obj = world.other[key]
    _refused(lambda: call(obj, world.users["county"]))
    fresh = type(obj).objects.get(pk=obj.pk)
    assert fresh.updated_at == obj.updated_at if hasattr(obj, "updated_at") else True


@pytest.mark.parametrize("persona", ["outsider", "resident", "committee"])
def test_update_without_the_permission_is_refused(world, persona):
    building = world.own["building"]
    _refused(
        lambda: registry.building_update(building=building, actor=world.users[persona], data={"floors": 9})
    )
    assert Building.objects.get(pk=building.pk).floors == building.floors


def test_delete_outside_scope_and_without_permission_is_refused(world):
    owner = world.other["owner"]
    _refused(lambda: registry.owner_delete(owner=owner, actor=world.users["county"]))
    _refused(lambda: registry.owner_delete(owner=world.own["owner"], actor=world.users["street"]))
    _refused(lambda: party.secretary_delete(secretary=world.other["secretary"], actor=world.users["county"]))
    _refused(lambda: committees.member_remove(member=world.other["member"], actor=world.users["county"]))
    assert Owner.objects.filter(pk__in=[owner.pk, world.own["owner"].pk]).count() == 2


def test_create_placing_a_row_outside_scope_writes_nothing(world):
    county = world.users["county"]
    count = Building.objects.count()
    _refused(
        lambda: registry.building_create(
            actor=county, data={"compound": world.other["compound"], "name": "越权楼", "floors": 3}
        )
    )
    assert Building.objects.count() == count
    _refused(
        lambda: committees.member_add(
            committee=world.other["committee"], actor=county, data={"name": "越权委员", "position": "member"}
        )
    )


def test_create_without_the_permission_writes_nothing(world):
    count = Building.objects.count()
    _refused(
        lambda: registry.building_create(
            actor=world.users["resident"], data={"compound": world.compound, "name": "无权楼", "floors": 3}
        )
    )
    assert Building.objects.count() == count


def test_import_path_owner_with_a_unit_outside_scope_is_refused(world):
    """The owner import calls owner_create with the row's unit: a unit of another county is refused."""
    owners, links = Owner.objects.count(), OwnerUnit.objects.count()
    _refused(
        lambda: registry.owner_create(
            actor=world.users["county"], data={"name": "导入业主"}, units=[world.other["unit"]]
        )
    )
    assert (Owner.objects.count(), OwnerUnit.objects.count()) == (owners, links)


def test_rules_of_a_higher_region_cannot_be_changed_from_below(world):
    rules = world.own["rules"]
    if not rules.region_id.startswith(world.users["street"].region_id) and world.users["street"].has_perm(
        "committees.change_committeerules"
    ):
        _refused(
            lambda: committees.rules_update(rules=rules, actor=world.users["street"], data={"source": "x"})
        )


def test_pii_view_needs_the_permission_and_the_scope(world):
    _refused(lambda: registry.owner_view_pii(owner=world.own["owner"], actor=world.users["heze_city"]))
    _refused(lambda: registry.owner_view_pii(owner=world.own["owner"], actor=world.users["county"]))


def test_permitted_user_in_scope_still_writes_with_an_event(world):
    building = registry.building_create(
        actor=world.users["community"], data={"compound": world.compound, "name": "新楼", "floors": 3}
    )
    assert Event.objects.filter(verb="building.create", object_id=str(building.pk)).exists()
