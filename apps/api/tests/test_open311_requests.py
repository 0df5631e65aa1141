"""Open311 GeoReport v2 on real work orders: intake through the intake service, reads in the
api_key's scope, the public view by tracking code, status and time mapping, JSON and XML."""

import datetime
import re
from decimal import Decimal
from xml.etree import ElementTree as ET

import pytest

from apps.core.models import Event
from apps.workorders import services
from apps.workorders.models import Category, WorkOrder

pytestmark = pytest.mark.django_db

REQUEST_FIELDS = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
]
ISO_CST = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$")


def post(client, key, **data):
    fmt = data.pop("fmt", "json")
    body = {"api_key": key, "service_code": "sanitation", "description": "楼道堆满杂物", **data}
    return client.post(f"/open311/v2/requests.{fmt}", body)


def hotline_order(compound, code="sanitation", **kw):
    return services.workorder_submit(
        actor=None,
        compound=compound,
        category=Category.objects.get(code=code),
        description=kw.pop("description", "井盖缺失"),
        channel="hotline",
        **kw,
    )


def test_post_request_files_a_work_order_as_the_client(client, world, key_for):
    response = post(
        client,
        key_for("county"),
        address_id=world.compound.code,
        first_name="三",
        last_name="张",
        phone="13912345678",
        media_url="https://example.org/1.jpg",
    )
    assert response.status_code == 201, response.content
    (body,) = response.json()
    assert set(body) == {"service_request_id", "token", "service_notice", "account_id"}
    order = WorkOrder.objects.get(tracking_code=body["service_request_id"])
    assert order.channel == "open311" and order.compound == world.compound and order.status == "submitted"
    assert order.reporter_name == "张三" and order.reporter_phone == "13912345678"
    assert "https://example.org/1.jpg" in order.description
    event = Event.objects.get(verb="workorder.submit", object_id=str(order.pk))
    assert event.actor.api_client.name.startswith("测试-county")
    response = post(client, key_for("county"), address_id=world.compound.code, fmt="xml")
    assert response.status_code == 201
    root = ET.fromstring(response.content)
    assert root.tag == "service_requests" and len(root.find("request/service_request_id").text) == 10


def test_location_by_point_and_by_address(client, world, key_for):
    from apps.registry.services import compound_update

    compound_update(
        compound=world.compound,
        actor=None,
        data={
            "latitude": Decimal("35.000000"),
            "longitude": Decimal("118.300000"),
            "address": "罗庄区盛庄路1号",
        },
    )
    key = key_for("county")
    near = post(client, key, lat="35.003", long="118.301")  # ~350 m away
    assert near.status_code == 201, near.content
    far = post(client, key, lat="35.2", long="118.3")
    assert far.status_code == 400 and "附近" in far.json()[0]["description"]
    named = post(client, key, address_string="罗庄区盛庄花园3号楼")
    assert named.status_code == 201, named.content
    by_street = post(client, key, address_string="盛庄路1号")
    assert by_street.status_code == 201
    unknown = post(client, key, address_string="不存在的小区")
    assert unknown.status_code == 400 and "address_string" in unknown.json()[0]["description"]
    codes = [r.json()[0]["service_request_id"] for r in (near, named, by_street)]
    assert set(WorkOrder.objects.filter(tracking_code__in=codes).values_list("compound", flat=True)) == {
        world.compound.pk
    }


@pytest.mark.parametrize(
    "persona, data, status, needle",
    [
        # county B's key, county A's compound
        ("other_county", {"address_id": "compound"}, 400, "address_id"),
        ("other_county", {"address_string": "盛庄花园"}, 400, "address_string"),
        # a company key sees its own compound, but units do not file
        ("company", {"address_id": "compound"}, 403, "权限"),
        ("county", {"address_id": "compound", "description": ""}, 400, "诉求内容"),
        ("county", {"address_id": "compound", "phone": "123"}, 400, "手机"),
        ("county", {"address_id": "compound", "service_code": "nothing"}, 404, "service_code"),
    ],
)
def test_post_request_refusals_file_nothing(client, world, key_for, persona, data, status, needle):
    data = {k: (world.compound.code if v == "compound" else v) for k, v in data.items()}
    response = post(client, key_for(persona), **data)
    assert response.status_code == status, response.content
    assert any(needle in e["description"] for e in response.json()), response.json()
    assert all(e["code"] == status for e in response.json())
    assert not WorkOrder.objects.exists()


def test_post_request_by_a_role_that_may_not_file_is_403(client, world, key_for):
    from apps.api.services import api_client_create

    # a department key can see its county's compounds but does not hold the submit permission
    _row, key = api_client_create(
        actor=None, name="部门", role="department", scope_code=str(world.department.pk)
    )
    response = post(client, key, address_id=world.compound.code)
    assert response.status_code in (400, 403)
    assert not WorkOrder.objects.exists()


