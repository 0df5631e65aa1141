"""Open API: regions."""

import pytest

from apps.core import testing as t

pytestmark = pytest.mark.django_db


def test_regions_are_scoped(api_get, world, django_assert_max_num_queries):
    county = api_get("/api/v1/regions", as_="county", level="county").json()
    assert [r["code"] for r in county["results"]] == [t.COUNTY]
    streets = api_get("/api/v1/regions", as_="county", parent=t.COUNTY).json()
    assert streets["count"] > 0 and all(r["parent"]["code"] == t.COUNTY for r in streets["results"])
    # another county by filter and by detail
    assert api_get("/api/v1/regions", as_="county", region=t.OTHER_COUNTY).json()["count"] == 0
    assert api_get(f"/api/v1/regions/{t.OTHER_COUNTY}", as_="county").status_code == 404
    assert api_get("/api/v1/regions", as_="heze_city", region=t.CITY).json()["count"] == 0
    api_get("/api/v1/regions", as_="city")  # makes the key
    with django_assert_max_num_queries(5):
        assert len(api_get("/api/v1/regions", as_="city", page_size=100).json()["results"]) == 100


def test_region_filters_and_detail(api_get, world):
    found = api_get("/api/v1/regions", as_="city", q="罗庄").json()["results"]
    assert t.COUNTY in [r["code"] for r in found]
    detail = api_get(f"/api/v1/regions/{t.COMMUNITY}", as_="street").json()
    assert detail["level"] == "community"
    # the path above is a breadcrumb of public names, the same for every caller
    assert [a["code"] for a in detail["ancestors"]] == ["370000", t.CITY, t.COUNTY, t.STREET]
    assert api_get("/api/v1/regions", as_="city", level="village").status_code == 400


def test_roles_without_region_scope(api_get, client_for, world):
    assert api_get("/api/v1/regions", as_="company").status_code == 403
    assert client_for("outsider").get(f"/api/v1/regions/{t.COUNTY}").status_code == 404
    assert api_get("/api/v1/regions/abc", as_="city").status_code == 404
