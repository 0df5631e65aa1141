"""Open API for work orders: scoped reads, intake, and one POST per verb through the services."""

import datetime
import json

import pytest
from django.utils import timezone

from apps.core import testing as t
from apps.core.models import Event
from apps.workorders import services
from apps.workorders.models import WorkOrder
from apps.workorders.tests.helpers import (
    category,
    fresh,
    image_bytes,
    submit,
    to_called_back,
    to_dispatched,
    to_resolved,
    to_signed,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def api_post(client, key_for):
    """api_post(path, body, as_="community") → a JSON POST with that persona's key."""

    def post(path, body=None, as_=None, **extra):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {key_for(as_)}"} if as_ else {}
        return client.post(path, json.dumps(body or {}), content_type="application/json", **headers, **extra)

    return post


@pytest.fixture
def other_order(world):
    """An order in 兰山区 (county B), filed by the hotline."""
    return services.workorder_submit(
        actor=None,
        compound=world.other_compound,
        category=category("parking"),
        description="消防通道被占",
        channel="hotline",
        reporter_name="赵六",
        reporter_phone="13800000001",
    )


def ids(response):
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def events(order, verb=None):
    qs = Event.objects.filter(object_id=str(order.pk), verb__startswith="workorder.")
    return qs.filter(verb=f"workorder.{verb}") if verb else qs


# ------------------------------------------------------------------ reads
def test_categories(api_get):
    response = api_get("/api/v1/workorder-categories", as_="resident")
    assert response.status_code == 200
    rows = {r["code"]: r for r in response.json()}
    assert rows["sanitation"]["name"] == "环境卫生"
    assert rows["sanitation"]["accept_limit"] == {"amount": 1, "unit": "working_days", "label": "1工作日"}
    assert api_get("/api/v1/workorder-categories").status_code == 401
    assert api_get("/api/v1/workorder-categories", as_="city", active="false").json() == []


def test_list_is_scoped_by_persona(api_get, world, users, other_order, django_assert_max_num_queries):
    mine = submit(world, users).pk
    assert ids(api_get("/api/v1/workorders", as_="county")) == [mine]
    assert ids(api_get("/api/v1/workorders", as_="street")) == [mine]
    assert ids(api_get("/api/v1/workorders", as_="community")) == [mine]
    assert ids(api_get("/api/v1/workorders", as_="other_county")) == [other_order.pk]
    assert sorted(ids(api_get("/api/v1/workorders", as_="city"))) == sorted([mine, other_order.pk])
    assert ids(api_get("/api/v1/workorders", as_="heze_city")) == []
    # units see only what was dispatched to them; the resident API client reported nothing
    assert ids(api_get("/api/v1/workorders", as_="company")) == []
    assert ids(api_get("/api/v1/workorders", as_="department")) == []
    assert ids(api_get("/api/v1/workorders", as_="resident")) == []
    to_dispatched(world, users, fresh(WorkOrder.objects.get(pk=mine)))
    assert ids(api_get("/api/v1/workorders", as_="company")) == [mine]
    with django_assert_max_num_queries(8):
        assert api_get("/api/v1/workorders", as_="city").status_code == 200


def test_county_a_cannot_reach_county_b_by_filter_or_detail(api_get, world, users, other_order):
    submit(world, users)
    assert ids(api_get("/api/v1/workorders", as_="county", region=t.OTHER_COUNTY)) == []
    assert ids(api_get("/api/v1/workorders", as_="county", compound=world.other_compound.pk)) == []
    assert ids(api_get("/api/v1/workorders", as_="county", q=other_order.tracking_code)) == []
    for path in ("", "/timeline", "/handlers"):
        response = api_get(f"/api/v1/workorders/{other_order.pk}{path}", as_="county")
        assert response.status_code == 404, path
        assert response.json()["code"] == "not_found"
    assert api_get(f"/api/v1/workorders/{other_order.pk}", as_="other_county").status_code == 200


def test_list_filters(api_get, world, users):
    a = submit(world, users)
    b = submit(world, users, code="parking")
    c = to_dispatched(world, users)
    WorkOrder.objects.filter(pk=b.pk).update(sla_card="red")
    WorkOrder.objects.filter(pk=c.pk).update(calendar_missing=True)
    get = lambda **p: sorted(ids(api_get("/api/v1/workorders", as_="county", **p)))  # noqa: E731
    assert get() == sorted([a.pk, b.pk, c.pk])
    assert get(category=category("parking").pk) == [b.pk]
    assert get(status="dispatched") == [c.pk]
    assert get(status="submitted") == sorted([a.pk, b.pk])
    assert get(card="red") == [b.pk]
    assert get(card="missing") == [c.pk]
    assert get(compound=world.compound.pk) == sorted([a.pk, b.pk, c.pk])
    assert get(region=t.COMMUNITY) == sorted([a.pk, b.pk, c.pk])
    assert get(q=a.tracking_code.lower()) == [a.pk]
    assert get(q=a.tracking_code[:6]) == [
        o.pk for o in (a, b, c) if o.tracking_code.startswith(a.tracking_code[:6])
    ]
    assert get(open="false") == []
    today = timezone.localdate()
    assert get(created_from=today.isoformat(), created_to=today.isoformat()) == sorted([a.pk, b.pk, c.pk])
    assert get(created_to=(today - datetime.timedelta(days=1)).isoformat()) == []
    for bad in ({"status": "done"}, {"card": "green"}, {"region": "37"}, {"q": "a b"}, {"created_from": "x"}):
        response = api_get("/api/v1/workorders", as_="county", **bad)
        assert response.status_code == 400, bad
        assert response.json()["field_errors"], bad


def test_pagination(api_get, world, users):
    made = [submit(world, users).pk for _ in range(3)]
    first = api_get("/api/v1/workorders", as_="county", page_size=2).json()
    assert first["count"] == 3 and len(first["results"]) == 2
    second = api_get("/api/v1/workorders", as_="county", page_size=2, page=2).json()
    assert [r["id"] for r in first["results"] + second["results"]] == sorted(made, reverse=True)
    assert api_get("/api/v1/workorders", as_="county", page=9).json()["results"] == []
    assert api_get("/api/v1/workorders", as_="county", page_size=101).status_code == 400


def test_detail_masks_the_reporter_and_logs_unmasked_views(api_get, world, users):
    order = submit(world, users, actor="community", reporter_name="王小明", reporter_phone="13912345678")
    body = api_get(f"/api/v1/workorders/{order.pk}", as_="county").json()
    assert body["reporter"] == {"name": "王*明", "phone": "139****5678", "masked": True}
    assert body["description"] and body["tracking_code"] == order.tracking_code
    assert body["allowed_verbs"] == ["escalate"]
    assert api_get(f"/api/v1/workorders/{order.pk}", as_="county", pii="true").status_code == 403
    body = api_get(f"/api/v1/workorders/{order.pk}", as_="community", pii="true").json()
    assert body["reporter"] == {"name": "王小明", "phone": "13912345678", "masked": False}
    assert "accept" in body["allowed_verbs"]
    assert events(order, "view_pii").count() == 1


def test_anonymous_reporter_is_hidden_from_all_but_the_community(api_get, world, users):
    order = submit(world, users, actor="community", reporter_phone="13912345678", is_anonymous=True)
    assert api_get(f"/api/v1/workorders/{order.pk}", as_="county").json()["reporter"]["name"] == "匿名"
    to_dispatched(world, users, order)
    assert api_get(f"/api/v1/workorders/{order.pk}", as_="company", pii="true").status_code == 403
    assert api_get(f"/api/v1/workorders/{order.pk}", as_="company").json()["reporter"]["name"] == "匿名"


def test_timeline_for_staff_and_for_the_reporter(
    api_get, client, world, users, django_assert_max_num_queries
):
    order = to_dispatched(world, users, submit(world, users))
    for persona in ("company", "community"):  # the keys are made outside the counts
        api_get(f"/api/v1/workorders/{order.pk}", as_=persona)
    with django_assert_max_num_queries(8):
        assert api_get(f"/api/v1/workorders/{order.pk}", as_="company").status_code == 200
    with django_assert_max_num_queries(8):
        rows = api_get(f"/api/v1/workorders/{order.pk}/timeline", as_="community").json()
    assert [r["verb"] for r in rows] == ["workorder.submit", "workorder.accept", "workorder.dispatch"]
    assert rows[0]["actor"] == "诉求人" and rows[2]["summary"].startswith("派至：")
    client.force_login(users["resident"])  # the reporter's own session: the public timeline
    rows = client.get(f"/api/v1/workorders/{order.pk}/timeline").json()
    assert len(rows) == 3 and all(r["note"] == "" and r["summary"] == "" for r in rows)
    handlers = api_get(f"/api/v1/workorders/{order.pk}/handlers", as_="community").json()
    assert any(h["kind"] == "company" and h["id"] == world.company.pk and h["suggested"] for h in handlers)
    assert api_get(f"/api/v1/workorders/{order.pk}/handlers", as_="company").status_code == 403


# ------------------------------------------------------------------ intake
def intake_body(world, **kw):
    body = {
        "compound": world.compound.pk,
        "category": category("sanitation").pk,
        "description": "2号楼楼道堆放杂物",
        "reporter_name": "周大",
        "reporter_phone": "13912345670",
    }
    body.update(kw)
    return body


def test_intake_by_officials_and_residents(api_post, world):
    response = api_post("/api/v1/workorders", intake_body(world, channel="hotline"), as_="county")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "submitted" and body["channel"] == "hotline"
    order = WorkOrder.objects.get(pk=body["id"])
    assert order.reporter_phone == "13912345670" and events(order, "submit").count() == 1
    response = api_post("/api/v1/workorders", intake_body(world), as_="resident")
    assert response.status_code == 201 and response.json()["channel"] == "resident_app"


@pytest.mark.parametrize(
    "persona, change, status",
    [
        ("other_county", {}, 404),  # a compound of county A from a county-B key
        ("county", {"compound": 10**9}, 404),
        ("company", {}, 403),  # units do not file
        ("county", {"description": "   "}, 400),
        ("county", {"description": "长" * 4001}, 400),
        ("county", {"category": 10**9}, 400),
        ("county", {"reporter_phone": ""}, 400),  # a staff filing needs a phone for the call-back
        ("county", {"reporter_phone": "12345"}, 400),
        ("county", {"building": 10**9}, 400),
        ("county", {"status": "closed"}, 400),  # forged field
        ("county", {"channel": "open311"}, 400),
    ],
)
def test_intake_refusals_write_nothing(api_post, world, persona, change, status):
    response = api_post("/api/v1/workorders", intake_body(world, **change), as_=persona)
    assert response.status_code == status, response.content
    assert set(response.json()) == {"code", "message", "field_errors"}
    assert not WorkOrder.objects.exists()


def test_intake_needs_credentials(api_post, world):
    assert api_post("/api/v1/workorders", intake_body(world)).status_code == 401


# ------------------------------------------------------------------ verbs
def verb(api_post, order, name, body=None, as_="community"):
    return api_post(f"/api/v1/workorders/{order.pk}/{name}", body or {}, as_=as_)


def test_whole_journey_through_the_api(api_post, client, key_for, world, users):
    order = submit(world, users)
    r = verb(api_post, order, "accept", {"note": "已报到", "version": order.version})
    assert r.status_code == 200 and r.json()["status"] == "accepted"
    version = r.json()["version"]
    r = verb(
        api_post,
        order,
        "dispatch",
        {"handler_kind": "company", "handler_id": world.company.pk, "version": version},
    )
    assert r.status_code == 200, r.content
    assert r.json()["handler"]["id"] == world.company.pk and r.json()["status"] == "dispatched"
    r = verb(api_post, order, "sign", as_="company")
    assert r.status_code == 200 and r.json()["status"] == "signed"
    assert r.json()["current_assignment"]["signed_at"]
    # resolve is multipart, with the evidence photo
    from django.core.files.uploadedfile import SimpleUploadedFile

    photo = SimpleUploadedFile("现场.jpg", image_bytes(), content_type="image/jpeg")
    r = client.post(
        f"/api/v1/workorders/{order.pk}/resolve",
        {"note": "已清运", "photos": [photo]},
        HTTP_AUTHORIZATION=f"Bearer {key_for('company')}",
    )
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "resolved" and fresh(order).photos.count() == 1
    r = verb(api_post, order, "callback", {"contacted": True, "solved": True, "satisfaction": "satisfied"})
    assert r.status_code == 200 and r.json()["status"] == "called_back"
    r = verb(api_post, order, "close")
    assert r.status_code == 200 and r.json()["status"] == "closed"
    assert [e.verb.split(".")[1] for e in events(order).order_by("id")] == [
        "submit",
        "accept",
        "dispatch",
        "sign",
        "resolve",
        "callback",
        "close",
    ]


def test_resolve_without_the_required_photo_is_400(api_post, client, key_for, world, users):
    order = to_signed(world, users)
    r = client.post(
        f"/api/v1/workorders/{order.pk}/resolve",
        {"note": "已清运"},
        HTTP_AUTHORIZATION=f"Bearer {key_for('company')}",
    )
    assert r.status_code == 400 and "photos" in r.json()["field_errors"]
    assert fresh(order).status == "signed"


def test_return_reopen_escalate_merge_reject(api_post, world, users):
    order = to_signed(world, users)
    r = verb(api_post, order, "return", {"reason": "不属于物业服务范围"}, as_="company")
    assert r.status_code == 200 and r.json()["status"] == "accepted" and r.json()["return_count"] == 1

    rework = to_called_back(world, users, satisfaction="dissatisfied", solved=False)
    r = verb(api_post, rework, "reopen", {"note": "请重新清运"})
    assert r.status_code == 200 and r.json()["status"] == "dispatched" and r.json()["rework_count"] == 1

    late = submit(world, users)
    r = verb(api_post, late, "escalate", {"reason": "overdue", "note": "超期"}, as_="street")
    assert r.status_code == 200 and r.json()["level"] == "street" and r.json()["status"] == "accepted"

    duplicate, target = submit(world, users), submit(world, users)
    r = verb(api_post, duplicate, "merge", {"target": target.tracking_code})
    assert r.status_code == 200 and r.json()["status"] == "merged"
    assert r.json()["merged_into"] == target.tracking_code

    invalid = submit(world, users)
    r = verb(api_post, invalid, "reject", {"reason": "非物业管理范围"})
    assert r.status_code == 200 and r.json()["status"] == "rejected" and r.json()["end_reason"]


REFUSALS = [
    # (verb, persona, body, status): wrong state 400, wrong role 403, outside scope 404
    ("accept", "county", {}, 403),  # sees it, but accepting is the community's
    ("accept", "company", {}, 404),  # not dispatched to it: it cannot even see the order
    ("accept", "other_county", {}, 404),
    ("accept", "heze_city", {}, 404),
    ("sign", "community", {}, 403),  # the permission is checked before the state
    ("dispatch", "community", {"handler_kind": "company", "handler_id": 1}, 400),  # not accepted yet
    ("resolve", "community", None, 403),
    ("callback", "community", {"contacted": True, "solved": True, "satisfaction": "satisfied"}, 400),
    ("close", "community", {}, 400),
    ("reopen", "community", {"note": "重办"}, 400),
    ("return", "community", {"reason": "退"}, 403),
    ("escalate", "community", {"reason": "nonsense"}, 400),
    ("escalate", "other_county", {"reason": "overdue"}, 404),
    ("merge", "community", {"target": "ZZZZZZZZZZ"}, 400),
    ("reject", "community", {"reason": ""}, 400),
    ("reject", "community", {}, 400),
    ("accept", "community", {"status": "closed"}, 400),  # forged field
    ("accept", "community", {"version": 7}, 409),  # somebody moved first
]


@pytest.mark.parametrize("name, persona, body, status", REFUSALS)
def test_verb_refusals_change_nothing(api_post, client, key_for, world, users, name, persona, body, status):
    order = submit(world, users)
    before = (fresh(order).status, fresh(order).version, events(order).count())
    if name == "resolve":
        response = client.post(
            f"/api/v1/workorders/{order.pk}/resolve",
            {"note": "办结"},
            HTTP_AUTHORIZATION=f"Bearer {key_for(persona)}",
        )
    else:
        response = verb(api_post, order, name, body, as_=persona)
    assert response.status_code == status, response.content
    assert set(response.json()) == {"code", "message", "field_errors"}
    after = fresh(order)
    assert (after.status, after.version, events(order).count()) == before


def test_dispatch_to_a_unit_outside_the_order_is_400(api_post, world, users):
    order = submit(world, users)
    services.workorder_accept(order=order, actor=users["community"])
    r = verb(api_post, order, "dispatch", {"handler_kind": "company", "handler_id": world.other_company.pk})
    assert r.status_code == 400 and "handler_id" in r.json()["field_errors"]
    assert fresh(order).status == "accepted"


def test_merge_target_in_another_county_is_not_found(api_post, world, users, other_order):
    order = submit(world, users)
    r = verb(api_post, order, "merge", {"target": other_order.tracking_code})
    assert r.status_code == 400 and "target" in r.json()["field_errors"]
    assert fresh(order).status == "submitted"


def test_stale_version_is_409_after_somebody_else_moved(api_post, world, users):
    order = submit(world, users)
    seen = order.version
    services.workorder_accept(order=fresh(order), actor=users["community"])
    r = verb(api_post, order, "reject", {"reason": "重复", "version": seen})
    assert r.status_code == 409 and r.json()["code"] == "conflict"
    assert fresh(order).status == "accepted"


def test_out_of_order_transitions_change_nothing(api_post, world, users):
    order = to_resolved(world, users)
    for name, body, persona in [
        ("accept", {}, "community"),
        ("sign", {}, "company"),
        ("dispatch", {"handler_kind": "company", "handler_id": world.company.pk}, "community"),
        ("reject", {"reason": "无效"}, "community"),
    ]:
        before = fresh(order).version
        r = verb(api_post, order, name, body, as_=persona)
        assert r.status_code == 400, (name, r.content)
        assert "不能" in r.json()["message"]
        assert fresh(order).version == before and fresh(order).status == "resolved"


def test_session_writes_need_csrf(client, world, users):
    from django.test import Client

    order = submit(world, users)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(users["community"])
    r = browser.post(f"/api/v1/workorders/{order.pk}/accept", "{}", content_type="application/json")
    assert r.status_code == 403 and r.json()["code"] == "csrf_failed"
    assert fresh(order).status == "submitted"


VALID_BODIES = {
    "accept": {},
    "dispatch": {"handler_kind": "company", "handler_id": 1},
    "sign": {},
    "return": {"reason": "不属于本单位"},
    "callback": {"contacted": True, "solved": True, "satisfaction": "satisfied"},
    "close": {},
    "reopen": {"note": "重办"},
    "escalate": {"reason": "overdue"},
    "merge": {"target": "2"},
    "reject": {"reason": "无效"},
    "extend": {"days": 3, "reason": "等配件"},
    "approve_extension": {"approve": True},
}


@pytest.mark.parametrize("name", [*VALID_BODIES, "resolve"])
def test_every_verb_refuses_a_stale_version_with_409(api_post, client, key_for, world, users, name):
    order = submit(world, users)
    if name == "resolve":
        response = client.post(
            f"/api/v1/workorders/{order.pk}/resolve",
            {"note": "办结", "version": "5"},
            HTTP_AUTHORIZATION=f"Bearer {key_for('company')}",
        )
        assert response.status_code == 404  # not dispatched to the company: scope comes first
        response = client.post(
            f"/api/v1/workorders/{order.pk}/resolve",
            {"note": "办结", "version": "5"},
            HTTP_AUTHORIZATION=f"Bearer {key_for('community')}",
        )
    else:
        response = verb(api_post, order, name, {**VALID_BODIES[name], "version": 5}, as_="community")
    assert response.status_code == 409 and response.json()["code"] == "conflict"
    assert fresh(order).version == order.version and events(order).count() == 1


def test_the_reporter_rates_through_the_api(api_post, key_for, world, users):
    response = api_post("/api/v1/workorders", intake_body(world), as_="resident")
    order = WorkOrder.objects.get(pk=response.json()["id"])
    to_resolved(world, users, order)
    response = verb(
        api_post,
        order,
        "callback",
        {"contacted": True, "solved": True, "satisfaction": "basic"},
        as_="resident",
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "called_back"
    assert order.callbacks.get().by_reporter is True
    # the reporter may rate, but not close
    assert verb(api_post, order, "close", as_="resident").status_code == 403


def test_extension_through_the_api(api_post, world, users):
    order = to_signed(world, users)
    old_due = fresh(order).due_at
    r = verb(api_post, order, "extend", {"days": 11, "reason": "等配件"}, as_="company")
    assert r.status_code == 400 and "延期天数应为1至10个工作日" in r.json()["message"]
    r = verb(api_post, order, "approve_extension", {"approve": True}, as_="community")
    assert r.status_code == 400 and "没有待审批的延期申请" in r.json()["message"]
    r = verb(api_post, order, "extend", {"days": 3, "reason": "等配件"}, as_="community")
    assert r.status_code == 403  # the desk cannot ask on the unit's behalf
    r = verb(api_post, order, "extend", {"days": 3, "reason": "等配件"}, as_="company")
    assert r.status_code == 200 and r.json()["status"] == "signed"
    r = verb(api_post, order, "approve_extension", {"approve": True}, as_="company")
    assert r.status_code == 403  # nor the unit approve its own request
    r = verb(api_post, order, "approve_extension", {"approve": False}, as_="community")
    assert r.status_code == 400 and "请填写审批意见" in r.json()["message"]
    r = verb(api_post, order, "approve_extension", {"approve": True, "note": "同意"}, as_="community")
    assert r.status_code == 200 and fresh(order).due_at > old_due
    assert r.json()["current_assignment"]["extension_state"] == "approved"
    assert events(order, "extend").count() == 1 and events(order, "approve_extension").count() == 1