def test_get_requests_in_the_key_scope_with_exact_fields(
    client, world, users, key_for, django_assert_max_num_queries
):
    mine = hotline_order(world.compound)
    theirs = hotline_order(world.other_compound)
    key = key_for("county")
    client.get("/open311/v2/services.json")  # warm up the content types
    with django_assert_max_num_queries(8):
        response = client.get("/open311/v2/requests.json", {"api_key": key})
    assert response.status_code == 200
    rows = response.json()
    assert [r["service_request_id"] for r in rows] == [mine.tracking_code]
    (row,) = rows
    assert list(row) == REQUEST_FIELDS
    assert (
        row["status"] == "open" and row["service_code"] == "sanitation" and row["description"] == "井盖缺失"
    )
    assert row["address_id"] == world.compound.code and row["agency_responsible"] == "后盛庄社区居民委员会"
    for field in ("requested_datetime", "updated_datetime", "expected_datetime"):
        assert ISO_CST.match(row[field]), (field, row[field])
    assert datetime.datetime.fromisoformat(row["expected_datetime"]) == mine.due_at
    other = client.get("/open311/v2/requests.json", {"api_key": key_for("other_county")}).json()
    assert [r["service_request_id"] for r in other] == [theirs.tracking_code]
    xml = ET.fromstring(client.get("/open311/v2/requests.xml", {"api_key": key}).content)
    assert xml.tag == "service_requests"
    assert [c.tag for c in xml.find("request")] == REQUEST_FIELDS
    assert xml.find("request/status").text == "open"
    assert client.get("/open311/v2/requests.json").status_code == 403  # the list needs a key


def test_get_requests_filters_and_status_mapping(client, world, users, key_for):
    from apps.workorders.tests.helpers import to_dispatched

    open_one = hotline_order(world.compound)
    rejected = hotline_order(world.compound, code="parking")
    services.workorder_reject(order=rejected, actor=users["community"], reason="不属于物业管理范围")
    dispatched = to_dispatched(world, users, hotline_order(world.compound))
    key = key_for("county")

    def codes(**params):
        response = client.get("/open311/v2/requests.json", {"api_key": key, **params})
        assert response.status_code == 200, response.content
        return sorted(r["service_request_id"] for r in response.json())

    assert codes(status="closed") == [rejected.tracking_code]
    assert codes(status="open") == sorted([open_one.tracking_code, dispatched.tracking_code])
    assert codes(service_code="parking") == [rejected.tracking_code]
    assert codes(service_request_id=f"{open_one.tracking_code},{rejected.tracking_code}") == sorted(
        [open_one.tracking_code, rejected.tracking_code]
    )
    assert codes(end_date="2020-01-01T00:00:00+08:00") == []
    rows = {
        r["service_request_id"]: r for r in client.get("/open311/v2/requests.json", {"api_key": key}).json()
    }
    assert rows[rejected.tracking_code]["status_notes"] == "不予受理：不属于物业管理范围"
    assert rows[rejected.tracking_code]["expected_datetime"] is None
    assert rows[dispatched.tracking_code]["agency_responsible"] == world.company.name


def test_request_by_id_public_and_with_a_key(client, world, key_for):
    order = hotline_order(world.compound)
    public = client.get(f"/open311/v2/requests/{order.tracking_code}.json")
    assert public.status_code == 200
    (row,) = public.json()
    assert list(row) == REQUEST_FIELDS
    assert row["description"] == "" and row["agency_responsible"] == ""  # the tracking page's view
    keyed = client.get(f"/open311/v2/requests/{order.tracking_code}.json", {"api_key": key_for("county")})
    assert keyed.json()[0]["description"] == "井盖缺失"
    outside = client.get(
        f"/open311/v2/requests/{order.tracking_code}.json", {"api_key": key_for("other_county")}
    )
    assert outside.status_code == 404
    bad_key = client.get(f"/open311/v2/requests/{order.tracking_code}.json", {"api_key": "rp_bad"})
    assert bad_key.status_code == 403
    root = ET.fromstring(client.get(f"/open311/v2/requests/{order.tracking_code.lower()}.xml").content)
    assert (
        root.tag == "service_requests" and root.find("request/service_request_id").text == order.tracking_code
    )


def test_tokens(client, world, key_for):
    order = hotline_order(world.compound)
    response = client.get(f"/open311/v2/tokens/{order.tracking_code}.json")
    assert response.json() == [{"service_request_id": order.tracking_code, "token": order.tracking_code}]
    root = ET.fromstring(client.get(f"/open311/v2/tokens/{order.tracking_code}.xml").content)
    assert root.find("request/token").text == order.tracking_code
    assert client.get("/open311/v2/tokens/NOSUCHCODE.json").status_code == 404
