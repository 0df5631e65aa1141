"""/api/v1/dashboard/coverage and /dashboard/boundaries: scoped like the page, typed, the same
error shape as every endpoint, a fixed number of queries at every level."""

from __future__ import annotations

import pytest
from django.urls import reverse

from apps.core.scoping import region_scope
from apps.core.testing import CITY, COMMUNITY, COUNTY, OTHER_COUNTY, STREET
from apps.dashboards import figures as fig
from apps.dashboards.services import boundaries_load
from apps.dashboards.tests.conftest import LUOZHUANG_STREET
from apps.dashboards.tests.test_boundaries import collection, feature, square
from apps.regions.models import Region

COVERAGE = reverse("api-v1:dashboard_coverage")
BOUNDARIES = reverse("api-v1:dashboard_boundaries")


def test_coverage_of_the_callers_region_with_its_children(api_get, spread):
    response = api_get(COVERAGE, as_="county")
    assert response.status_code == 200
    data = response.json()
    assert data["region"]["code"] == COUNTY and data["region"]["url"] == f"/dashboard/?region={COUNTY}"
    assert [r["code"] for r in data["path"]] == [COUNTY]
    assert [t["key"] for t in data["targets"]] == [
        "work_coverage",
        "old_compound_coverage",
        "rated_company_orgs",
    ]
    old = data["targets"][1]
    assert old["ratio"] == {"numerator": 2, "denominator": 3, "percent": 66.7, "complete": False}
    assert old["gaps"] == [
        {
            "kind": "old-compounds",
            "label": "无物业服务的老旧小区",
            "count": 1,
            "url": f"/dashboard/list/old-compounds/?region={COUNTY}",
        }
    ]
    assert data["figures"]["fallback"] == {"compounds": 1, "households": 120, "companies": 1}
    assert data["children_level"] == "street"
    children = {c["region"]["code"]: c for c in data["children"]}
    assert set(children) == set(Region.objects.filter(parent_id=COUNTY).values_list("code", flat=True))
    assert children[STREET]["figures"]["old_compound_coverage"]["complete"] is True
    assert children[LUOZHUANG_STREET]["figures"]["committee_coverage"] == {
        "numerator": 0,
        "denominator": 1,
        "percent": 0.0,
        "complete": False,
    }
    assert children[STREET]["tile"] == {"x": 0, "y": 0}
    assert data["map"] == {"mode": "tiles", "with_boundaries": 0, "boundaries_url": None}
    assert data["compounds"] == []
    modes = {m["mode"]: m["count"] for m in data["old_compounds_by_mode"]}
    assert modes["none"] == 1 and modes["fallback"] == 1 and sum(modes.values()) == 3


def test_the_json_agrees_with_the_figures(api_get, spread):
    data = api_get(COVERAGE, as_="city", region=STREET).json()
    f = fig.figures(region_scope(STREET))
    assert data["figures"]["secretaries_in_post"] == f.secretaries_in_post
    assert data["figures"]["work_coverage"]["numerator"] == f.party_work_coverage.total.numerator
    assert data["figures"]["branch_coverage"]["eligible"] == f.branch_coverage.eligible


def test_a_community_lists_its_compounds(api_get, spread, world):
    data = api_get(COVERAGE, as_="county", region=COMMUNITY).json()
    assert data["children"] == [] and data["map"]["mode"] == "none"
    compounds = {c["name"]: c for c in data["compounds"]}
    home = compounds[world.compound.name]
    assert home["url"] == world.compound.get_absolute_url()
    assert (home["has_branch"], home["committee_covered"], home["red_committee"]) == (True, True, True)
    assert compounds[spread.pairing.name]["red_committee"] is None  # no committee: nothing to judge


@pytest.mark.parametrize(
    "persona,code,status,error",
    [
        ("other_county", COUNTY, 404, "not_found"),
        ("county", CITY, 404, "not_found"),
        ("heze_city", STREET, 404, "not_found"),
        ("county", "123", 400, "invalid"),
        ("company", None, 403, "forbidden"),
        ("resident", COUNTY, 403, "forbidden"),
        ("department", None, 403, "forbidden"),
    ],
)
def test_outside_the_scope_is_refused(api_get, world, persona, code, status, error):
    params = {"region": code} if code else {}
    for url in (COVERAGE, BOUNDARIES):
        response = api_get(url, as_=persona, **params)
        assert response.status_code == status
        body = response.json()
        assert body["code"] == error and body["message"] and "field_errors" in body


