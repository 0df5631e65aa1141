"""The OpenAPI schema and the docs page (served from vendored files, no CDN)."""

import re

import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db


def test_openapi_schema_lists_every_endpoint_with_auth_and_errors(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    paths = set(schema["paths"])
    for expected in [
        "/api/v1/regions",
        "/api/v1/regions/{code}",
        "/api/v1/compounds",
        "/api/v1/compounds/{compound_id}",
        "/api/v1/companies",
        "/api/v1/departments",
        "/api/v1/party-orgs",
        "/api/v1/red-collar-secretaries",
        "/api/v1/committees",
        "/api/v1/committees/{committee_id}",
    ]:
        assert expected in paths, expected
    schemes = schema["components"]["securitySchemes"]
    assert {s["type"] for s in schemes.values()} == {"http", "apiKey"}
    listing = schema["paths"]["/api/v1/compounds"]["get"]
    assert {"200", "400", "401", "403", "429"} <= set(listing["responses"])
    assert "ErrorOut" in schema["components"]["schemas"]


def test_docs_page_uses_only_local_files(client):
    html = client.get("/api/v1/docs").content.decode()
    assert "swagger-ui-bundle.js" in html
    for url in re.findall(r'(?:src|href)="([^"]+)"', html):
        assert url.startswith("/static/"), url
        assert finders.find(url.removeprefix("/static/")), url


def test_vendored_swagger_ui_carries_its_licence():
    from apps.api.docs import SWAGGER_UI_DIR

    assert finders.find(f"{SWAGGER_UI_DIR}/LICENSE")
    readme = finders.find("vendor/README.md")
    assert readme and "swagger-ui-dist@5.35.0" in open(readme, encoding="utf-8").read()
