"""Each norm of RULES.md §6 at, just below and just above its boundary; exclusion rules."""

from decimal import Decimal

import pytest

from apps.spaces.choices import RoomType, SpaceKind
from apps.spaces.norms import SpaceFacts, check_compound, default_rules, exclusion_reasons

D = Decimal
RULES = default_rules()


def prop(area, **kw):
    return SpaceFacts(
        kind=kw.pop("kind", SpaceKind.PROPERTY_SERVICE),
        floor_area=D(area),
        clear_height=D(kw.pop("clear_height", "3.00")),
        floor=kw.pop("floor", 1),
        **kw,
    )


def office(area):
    return prop(area, kind=SpaceKind.COMMITTEE_OFFICE)


def check(spaces, tfa="36000", households=320):
    return check_compound(total_floor_area=D(tfa), households=households, spaces=spaces, rules=RULES)


def test_defaults_are_shandong_heze():
    assert RULES.property_permille_min == 3 and RULES.property_permille_max == 5
    assert RULES.property_min_area == 100 and RULES.committee_office_min_area == 20
    assert RULES.government_min_area == 50 and RULES.community_area_per_100_households == 30
    assert RULES.min_clear_height == D("2.2") and RULES.max_floor_without_lift == 3


@pytest.mark.parametrize(
    "area,met,gap", [("108.00", True, "0.00"), ("107.99", False, "0.01"), ("108.01", True, "0.00")]
)
def test_property_rooms_three_permille(area, met, gap):
    # 36,000 m² × 3‰ = 108 m² (above the 100 m² floor); the committee office counts inside it.
    r = check([prop(D(area) - 20), office("20")]).by_code("property_area")
    assert r.required == D("108.00")
    assert r.met is met and r.gap == D(gap)


@pytest.mark.parametrize("area,met", [("100.00", True), ("99.99", False), ("100.01", True)])
def test_property_rooms_at_least_100(area, met):
    r = check([prop(area)], tfa="20000").by_code("property_area")  # 3‰ = 60 < 100
    assert r.required == D("100.00") and r.met is met


def test_property_rooms_above_five_permille_is_noted_not_missed():
    r = check([prop("181")], tfa="36000").by_code("property_area")  # 5‰ = 180
    assert r.met and "超过" in r.note


@pytest.mark.parametrize(
    "area,met,gap", [("20", True, "0.00"), ("19.99", False, "0.01"), ("20.01", True, "0.00")]
)
def test_committee_office(area, met, gap):
    r = check([office(area)]).by_code("committee_office")
    assert r.met is met and r.gap == D(gap)


@pytest.mark.parametrize("area,met", [("50", True), ("49.99", False), ("50.01", True)])
def test_government_rooms(area, met):
    r = check([prop(area, kind=SpaceKind.GOVERNMENT)]).by_code("government")
    assert r.met is met


@pytest.mark.parametrize("area,met", [("96", True), ("95.99", False), ("96.01", True)])
def test_community_facilities_per_100_households(area, met):
    r = check([prop(area, kind=SpaceKind.COMMUNITY)], households=320).by_code("community")
    assert r.required == D("96.00") and r.met is met


def test_community_pro_rata_exact():
    r = check([prop("99.90", kind=SpaceKind.PARTY_CENTRE)], households=333).by_code("community")
    assert r.required == D("99.90") and r.met


def test_floor_four_counts_with_lift_not_without():
    no_lift = check([prop("150", floor=4, has_lift=False)]).by_code("property_area")
    lift = check([prop("150", floor=4, has_lift=True)]).by_code("property_area")
    third = check([prop("150", floor=3, has_lift=False)]).by_code("property_area")
    assert not no_lift.met and no_lift.actual == 0
    assert lift.met and lift.actual == D("150.00")
    assert third.met


@pytest.mark.parametrize("height,counts", [("2.20", True), ("2.19", False), ("2.21", True), ("0", False)])
def test_clear_height_boundary(height, counts):
    assert (exclusion_reasons(prop("10", clear_height=height), RULES) == []) is counts


@pytest.mark.parametrize("room_type", [RoomType.SHAFT, RoomType.CORRIDOR, RoomType.GARAGE, RoomType.BASEMENT])
def test_shafts_corridors_garages_basements_do_not_count(room_type):
    n = check([prop("200", room_type=room_type)])
    assert n.by_code("property_area").actual == 0 and n.excluded


def test_below_ground_and_residential_do_not_count():
    assert exclusion_reasons(prop("10", above_ground=False, floor=-1), RULES)
    assert exclusion_reasons(prop("10", is_residential=True), RULES)


def test_compound_met_only_when_every_norm_met():
    spaces = [
        prop("100"),
        office("20"),
        prop("50", kind=SpaceKind.GOVERNMENT),
        prop("96", kind=SpaceKind.COMMUNITY),
    ]
    assert check(spaces).met
    assert not check(spaces[:3]).met
    assert [r.code for r in check(spaces[:3]).missed] == ["community"]


@pytest.mark.django_db
def test_jurisdiction_rules_nearest_region_wins():
    from apps.regions.models import Region
    from apps.spaces.norms import rules_for
    from apps.spaces.services import rules_create

    rules_create(
        actor=None,
        data={
            "region": Region.objects.get(pk="371700"),
            "property_permille_min": D("4"),
            "property_permille_max": D("6"),
            "property_min_area": D("120"),
            "committee_office_min_area": D("30"),
            "government_min_area": D("60"),
            "community_area_per_100_households": D("35"),
            "min_clear_height": D("2.4"),
            "max_floor_without_lift": 2,
            "source": "测试",
        },
    )
    assert rules_for("371702001016").property_min_area == D("120")
    assert rules_for("371311003003").property_min_area == D("100")  # Linyi: defaults
