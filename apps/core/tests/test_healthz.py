"""/healthz: the load balancers' liveness check and the benchmark's baseline of the stack."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext


@pytest.mark.django_db
def test_healthz_answers_ok_without_a_query(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert len(queries) == 0
