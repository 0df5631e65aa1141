"""Open311 GeoReport v2 framework: formats by suffix, error lists, api_key, request validation."""

from xml.etree import ElementTree as ET

import pytest

pytestmark = pytest.mark.django_db


def test_services_in_json_and_xml(client):
    response = client.get("/open311/v2/services.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    services = {s["service_code"]: s for s in response.json()}
    assert services["sanitation"] == {
        "service_code": "sanitation",
        "service_name": "环境卫生",
        "description": "垃圾清运、楼道保洁、污水外溢等",
        "metadata": False,
        "type": "realtime",
        "keywords": "垃圾清运,楼道保洁,污水外溢",
        "group": "物业服务企业",
    }
    response = client.get("/open311/v2/services.xml")
    assert response["Content-Type"].startswith("text/xml")
    root = ET.fromstring(response.content)
    assert root.tag == "services"
    first = root.find("service")
    assert [child.tag for child in first] == [
        "service_code",
        "service_name",
        "description",
        "metadata",
        "type",
        "keywords",
        "group",
    ]
    assert len(root.findall("service")) == len(services)


def test_service_definition_in_json_and_xml(client):
    response = client.get("/open311/v2/services/sanitation.json")
    assert response.status_code == 200
    assert response.json() == {"service_code": "sanitation", "attributes": []}
    root = ET.fromstring(client.get("/open311/v2/services/sanitation.xml").content)
    assert root.tag == "service_definition" and root.find("service_code").text == "sanitation"


def test_unknown_service_code_is_404_as_an_error_list(client):
    response = client.get("/open311/v2/services/999.json")
    assert response.status_code == 404
    assert response.json() == [{"code": 404, "description": "未知的 service_code：999"}]
    response = client.get("/open311/v2/services/999.xml")
    root = ET.fromstring(response.content)
    assert root.tag == "errors" and root.find("error/code").text == "404"


def test_unknown_paths_and_suffixes_are_404(client):
    assert client.get("/open311/v2/services.html").status_code == 404
    assert client.get("/open311/v2/nothing.json").json()[0]["code"] == 404
    assert client.get("/open311/v2/requests/1.json").status_code == 404
    assert client.get("/open311/v2/tokens/abc.xml").status_code == 404


def test_wrong_method_is_405_with_allow(client):
    response = client.delete("/open311/v2/services.json")
    assert response.status_code == 405 and response["Allow"] == "GET"


def test_post_requests_needs_a_valid_api_key(client, world, key_for):
    body = {"service_code": "001", "address_id": world.compound.code, "description": "楼道灯不亮"}
    response = client.post("/open311/v2/requests.json", body)
    assert response.status_code == 403 and response.json()[0]["code"] == 403
    response = client.post("/open311/v2/requests.json", {**body, "api_key": "rp_bad"})
    assert response.status_code == 403
    # a valid key gets past the check; the (still empty) catalogue does not know the code
    response = client.post("/open311/v2/requests.json", {**body, "api_key": key_for("county")})
    assert response.status_code == 404 and "service_code" in response.json()[0]["description"]


def test_revoked_key_is_403(client, world):
    from apps.api.services import api_client_create, api_client_revoke

    row, key = api_client_create(actor=None, name="热线", role="county", scope_code="371311")
    api_client_revoke(client=row, actor=None)
    response = client.post(
        "/open311/v2/requests.xml", {"api_key": key, "service_code": "001", "lat": "35", "long": "118"}
    )
    assert response.status_code == 403
    assert ET.fromstring(response.content).find("error/code").text == "403"


@pytest.mark.parametrize(
    "data, needle",
    [
        ({}, "service_code"),
        ({"service_code": "001"}, "位置"),
        ({"service_code": "001", "lat": "35"}, "lat 与 long"),
        ({"service_code": "001", "lat": "95", "long": "118"}, "lat 应在"),
        ({"service_code": "001", "lat": "nan", "long": "118"}, "lat 应在"),
        ({"service_code": "001", "lat": "x", "long": "118"}, "lat 应为数字"),
        ({"service_code": "001", "address_id": "12"}, "address_id"),
        ({"service_code": "001", "address_string": "临沂", "description": "长" * 4001}, "description"),
        ({"service_code": "001", "address_string": "临沂", "media_url": "javascript:alert(1)"}, "media_url"),
    ],
)
def test_post_requests_validates_its_input(client, world, key_for, data, needle):
    response = client.post("/open311/v2/requests.json", {**data, "api_key": key_for("county")})
    assert response.status_code == 400
    assert any(needle in e["description"] for e in response.json()), response.json()


@pytest.mark.parametrize(
    "params, status",
    [
        ({}, 200),
        ({"status": "open,closed"}, 200),
        ({"status": "pending"}, 400),
        ({"start_date": "2026-01-01T00:00:00+08:00", "end_date": "2026-03-01T00:00:00+08:00"}, 200),
        ({"start_date": "2026-01-01T00:00:00+08:00", "end_date": "2026-06-01T00:00:00+08:00"}, 400),
        ({"start_date": "2026-03-01T00:00:00+08:00", "end_date": "2026-01-01T00:00:00+08:00"}, 400),
        ({"start_date": "yesterday"}, 400),
        ({"end_date": "2026-13-45T00:00:00Z"}, 400),
    ],
)
def test_get_requests_filters(client, key_for, params, status):
    response = client.get("/open311/v2/requests.json", {**params, "api_key": key_for("county")})
    assert response.status_code == status, response.content
    if status == 200:
        assert response.json() == []


def test_open311_reads_are_throttled(client, settings):
    settings.API_THROTTLE_ANON = "1/min"
    assert client.get("/open311/v2/services.json").status_code == 200
    response = client.get("/open311/v2/services.json")
    assert response.status_code == 429 and response["Retry-After"]
    assert response.json()[0]["code"] == 429


def test_xml_rendering_of_nested_values():
    from apps.api.open311.render import to_xml

    xml = to_xml("services", [{"service_code": "001", "metadata": True, "keywords": "漏水,维修"}])
    root = ET.fromstring(xml)
    assert root.find("service/metadata").text == "true"
    definition = ET.fromstring(
        to_xml(
            "service_definition",
            {"service_code": "001", "attributes": [{"code": "a", "values": [{"key": "1"}]}]},
        )
    )
    assert definition.find("attributes/attribute/values/value/key").text == "1"
