from apps.core.scoping import scoped
from apps.registry.models import Compound, PropertyCompany


def test_world_scopes(world, users):
    assert set(scoped(Compound.objects.all(), users["city"])) == {world.compound, world.other_compound}
    assert list(scoped(Compound.objects.all(), users["county"])) == [world.compound]
    assert list(scoped(Compound.objects.all(), users["other_county"])) == [world.other_compound]
    assert list(scoped(Compound.objects.all(), users["heze_city"])) == []
    assert list(scoped(Compound.objects.all(), users["outsider"])) == []
    assert list(scoped(Compound.objects.all(), users["company"])) == [world.compound]
    assert list(scoped(Compound.objects.all(), users["committee"])) == [world.compound]
    assert list(scoped(Compound.objects.all(), users["resident"])) == [world.compound]
    assert list(scoped(PropertyCompany.objects.all(), users["resident"])) == [world.company]
    assert list(scoped(PropertyCompany.objects.all(), users["county"])) == [world.company]