def test_anonymous_and_outsiders(client, client_for, world):
    assert client.get(COVERAGE).status_code == 401
    assert client_for("outsider").get(COVERAGE).json()["code"] == "forbidden"


def test_the_session_of_the_page_works(client_for, spread):
    response = client_for("street").get(COVERAGE)
    assert response.status_code == 200 and response.json()["region"]["code"] == STREET


@pytest.mark.parametrize("code", ["370000", CITY, COUNTY, STREET, COMMUNITY])
def test_a_fixed_number_of_queries_at_every_level(client_for, spread, code, django_assert_max_num_queries):
    from apps.accounts.models import User

    client = client_for("city")
    if code == "370000":
        client.force_login(User.objects.create_superuser("root", password="x" * 12))
    client.get(COVERAGE, {"region": code})
    with django_assert_max_num_queries(30):
        assert client.get(COVERAGE, {"region": code}).status_code == 200


def test_boundaries_switch_the_map_from_tiles_to_outlines(api_get, spread):
    children = list(Region.objects.filter(parent_id=CITY).values_list("code", flat=True))
    partial = collection(*(feature(code, square(118 + i * 0.1, 35.0)) for i, code in enumerate(children[:3])))
    assert boundaries_load(data=partial, source="合成", licence="CC0", actor=None).ok
    data = api_get(COVERAGE, as_="city").json()
    assert data["map"] == {"mode": "tiles", "with_boundaries": 3, "boundaries_url": None}  # not all: tiles

    full = collection(*(feature(code, square(118 + i * 0.1, 35.0)) for i, code in enumerate(children)))
    assert boundaries_load(data=full, source="合成", licence="CC0", actor=None).ok
    data = api_get(COVERAGE, as_="city").json()
    assert data["map"]["mode"] == "boundaries"
    assert data["map"]["boundaries_url"] == f"{BOUNDARIES}?region={CITY}"
    outlines = api_get(BOUNDARIES, as_="city").json()
    assert outlines["type"] == "FeatureCollection"
    assert [f["properties"]["code"] for f in outlines["features"]] == sorted(children)
    assert outlines["features"][0]["geometry"]["type"] == "Polygon"
    assert outlines["sources"] == [{"source": "合成", "licence": "CC0"}]
    # A county official sees the streets of the county: none loaded.
    assert api_get(BOUNDARIES, as_="county").json()["features"] == []
    assert api_get(BOUNDARIES, as_="county", region=OTHER_COUNTY).status_code == 404


def test_no_two_schemas_of_the_api_share_a_component_name():
    """django-ninja names OpenAPI components by class name: a second `RegionOut` in another
    router would silently replace the first in the schema (it did, once)."""
    import importlib

    from ninja import Schema

    seen: dict[str, str] = {}
    for app in ("regions", "registry", "party", "committees", "dashboards"):
        module = importlib.import_module(f"apps.{app}.api")
        for obj in vars(module).values():
            if isinstance(obj, type) and issubclass(obj, Schema) and obj.__module__ == module.__name__:
                assert obj.__name__ not in seen, f"{obj.__name__} in {app} and {seen[obj.__name__]}"
                seen[obj.__name__] = app


POINTS = reverse("api-v1:dashboard_points")


def test_points_are_the_located_compounds_of_the_region(api_get, spread, django_assert_max_num_queries):
    from apps.registry.models import Compound

    api_get(POINTS, as_="county")  # the persona's key is made on the first call
    with django_assert_max_num_queries(8):
        response = api_get(POINTS, as_="county")
    assert response.status_code == 200
    data = response.json()
    located = Compound.objects.filter(community__pk__startswith=COUNTY, latitude__isnull=False)
    assert {p["id"] for p in data["points"]} == set(located.values_list("pk", flat=True))
    assert data["truncated"] is False
    assert (
        data["unlocated"]
        == Compound.objects.filter(community__pk__startswith=COUNTY).count() - located.count()
    )
    point = data["points"][0]
    assert set(point) == {
        "id",
        "name",
        "lat",
        "lng",
        "management_mode",
        "management_mode_label",
        "is_old",
        "url",
    }


def test_points_are_refused_outside_the_callers_region(api_get, spread):
    assert api_get(POINTS, as_="county", region=OTHER_COUNTY).status_code == 404
    assert api_get(POINTS, as_="resident").status_code == 403
