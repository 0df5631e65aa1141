"""The one error shape: every status the API uses, and never a stack trace."""

import pytest

pytestmark = [pytest.mark.django_db, pytest.mark.urls("apps.api.tests.urls_testing")]


def shape(response, status, code):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"code", "message", "field_errors"}
    assert body["code"] == code
    assert body["message"]
    return body


def bearer(key):
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_domain_errors_map_to_their_status(client, key_for):
    headers = bearer(key_for("county"))
    shape(client.post("/api/testing/conflict", **headers), 409, "conflict")
    body = shape(client.post("/api/testing/domain", **headers), 400, "invalid")
    assert body["field_errors"] == {"description": ["此项必填"]}
    assert (
        shape(client.post("/api/testing/forbidden", **headers), 403, "forbidden")["message"]
        == "只读用户不能修改"
    )
    body = shape(client.post("/api/testing/django-validation", **headers), 400, "invalid")
    assert body["field_errors"] == {"phone": ["手机号码应为以1开头的11位数字"]}


def test_unexpected_errors_are_a_generic_500(client, key_for, caplog):
    body = shape(client.get("/api/testing/boom", **bearer(key_for("county"))), 500, "server_error")
    assert "secret" not in body["message"] and "Traceback" not in str(body)
    assert "secret internals" in caplog.text  # logged for the operators, not shown


def test_body_validation_errors_are_400_in_chinese(client, key_for):
    headers = bearer(key_for("county"))
    body = shape(
        client.post("/api/testing/echo", '{"count": "x"}', content_type="application/json", **headers),
        400,
        "invalid",
    )
    assert body["field_errors"] == {"count": ["请输入整数"], "name": ["此项必填"]}
    body = shape(
        client.post("/api/testing/echo", "{not json", content_type="application/json", **headers),
        400,
        "invalid",
    )
    ok = client.post(
        "/api/testing/echo", {"count": 2, "name": "甲"}, content_type="application/json", **headers
    )
    assert ok.status_code == 200


def test_unknown_urls_and_methods(client):
    shape(client.get("/api/v1/nothing-here"), 404, "not_found")
    shape(client.get("/api/v2/compounds"), 404, "not_found")
    response = client.delete("/api/v1/compounds")
    shape(response, 405, "method_not_allowed")
    assert response["Allow"] == "GET"


def test_session_writes_need_csrf(client, users):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(users["county"])
    body = shape(
        strict.post("/api/testing/echo", {"count": 1, "name": "甲"}, content_type="application/json"),
        403,
        "csrf_failed",
    )
    assert "CSRF" in body["message"]
    strict.get("/api/v1/docs")  # sets the CSRF cookie, as the docs page or any page does
    token = strict.cookies["csrftoken"].value
    ok = strict.post(
        "/api/testing/echo",
        {"count": 1, "name": "甲"},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert ok.status_code == 200 and ok.json()["user"] == "t_county"
    # reads need no token
    assert strict.get("/api/v1/compounds").status_code == 200


def test_no_credentials_is_401_not_a_csrf_complaint(client):
    from django.test import Client

    body = shape(Client(enforce_csrf_checks=True).post("/api/testing/conflict"), 401, "not_authenticated")
    assert body["message"]


def test_unknown_addresses_are_json_404_for_posts_with_a_session_cookie():
    """Not a CSRF page: the catch-all 404 views are exempt (nothing is written there)."""
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    response = browser.post("/api/v1/workorders/null,null/accept", "{}", content_type="application/json")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    response = browser.post("/open311/v2/nothing.json", {"a": "b"})
    assert response.status_code == 404 and response.json()[0]["code"] == 404
