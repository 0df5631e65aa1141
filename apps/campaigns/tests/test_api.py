"""/api/v1 campaigns, inspections, projects, meetings, decisions: scoped, in the schema."""

import datetime

import pytest
from django.utils import timezone

from apps.campaigns import services
from apps.campaigns.tests.helpers import held_meeting, subitem

pytestmark = pytest.mark.django_db


def test_schema_lists_the_operations(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for p in (
        "/api/v1/campaigns",
        "/api/v1/campaigns/{campaign_id}/inspections",
        "/api/v1/projects",
        "/api/v1/projects/{project_id}",
        "/api/v1/meetings",
        "/api/v1/meetings/{meeting_id}",
        "/api/v1/decisions",
        "/api/v1/decisions/{decision_id}/close",
    ):
        assert p in paths, p


def test_lists_are_scoped(cw, api_get, key_for, django_assert_max_num_queries):
    for n in range(5):
        subitem(cw, name=f"子{n}")
    key_for("county")  # the key is made outside the guard
    with django_assert_max_num_queries(12):
        r = api_get("/api/v1/projects", as_="county")
    assert r.status_code == 200
    assert [p["name"] for p in r.json()["results"]] == [cw.own["project"].name]
    assert r.json()["results"][0]["subitem_count"] == 5
    assert (
        api_get("/api/v1/projects", as_="other_county").json()["results"][0]["name"]
        == cw.other["project"].name
    )
    assert api_get("/api/v1/meetings", as_="street").json()["count"] == 1
    assert api_get(f"/api/v1/meetings/{cw.other['meeting'].pk}", as_="street").status_code == 404
    assert api_get(f"/api/v1/projects/{cw.own['project'].pk}", as_="heze_city").status_code == 404
    assert api_get("/api/v1/campaigns", as_="company").status_code == 403
    assert api_get("/api/v1/projects").status_code == 401
    campaigns = api_get("/api/v1/campaigns", as_="street").json()["results"]
    assert [c["name"] for c in campaigns] == [cw.own["campaign"].name]


def test_inspection_create_and_decision_close(cw, client, key_for):
    campaign = cw.own["campaign"]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key_for('community')}"}
    body = {
        "compound": cw.compound.pk,
        "answers": {str(i.pk): {"ok": False} for i in campaign.items.all()},
        "problems": [{"description": "房屋漏水", "severity": "high"}],
    }
    r = client.post(
        f"/api/v1/campaigns/{campaign.pk}/inspections", body, content_type="application/json", **headers
    )
    assert r.status_code == 201, r.content
    assert r.json()["problems"][0]["status"] == "open"
    r = client.post(
        f"/api/v1/campaigns/{campaign.pk}/inspections", body, content_type="application/json", **headers
    )
    assert r.status_code == 400 and "已有排查记录" in r.json()["message"]
    meeting = held_meeting(cw)
    d = services.decision_add(
        actor=None,
        meeting=meeting,
        text="x",
        owner_kind="company",
        owner_unit="物业",
        deadline=timezone.localdate() + datetime.timedelta(days=3),
        required_evidence="照片",
    )
    street = {"HTTP_AUTHORIZATION": f"Bearer {key_for('street')}"}
    r = client.post(
        f"/api/v1/decisions/{d.pk}/close",
        {"evidence_note": "已完成"},
        content_type="application/json",
        **street,
    )
    assert r.status_code == 200 and r.json()["status"] == "closed" and r.json()["on_time"] is True
    r = client.post(
        f"/api/v1/decisions/{d.pk}/close",
        {"evidence_note": "again"},
        content_type="application/json",
        **street,
    )
    assert r.status_code == 409
    other = {"HTTP_AUTHORIZATION": f"Bearer {key_for('other_county')}"}
    r = client.post(
        f"/api/v1/decisions/{d.pk}/close", {"evidence_note": "x"}, content_type="application/json", **other
    )
    assert r.status_code in (403, 404)
