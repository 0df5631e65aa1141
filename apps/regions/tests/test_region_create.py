import pytest

from apps.core.errors import DomainError
from apps.core.models import Event
from apps.regions.models import Region
from apps.regions.services import region_create, region_update


def data(**extra):
    return {
        "code": "371311003199",
        "name": "万通社区居民委员会",
        "level": "community",
        "kind": "urban_community",
        "parent": Region.objects.get(code="371311003"),
        "source": "演示补充",
        **extra,
    }


def test_adds_a_community_with_an_event(db):
    region = region_create(actor=None, data=data())
    assert region.parent_id == "371311003"
    event = Event.objects.get(verb="region.create")
    assert event.region_code == "371311003199" and event.changes["name"][1] == "万通社区居民委员会"


@pytest.mark.parametrize(
    "extra,field",
    [
        ({"code": "371311003250"}, "code"),  # 200–399 are villagers' committees
        ({"code": "371311003003"}, "code"),  # exists (后盛庄社区)
        ({"code": "371302001199"}, "code"),  # not under 盛庄街道
        ({"code": "37131100319"}, "code"),  # wrong length
        ({"kind": "town"}, "kind"),
    ],
)
def test_refuses_bad_rows(db, extra, field):
    with pytest.raises(DomainError) as exc:
        region_create(actor=None, data=data(**extra))
    assert field in exc.value.field_errors
    assert not Event.objects.filter(verb="region.create").exists()


def test_checks_the_actors_permission_and_scope(world):
    from apps.core.errors import ForbiddenError

    with pytest.raises(ForbiddenError, match="无权"):
        region_create(actor=world.users["county"], data=data())  # a county official adds no divisions
    with pytest.raises(ForbiddenError, match="不在您的管辖范围内"):
        region_create(actor=world.users["heze_city"], data=data())  # Heze's city, a Linyi community
    assert not Region.objects.filter(code="371311003199").exists()
    region = region_create(actor=world.users["city"], data=data())
    with pytest.raises(ForbiddenError, match="不在您的管辖范围内"):
        region_update(region=region, actor=world.users["heze_city"], data={"name": "改名"})
    region_update(region=region, actor=world.users["city"], data={"name": "万通社区"})
    assert Region.objects.get(code="371311003199").name == "万通社区"
    assert Event.objects.filter(verb="region.update", object_id="371311003199").count() == 1
