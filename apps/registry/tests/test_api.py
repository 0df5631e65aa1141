"""Open API: compounds, companies and departments — scope, filters, pagination, query counts."""

from decimal import Decimal

import pytest

from apps.core import testing as t

pytestmark = pytest.mark.django_db

A, B = "罗庄", "兰山"


def names(response):
    assert response.status_code == 200, response.content
    return [row["name"] for row in response.json()["results"]]


def test_compounds_follow_the_callers_scope(api_get, world):
    assert names(api_get("/api/v1/compounds", as_="city")) == ["十里堡小区", "盛庄花园"]
    assert names(api_get("/api/v1/compounds", as_="county")) == ["盛庄花园"]
    assert names(api_get("/api/v1/compounds", as_="other_county")) == ["十里堡小区"]
    assert names(api_get("/api/v1/compounds", as_="heze_city")) == []
    for persona in ("street", "community", "company", "committee", "resident"):
        assert names(api_get("/api/v1/compounds", as_=persona)) == ["盛庄花园"], persona


def test_county_token_cannot_reach_another_county(api_get, world):
    # by filter
    assert names(api_get("/api/v1/compounds", as_="county", region=t.OTHER_COUNTY)) == []
    assert names(api_get("/api/v1/compounds", as_="county", q="十里堡")) == []
    assert names(api_get("/api/v1/compounds", as_="county", company=world.other_company.pk)) == []
    # by detail
    response = api_get(f"/api/v1/compounds/{world.other_compound.pk}", as_="county")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert api_get(f"/api/v1/companies/{world.other_company.pk}", as_="county").status_code == 404


def test_compound_filters(api_get, world):
    assert names(api_get("/api/v1/compounds", as_="city", region=t.COMMUNITY)) == ["盛庄花园"]
    assert names(api_get("/api/v1/compounds", as_="city", region=t.COUNTY)) == ["盛庄花园"]
    assert names(api_get("/api/v1/compounds", as_="city", region=t.CITY)) == ["十里堡小区", "盛庄花园"]
    assert names(api_get("/api/v1/compounds", as_="city", q="十里")) == ["十里堡小区"]
    assert names(api_get("/api/v1/compounds", as_="city", q=world.compound.code)) == ["盛庄花园"]
    assert names(api_get("/api/v1/compounds", as_="city", is_old="true")) == ["盛庄花园"]
    assert names(api_get("/api/v1/compounds", as_="city", is_old="false")) == ["十里堡小区"]
    assert names(api_get("/api/v1/compounds", as_="city", mode="market")) == ["十里堡小区", "盛庄花园"]
    assert names(api_get("/api/v1/compounds", as_="city", mode="none")) == []
    assert names(api_get("/api/v1/compounds", as_="city", company=world.company.pk)) == ["盛庄花园"]


def test_compound_detail(api_get, world):
    response = api_get(f"/api/v1/compounds/{world.compound.pk}", as_="community")
    assert response.status_code == 200
    body = response.json()
    assert body["code"] == world.compound.code
    assert body["community"] == {"code": t.COMMUNITY, "name": "后盛庄社区居民委员会"}
    assert body["county"]["code"] == t.COUNTY
    assert body["company"] == {"id": world.company.pk, "name": world.company.name}
    assert body["management_mode_label"] == "市场化物业企业"
    assert body["branch_eligible"] is True
    assert (body["building_count"], body["unit_count"]) == (1, 1)


def test_bad_filters_are_400_with_field_errors(api_get, world):
    for params, field in [
        ({"region": "3713"}, "region"),
        ({"mode": "nope"}, "mode"),
        ({"company": "x"}, "company"),
        ({"page": "0"}, "page"),
        ({"page_size": "1000"}, "page_size"),
        ({"is_old": "perhaps"}, "is_old"),
        ({"q": "x" * 101}, "q"),
    ]:
        response = api_get("/api/v1/compounds", as_="city", **params)
        assert response.status_code == 400, params
        body = response.json()
        assert body["code"] == "invalid"
        assert field in body["field_errors"], body
        assert body["message"]


def test_nul_in_search_is_400_not_500(api_get, world):
    response = api_get("/api/v1/compounds", as_="city", q="a\x00b")
    assert response.status_code == 400


