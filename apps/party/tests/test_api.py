"""Open API: party organisations and red-collar secretaries."""

import datetime

import pytest

from apps.core import testing as t

pytestmark = pytest.mark.django_db


@pytest.fixture
def party(world):
    from apps.party.services import party_org_create, rating_record, secretary_create
    from apps.regions.models import Region

    county = Region.objects.get(pk=t.COUNTY)
    other = Region.objects.get(pk=t.OTHER_COUNTY)
    company_org = party_org_create(
        actor=None,
        data={
            "name": "罗庄安居物业党支部",
            "kind": "company_org",
            "region": county,
            "company": world.company,
            "secretary_name": "赵红",
            "secretary_phone": "13800001234",
            "member_count": 9,
        },
    )
    rating_record(
        actor=None, data={"party_org": company_org, "year": 2025, "stars": 4, "issuer": "罗庄区委组织部"}
    )
    branch = party_org_create(
        actor=None,
        data={
            "name": "盛庄花园小区党支部",
            "kind": "compound_branch",
            "region": world.compound.community,
            "compound": world.compound,
            "member_count": 12,
        },
    )
    other_org = party_org_create(
        actor=None,
        data={"name": "兰山联合党支部", "kind": "joint_branch", "region": other, "member_count": 5},
    )
    other_org.covered_companies.set([world.other_company])
    today = datetime.date.today()
    secretary = secretary_create(
        actor=None,
        data={
            "name": "孙立",
            "phone": "13900005678",
            "sending_unit": "罗庄区住建局",
            "community": world.compound.community,
            "start_date": today - datetime.timedelta(days=100),
        },
    )
    former = secretary_create(
        actor=None,
        data={
            "name": "周平",
            "sending_unit": "兰山区委组织部",
            "community": Region.objects.get(pk=t.OTHER_COMMUNITY),
            "start_date": today - datetime.timedelta(days=800),
            "end_date": today - datetime.timedelta(days=100),
        },
    )
    return {
        "company_org": company_org,
        "branch": branch,
        "other": other_org,
        "sec": secretary,
        "former": former,
    }


def names(response):
    assert response.status_code == 200, response.content
    return sorted(row["name"] for row in response.json()["results"])


def test_party_orgs_scoped_and_filtered(api_get, party, world, django_assert_max_num_queries):
    assert names(api_get("/api/v1/party-orgs", as_="county")) == ["盛庄花园小区党支部", "罗庄安居物业党支部"]
    assert names(api_get("/api/v1/party-orgs", as_="other_county")) == ["兰山联合党支部"]
    assert names(api_get("/api/v1/party-orgs", as_="company")) == ["罗庄安居物业党支部"]
    assert names(api_get("/api/v1/party-orgs", as_="committee")) == ["盛庄花园小区党支部"]
    assert names(api_get("/api/v1/party-orgs", as_="county", region=t.OTHER_COUNTY)) == []
    assert names(api_get("/api/v1/party-orgs", as_="city", kind="joint_branch")) == ["兰山联合党支部"]
    assert names(api_get("/api/v1/party-orgs", as_="city", company=world.other_company.pk)) == [
        "兰山联合党支部"
    ]
    assert names(api_get("/api/v1/party-orgs", as_="city", compound=world.compound.pk)) == [
        "盛庄花园小区党支部"
    ]
    assert names(api_get("/api/v1/party-orgs", as_="city", q="物业")) == ["罗庄安居物业党支部"]
    with django_assert_max_num_queries(5):
        api_get("/api/v1/party-orgs", as_="city")
    assert api_get(f"/api/v1/party-orgs/{party['other'].pk}", as_="county").status_code == 404
    assert api_get("/api/v1/party-orgs", as_="department").status_code == 403
    assert api_get("/api/v1/party-orgs", as_="resident").status_code == 403


def test_party_org_detail_masks_the_secretary_phone(api_get, party):
    org = party["company_org"]
    masked = api_get(f"/api/v1/party-orgs/{org.pk}", as_="county").json()
    assert masked["secretary_phone"] == "138****1234"
    assert (masked["latest_stars"], masked["latest_rating_year"]) == (4, 2025)
    assert masked["company"]["name"] == "罗庄安居物业服务有限公司"
    assert api_get(f"/api/v1/party-orgs/{org.pk}", as_="city").json()["secretary_phone"] == "13800001234"
    joint = api_get(f"/api/v1/party-orgs/{party['other'].pk}", as_="other_county").json()
    assert [c["name"] for c in joint["covered_companies"]] == ["兰山宜家物业服务有限公司"]


def test_secretaries(api_get, client_for, party, django_assert_max_num_queries):
    assert names(api_get("/api/v1/red-collar-secretaries", as_="city")) == ["周平", "孙立"]
    assert names(api_get("/api/v1/red-collar-secretaries", as_="county")) == ["孙立"]
    today = datetime.date.today().isoformat()
    assert names(api_get("/api/v1/red-collar-secretaries", as_="city", in_post_on=today)) == ["孙立"]
    assert names(api_get("/api/v1/red-collar-secretaries", as_="city", region=t.OTHER_COUNTY)) == ["周平"]
    assert names(api_get("/api/v1/red-collar-secretaries", as_="city", q="住建")) == ["孙立"]
    assert api_get("/api/v1/red-collar-secretaries", as_="city", in_post_on="2026-02-30").status_code == 400
    with django_assert_max_num_queries(5):
        api_get("/api/v1/red-collar-secretaries", as_="city")
    detail = api_get(f"/api/v1/red-collar-secretaries/{party['sec'].pk}", as_="street").json()
    assert detail["phone"] == "139****5678" and detail["in_post"] is True
    assert detail["county"]["code"] == t.COUNTY
    assert api_get(f"/api/v1/red-collar-secretaries/{party['former'].pk}", as_="county").status_code == 404
    assert client_for("outsider").get(f"/api/v1/red-collar-secretaries/{party['sec'].pk}").status_code == 404
    assert api_get("/api/v1/red-collar-secretaries", as_="company").status_code == 403
