"""Open API: owners' committees, with members masked unless asked for and permitted (and logged)."""

import datetime

import pytest

from apps.core import testing as t
from apps.core.models import Event

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_committee(world):
    from apps.committees.services import committee_create

    today = datetime.date.today()
    members = [
        {"name": n, "position": p, "is_party_member": False}
        for n, p in [
            ("钱一", "director"),
            ("钱二", "deputy"),
            ("钱三", "member"),
            ("钱四", "member"),
            ("钱五", "member"),
        ]
    ]
    return committee_create(
        actor=None,
        data={
            "compound": world.other_compound,
            "kind": "owners_committee",
            "term_start": today - datetime.timedelta(days=1700),
            "term_end": today + datetime.timedelta(days=30),
        },
        members=members,
    )


def ids(response):
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_committees_scoped_and_filtered(api_get, world, other_committee, django_assert_max_num_queries):
    mine, other, later = world.committee.pk, other_committee.pk, world.other["committee"].pk
    assert ids(api_get("/api/v1/committees", as_="county")) == [mine]
    assert sorted(ids(api_get("/api/v1/committees", as_="other_county"))) == sorted([other, later])
    assert ids(api_get("/api/v1/committees", as_="committee")) == [mine]
    assert ids(api_get("/api/v1/committees", as_="resident")) == [mine]
    assert sorted(ids(api_get("/api/v1/committees", as_="city"))) == sorted([mine, other, later])
    assert ids(api_get("/api/v1/committees", as_="county", region=t.OTHER_COUNTY)) == []
    assert ids(api_get("/api/v1/committees", as_="county", compound=world.other_compound.pk)) == []
    by_compound = api_get("/api/v1/committees", as_="city", compound=world.other_compound.pk)
    assert sorted(ids(by_compound)) == sorted([other, later])
    assert ids(api_get("/api/v1/committees", as_="city", kind="management")) == []
    assert sorted(ids(api_get("/api/v1/committees", as_="city", active="true"))) == sorted(
        [mine, other, later]
    )
    assert ids(api_get("/api/v1/committees", as_="city", active="false")) == []
    assert api_get(f"/api/v1/committees/{other}", as_="county").status_code == 404
    assert api_get("/api/v1/committees", as_="department").status_code == 403
    with django_assert_max_num_queries(8):
        rows = api_get("/api/v1/committees", as_="city").json()["results"]
    by_id = {r["id"]: r for r in rows}
    assert by_id[mine]["is_red"] is True and by_id[mine]["member_count"] == 5
    assert by_id[other]["is_red"] is False
    assert by_id[other]["term_state"] == "reelection_window"


def test_committee_detail_masks_members_by_default(api_get, world):
    body = api_get(f"/api/v1/committees/{world.committee.pk}", as_="county").json()
    assert sorted(m["name"] for m in body["members"]) == sorted(["王*国", "李*英", "张*", "刘*", "陈*"])
    assert body["roster_problems"] == []
    assert not Event.objects.filter(verb__endswith="view_pii").exists()


def test_unmasked_members_need_the_permission_and_are_logged(api_get, world):
    url = f"/api/v1/committees/{world.committee.pk}"
    refused = api_get(url, as_="county", pii="true")  # county officials do not hold view_owner_pii
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
    body = api_get(url, as_="community", pii="true").json()
    assert {"王建国", "李秀英"} <= {m["name"] for m in body["members"]}
    logged = Event.objects.filter(verb="committeemember.view_pii")
    assert logged.count() == 5
    assert {e.actor.role for e in logged} == {"community"}


def test_residents_see_the_committee_but_not_its_members(api_get, world):
    body = api_get(f"/api/v1/committees/{world.committee.pk}", as_="resident").json()
    assert body["members"] == [] and body["member_count"] == 5
