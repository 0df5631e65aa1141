"""Open API: party organisations and red-collar secretaries."""

import datetime

import pytest

from apps.core import testing as t

pytestmark = pytest.mark.django_db

OWN_ORGS = ["盛庄花园党支部", "罗庄安居物业服务有限公司党支部"]
OTHER_ORGS = ["兰山宜家物业服务有限公司党支部", "兰山联合党支部", "十里堡小区党支部"]


@pytest.fixture
def party(world):
    """The world's party rows, plus a joint branch in 兰山区, a phone, and a former secretary."""
    from apps.party.services import party_org_create, party_org_update, secretary_create
    from apps.regions.models import Region

    company_org = party_org_update(
        party_org=world.own["partyorg"],
        actor=None,
        data={"secretary_name": "赵红", "secretary_phone": "13800001234"},
    )
    joint = party_org_create(
        actor=None,
        data={
            "name": "兰山联合党支部",
            "kind": "joint_branch",
            "region": Region.objects.get(pk=t.OTHER_COUNTY),
            "member_count": 5,
            "covered_companies": [world.other_company],
        },
    )
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
    return {"company_org": company_org, "joint": joint, "sec": secretary, "former": former}


def names(response):
    assert response.status_code == 200, response.content
    return sorted(row["name"] for row in response.json()["results"])


def test_party_orgs_scoped_and_filtered(api_get, party, world, django_assert_max_num_queries):
    assert names(api_get("/api/v1/party-orgs", as_="county")) == sorted(OWN_ORGS)
    assert names(api_get("/api/v1/party-orgs", as_="other_county")) == sorted(OTHER_ORGS)
    assert names(api_get("/api/v1/party-orgs", as_="city")) == sorted(OWN_ORGS + OTHER_ORGS)
    assert names(api_get("/api/v1/party-orgs", as_="company")) == ["罗庄安居物业服务有限公司党支部"]
    assert names(api_get("/api/v1/party-orgs", as_="committee")) == ["盛庄花园党支部"]
    assert names(api_get("/api/v1/party-orgs", as_="county", region=t.OTHER_COUNTY)) == []
    assert names(api_get("/api/v1/party-orgs", as_="county", q="兰山")) == []
    assert names(api_get("/api/v1/party-orgs", as_="city", kind="joint_branch")) == ["兰山联合党支部"]
    by_company = api_get("/api/v1/party-orgs", as_="city", company=world.other_company.pk)
    assert names(by_company) == ["兰山宜家物业服务有限公司党支部", "兰山联合党支部"]
    assert names(api_get("/api/v1/party-orgs", as_="city", compound=world.compound.pk)) == ["盛庄花园党支部"]
    api_get("/api/v1/party-orgs", as_="city")
    with django_assert_max_num_queries(5):
        api_get("/api/v1/party-orgs", as_="city")
    assert api_get(f"/api/v1/party-orgs/{party['joint'].pk}", as_="county").status_code == 404
    assert api_get("/api/v1/party-orgs", as_="department").status_code == 403
    assert api_get("/api/v1/party-orgs", as_="resident").status_code == 403


def test_party_org_detail_masks_the_secretary_phone_for_everyone(api_get, party):
    org = party["company_org"]
    masked = api_get(f"/api/v1/party-orgs/{org.pk}", as_="county").json()
    assert masked["secretary_phone"] == "138****1234"
    assert (masked["latest_stars"], masked["latest_rating_year"]) == (4, 2025)
    assert masked["company"]["name"] == "罗庄安居物业服务有限公司"
    # as on the pages: masked even for roles that may see owners' personal data
    assert api_get(f"/api/v1/party-orgs/{org.pk}", as_="city").json()["secretary_phone"] == "138****1234"
    joint = api_get(f"/api/v1/party-orgs/{party['joint'].pk}", as_="other_county").json()
    assert [c["name"] for c in joint["covered_companies"]] == ["兰山宜家物业服务有限公司"]


def test_secretaries(api_get, client_for, party, django_assert_max_num_queries):
    assert names(api_get("/api/v1/red-collar-secretaries", as_="city")) == [
        "兰山书记",
        "周平",
        "孙立",
        "罗庄书记",
    ]
    assert names(api_get("/api/v1/red-collar-secretaries", as_="county")) == ["孙立", "罗庄书记"]
    today = datetime.date.today().isoformat()
    in_post = api_get("/api/v1/red-collar-secretaries", as_="city", in_post_on=today)
    assert names(in_post) == ["兰山书记", "孙立", "罗庄书记"]
    by_region = api_get("/api/v1/red-collar-secretaries", as_="city", region=t.OTHER_COUNTY)
    assert names(by_region) == ["兰山书记", "周平"]
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
