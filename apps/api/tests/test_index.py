"""Where developers look: /api/v1/ points at the docs; the login page and footer link out."""

from django.urls import reverse


def test_api_root_answers_json_with_the_docs(client, db):
    response = client.get("/api/v1/")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["docs"].endswith("/api/v1/docs") and body["openapi"].endswith("/api/v1/openapi.json")
    assert "接口文档见 /api/v1/docs" in body["message"]


def test_login_page_links_the_tracking_lookup_and_the_api_docs(client, db):
    page = client.get(reverse("login")).content.decode()
    assert f'href="{reverse("workorder_track")}"' in page
    assert 'href="/api/v1/docs"' in page