def test_compound_pagination_and_query_count(api_get, world, django_assert_max_num_queries):
    from apps.registry.services import compound_create

    for i in range(7):
        compound_create(
            actor=None,
            data={
                "name": f"分页小区{i}",
                "community": world.compound.community,
                "households": 10,
                "total_floor_area": Decimal("1000"),
                "year_built": 2010,
                "management_mode": "none",
            },
        )
    key_page = api_get("/api/v1/compounds", as_="county", page_size=3)  # warms the key
    assert key_page.json()["count"] == 8
    with django_assert_max_num_queries(6):
        body = api_get("/api/v1/compounds", as_="county", page_size=3, page=2).json()
    assert (body["count"], body["page"], body["page_size"], len(body["results"])) == (8, 2, 3, 3)
    assert len(api_get("/api/v1/compounds", as_="county", page_size=3, page=3).json()["results"]) == 2
    assert api_get("/api/v1/compounds", as_="county", page_size=3, page=99).json()["results"] == []


def test_outsider_and_roles_without_permission(client_for, world):
    client = client_for("outsider")
    assert client.get("/api/v1/compounds").status_code == 403
    assert client.get(f"/api/v1/compounds/{world.compound.pk}").status_code == 404
    assert client.get(f"/api/v1/companies/{world.company.pk}").status_code == 404
    # residents may see companies and compounds, but not departments
    resident = client_for("resident")
    assert resident.get("/api/v1/departments").status_code == 403


def test_session_user_reads_with_the_same_scope(client_for, world):
    response = client_for("county").get("/api/v1/compounds")
    assert [r["name"] for r in response.json()["results"]] == ["盛庄花园"]


def test_companies(api_get, world, django_assert_max_num_queries):
    assert names(api_get("/api/v1/companies", as_="city")) == [world.other_company.name, world.company.name]
    assert names(api_get("/api/v1/companies", as_="county")) == [world.company.name]
    assert names(api_get("/api/v1/companies", as_="resident")) == [world.company.name]
    assert names(api_get("/api/v1/companies", as_="city", region=t.OTHER_COUNTY)) == [
        world.other_company.name
    ]
    assert names(api_get("/api/v1/companies", as_="city", q=world.company.credit_code[:10])) == [
        world.company.name
    ]
    assert names(api_get("/api/v1/companies", as_="city", kind="public_welfare")) == []
    api_get("/api/v1/companies", as_="county")
    with django_assert_max_num_queries(6):
        body = api_get("/api/v1/companies", as_="county").json()
    assert body["results"][0]["compound_count"] == 1
    detail = api_get(f"/api/v1/companies/{world.company.pk}", as_="company").json()
    assert detail["credit_code"] == world.company.credit_code
    assert api_get(f"/api/v1/companies/{world.other_company.pk}", as_="company").status_code == 404


def test_departments(api_get, world, django_assert_max_num_queries):
    assert names(api_get("/api/v1/departments", as_="county")) == [world.department.name]
    assert names(api_get("/api/v1/departments", as_="other_county")) == ["兰山区住房和城乡建设局"]
    assert names(api_get("/api/v1/departments", as_="department")) == [world.department.name]
    assert names(api_get("/api/v1/departments", as_="city", kind="water")) == []
    assert names(api_get("/api/v1/departments", as_="city", q="罗庄")) == [world.department.name]
    api_get("/api/v1/departments", as_="city")
    with django_assert_max_num_queries(5):
        api_get("/api/v1/departments", as_="city")
    response = api_get(f"/api/v1/departments/{world.department.pk}", as_="other_county")
    assert response.status_code == 404
    assert api_get(f"/api/v1/departments/{world.department.pk}", as_="county").json()["kind"] == "housing"


@pytest.mark.parametrize("path", ["compounds", "companies", "departments"])
def test_out_of_range_ids_are_404_not_500(api_get, world, path):
    assert api_get(f"/api/v1/{path}/99999999999999999999999", as_="city").status_code == 404
    assert api_get(f"/api/v1/{path}/-1", as_="city").status_code == 404
    assert api_get("/api/v1/compounds", as_="city", company=2**63).status_code == 400
