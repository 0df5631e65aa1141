"""Property-based run of schemathesis against /api/v1/openapi.json, in-process through WSGI.

Bounded (25 examples per operation, about a minute and a half): no 5xx, every status and body as
documented. Part of the default run; alone: `pytest -m schemathesis`.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

pytestmark = [pytest.mark.django_db, pytest.mark.schemathesis]

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture(autouse=True)
def _wsgi_in_test_transaction(world, users, settings, tmp_path):
    settings.API_THROTTLE_TOKEN = "100000/min"
    settings.API_THROTTLE_ANON = "100000/min"
    settings.MEDIA_ROOT = tmp_path / "media"
    # Work orders in three states (ids from 1), so that details and verbs meet real rows.
    from apps.workorders.tests.helpers import submit, to_dispatched, to_signed

    submit(world, users)
    to_dispatched(world, users)
    to_signed(world, users)
    # As Django's test client does: a request must not close the test's (transactional) connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def city_key(key_for):
    return key_for("city")


def _served_document() -> dict:
    """/api/v1/openapi.json as built from the code, through a JSON round trip like the served one."""
    import json

    from ninja.responses import NinjaJSONEncoder

    from apps.api.v1 import api

    return json.loads(json.dumps(api.get_openapi_schema(path_prefix="/api/v1/"), cls=NinjaJSONEncoder))


def _load_schema():
    # Built from the code, not fetched: schemathesis' lazy fixture loader does not run under
    # pytest 9 (it sets Function._nodeid). The same document is served at /api/v1/openapi.json.
    from django.core.wsgi import get_wsgi_application

    loaded = schemathesis.openapi.from_dict(_served_document())
    loaded.app = get_wsgi_application()
    return loaded


schema = _load_schema()


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case, city_key):
    case.call_and_validate(headers={"Authorization": f"Bearer {city_key}"}, checks=CHECKS)


def test_the_tested_schema_is_the_served_one(client):
    assert client.get("/api/v1/openapi.json").json() == _served_document()
