"""The pairing planner on hand-made cases whose optimum is known."""

import datetime
from decimal import Decimal

import pytest

from apps.core.testing import COUNTY
from apps.programs import planner
from apps.programs.planner import Adopter, Site

KM_PER_DEG = 111.195  # on the equator, per degree of longitude (haversine, EARTH_KM)


def site(i, lon, lat=0.0):
    return Site(i, f"小区{i}", lat, lon)


def test_global_optimum_with_capacity_and_no_coordinates():
    sites = [site(1, 0.0), site(2, 0.01), site(3, 0.02), Site(4, "无坐标小区", None, None)]
    adopters = [
        Adopter(10, "甲", 0.0, 0.0, stars=5, capacity=1),
        Adopter(20, "乙", 0.0, 0.03, stars=3, capacity=2),
        Adopter(30, "丙（无位置）", None, None, capacity=5),
    ]
    plan = planner.solve(sites, adopters, max_km=5)
    got = {p.site.id: p.adopter.id for p in plan.assigned}
    assert got == {1: 10, 2: 20, 3: 20}  # 0 + 2.22 + 1.11 km; 甲 has one slot only
    assert plan.total_km == pytest.approx(3 * 0.01 * KM_PER_DEG, rel=1e-3)
    assert [s.id for s in plan.no_coordinates] == [4]  # listed, not guessed
    # the officer may switch a row to any company within reach, nearest first
    assert [a.id for a, _ in plan.options[2]] == [10, 20]
    assert plan.options[1][0][1] == 0.0


def test_covering_more_compounds_beats_a_shorter_total():
    # P is nearest to 甲 but only 甲 can reach Q (乙 is 3.5 km from Q, beyond 3 km)
    P, Q = site(1, 0.0), site(2, -0.0225)
    adopters = [Adopter(10, "甲", 0.0, -0.0045, capacity=1), Adopter(20, "乙", 0.0, 0.009, capacity=1)]
    plan = planner.solve([P, Q], adopters, max_km=3)
    assert {p.site.id: p.adopter.id for p in plan.assigned} == {1: 20, 2: 10}


def test_load_uses_up_capacity_and_far_compounds_stay_unassigned():
    sites = [site(1, 0.0), site(2, 1.0)]  # the second is 111 km away
    adopters = [
        Adopter(10, "满负荷", 0.0, 0.0, load=2, capacity=2),
        Adopter(20, "有空位", 0.0, 0.001, load=1, capacity=2),
    ]
    plan = planner.solve(sites, adopters, max_km=5)
    assert [(p.site.id, p.adopter.id if p.adopter else None) for p in plan.proposals] == [(1, 20), (2, None)]


def test_equal_distance_prefers_the_better_rated_company():
    plan = planner.solve(
        [site(1, 0.0)],
        [Adopter(10, "三星", 0.0, 0.01, stars=3), Adopter(20, "五星", 0.0, -0.01, stars=5)],
        max_km=5,
    )
    assert plan.assigned[0].adopter.id == 20


def test_plan_for_county_reads_unserved_compounds_and_company_locations(prog):
    # the world's company serves 盛庄花园 (no coordinates) → no location; give it a compound with some
    from apps.programs import services
    from apps.registry.services import compound_update

    compound_update(
        compound=prog.world.compound,
        actor=None,
        data={"latitude": Decimal("35.001"), "longitude": Decimal("118.281")},
    )
    plan = planner.plan_for_county(COUNTY, on=datetime.date.today())
    names = [p.site.name for p in plan.proposals]
    assert "沂蒙学院家属院" in names
    assert plan.assigned and plan.assigned[0].adopter.id == prog.world.company.pk
    assert plan.assigned[0].distance_km < 1
    # once drafted, the compound leaves the planner
    services.pairing_create(
        compound=prog.unserved,
        company=prog.world.company,
        start_date=datetime.date.today(),
        subsidy_rate=Decimal("0.3"),
        actor=prog.users["county"],
    )
    assert "沂蒙学院家属院" not in [p.site.name for p in planner.plan_for_county(COUNTY).proposals]
