"""Throttling: anonymous callers per IP, API clients per key, sessions per user — 429 + Retry-After."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen_clock():
    """Windows are fixed minutes: a test must not straddle a minute boundary."""
    import datetime

    import time_machine

    with time_machine.travel(datetime.datetime(2026, 5, 6, 9, 30, 10, tzinfo=datetime.UTC), tick=False):
        yield


def test_token_clients_are_throttled_per_key(client, key_for, settings):
    settings.API_THROTTLE_TOKEN = "3/min"
    a, b = key_for("county"), key_for("city")
    for _ in range(3):
        assert client.get("/api/v1/compounds", HTTP_AUTHORIZATION=f"Bearer {a}").status_code == 200
    response = client.get("/api/v1/compounds", HTTP_AUTHORIZATION=f"Bearer {a}")
    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
    assert response["Retry-After"] == "50"  # seconds to the end of the minute
    # another client has its own budget
    assert client.get("/api/v1/compounds", HTTP_AUTHORIZATION=f"Bearer {b}").status_code == 200


def test_anonymous_callers_are_throttled_per_ip(client, settings, world):
    settings.API_THROTTLE_ANON = "2/min"
    assert client.get("/api/v1/openapi.json").status_code == 200
    assert client.get("/api/v1/openapi.json").status_code == 200
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 429 and int(response["Retry-After"]) >= 1
    # another address has its own budget
    assert client.get("/api/v1/openapi.json", REMOTE_ADDR="10.0.0.9").status_code == 200


def test_failed_logins_count_against_the_anonymous_budget(client, settings, world):
    settings.API_THROTTLE_ANON = "3/min"
    codes = [client.get("/api/v1/compounds", HTTP_AUTHORIZATION="Bearer guess").status_code for _ in range(5)]
    assert codes == [401, 401, 401, 429, 429]


def test_forwarded_for_is_only_trusted_behind_a_known_proxy(client, settings, world):
    settings.API_THROTTLE_ANON = "1/min"
    assert client.get("/api/v1/openapi.json", HTTP_X_FORWARDED_FOR="1.1.1.1").status_code == 200
    # with no proxy configured the header is ignored: same REMOTE_ADDR, same budget
    assert client.get("/api/v1/openapi.json", HTTP_X_FORWARDED_FOR="2.2.2.2").status_code == 429
    settings.API_NUM_PROXIES = 1
    assert client.get("/api/v1/openapi.json", HTTP_X_FORWARDED_FOR="3.3.3.3").status_code == 200


def test_sessions_are_throttled_per_user(client_for, settings):
    settings.API_THROTTLE_SESSION = "2/min"
    client = client_for("county")
    assert [client.get("/api/v1/compounds").status_code for _ in range(3)] == [200, 200, 429]


def test_an_empty_rate_switches_a_throttle_off(client, key_for, settings):
    settings.API_THROTTLE_TOKEN = ""
    key = key_for("county")
    assert {
        client.get("/api/v1/regions", HTTP_AUTHORIZATION=f"Bearer {key}").status_code for _ in range(5)
    } == {200}


def test_rate_parsing():
    from django.core.exceptions import ImproperlyConfigured

    from apps.api.throttling import parse_rate

    assert parse_rate("60/min") == (60, 60) and parse_rate("5/s") == (5, 1) and parse_rate("") is None
    with pytest.raises(ImproperlyConfigured):
        parse_rate("often")
