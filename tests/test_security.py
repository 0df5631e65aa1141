"""Issue 20.3, 20.4, 20.6, 20.7 and 13.2: exports, bad input, CSP, error pages, database outages."""

import io
import json
import re
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.db import InterfaceError, OperationalError
from openpyxl import load_workbook

from apps.core.excel import xlsx_response

# ------------------------------------------------------------------ 20.3 formula injection
NASTY = ['=HYPERLINK("http://evil.example","点我")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


def _cells(response):
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return [c for row in wb.active.iter_rows() for c in row]


def test_export_writes_formula_like_text_as_text():
    response = xlsx_response("测试", ["内容", "数"], [[v, 5] for v in NASTY] + [["普通文本", -3]])
    cells = _cells(response)
    texts = [c for c in cells if c.row > 1 and c.column == 1]
    assert [c.value.replace("\n", "\r") for c in texts[:-1]] == [v.replace("\n", "\r") for v in NASTY]
    assert all(c.data_type == "s" for c in texts)
    assert all(c.data_type != "f" for c in cells)
    assert [c.value for c in cells if c.row > 1 and c.column == 2] == [5] * len(NASTY) + [
        -3
    ]  # numbers stay numbers


def test_staff_export_of_a_resident_description_has_no_live_formula(client, world):
    from apps.workorders.tests.helpers import submit

    submit(world, world.users, description='=HYPERLINK("http://evil.example","点击查看详情") 楼道灯坏了')
    client.force_login(world.users["community"])
    response = client.get("/workorders/", {"queue": "all", "export": "xlsx"})
    assert response.status_code == 200
    cells = _cells(response)
    hits = [c for c in cells if isinstance(c.value, str) and c.value.startswith("=HYPERLINK")]
    assert hits and all(c.data_type == "s" for c in hits)


# ------------------------------------------------------------------ 20.4 bad input
@pytest.mark.parametrize(
    "path",
    [
        "/regions/%00/",
        "/registry/compounds/?q=%00",
        "/dashboard/?region=%00",
        "/workorders/?q=ab%00c",
        "/registry/owners/?q=%ff%fe",
    ],
)
def test_nul_and_bad_utf8_in_path_or_query_is_a_400_page(client, world, path):
    client.force_login(world.users["city"])
    response = client.get(path)
    assert response.status_code == 400
    body = response.content.decode()
    assert "请求" in body and "topbar" in body  # Chinese, in the site layout


def test_nul_in_api_query_is_a_json_400(client, key_for):
    response = client.get(
        "/api/v1/compounds", {"q": "a\x00b"}, HTTP_AUTHORIZATION=f"Bearer {key_for('county')}"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_invalid_utf8_in_a_form_field_is_refused_not_stored(client, world):
    from apps.registry.models import Building

    client.force_login(world.users["county"])
    before = Building.objects.count()
    body = b"compound=" + str(world.compound.pk).encode() + b"&name=%ff%fe%fd&floors=5"
    response = client.post(
        "/registry/buildings/new/", data=body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    assert "UTF-8" in response.content.decode()
    assert Building.objects.count() == before
    assert not Building.objects.filter(name__contains="\ufffd").exists()


def test_body_over_the_limit_is_a_413_in_the_api_format(client, key_for, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = client.post(
        "/api/v1/workorders",
        data=json.dumps({"description": "x" * 5000}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key_for('resident')}",
    )
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"


def test_body_over_the_limit_is_a_413_page(client, world, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client.force_login(world.users["county"])
    response = client.post(
        "/registry/buildings/new/",
        data="name=" + "x" * 5000,
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 413
    assert "过大" in response.content.decode()


@pytest.mark.parametrize(
    "value", ["9999-12-31", "0", "1", "2026-1-5", "20260105", "2026-02-30", "0000-01-01"]
)
def test_far_future_and_loose_dates_are_clear_400s(client, key_for, value):
    for name in ("created_from", "created_to"):
        response = client.get(
            "/api/v1/workorders", {name: value}, HTTP_AUTHORIZATION=f"Bearer {key_for('county')}"
        )
        assert response.status_code == 400, (name, value, response.content[:300])
        body = response.json()
        assert name in body["field_errors"]
        assert "日期" in body["message"] or "不能" in body["message"]


def test_a_good_date_still_filters(client, key_for):
    response = client.get(
        "/api/v1/workorders", {"created_from": "2026-01-01"}, HTTP_AUTHORIZATION=f"Bearer {key_for('county')}"
    )
    assert response.status_code == 200


# ------------------------------------------------------------------ 13.2 error pages
def test_404_page_is_chinese_in_the_site_layout(client, world):
    client.force_login(world.users["county"])
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "未找到" in body and 'class="topbar"' in body and "Page not found" not in body


@pytest.mark.parametrize("path", ["/api/v1/no-such/", "/api/v1/no-such", "/api/nothing", "/api/"])
def test_api_404s_are_json(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "not_found"


def test_open311_404_is_an_open311_error_list(client):
    response = client.get("/open311/v2/no-such.json")
    assert response.status_code == 404
    assert response.json()[0]["code"] == 404


def test_403_page_is_chinese_in_the_site_layout(client, world):
    client.force_login(world.users["resident"])
    response = client.get("/registry/owners/")
    assert response.status_code == 403
    body = response.content.decode()
    assert "无权" in body and 'class="topbar"' in body


def test_500_page_is_chinese_and_json_under_api(client, world):
    client.raise_request_exception = False
    client.force_login(world.users["county"])
    with mock.patch("apps.registry.views.compounds.CompoundList.get", side_effect=RuntimeError("boom")):
        response = client.get("/registry/compounds/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "系统暂时出现问题" in body and "boom" not in body and "Traceback" not in body


# ------------------------------------------------------------------ 20.7 database outage
@pytest.mark.parametrize("exc", [OperationalError("server closed the connection"), InterfaceError("closed")])
def test_database_outage_is_a_chinese_503_page_with_retry_after(client, world, exc):
    client.raise_request_exception = False
    client.force_login(world.users["county"])
    with mock.patch("apps.registry.views.compounds.CompoundList.get", side_effect=exc):
        response = client.get("/registry/compounds/")
    assert response.status_code == 503
    assert response["Retry-After"] == str(settings.RETRY_AFTER_SECONDS)
    assert "系统暂时不可用" in response.content.decode()


def test_database_outage_outside_the_view_is_a_503(client, world):
    """The session or the user is read before any view: the handler still answers 503."""
    client.raise_request_exception = False
    client.force_login(world.users["county"])
    with mock.patch(
        "apps.accounts.backends.ModelBackendOneQuery.get_user", side_effect=OperationalError("gone")
    ):
        response = client.get("/registry/compounds/")
    assert response.status_code == 503
    assert "Retry-After" in response


def test_database_outage_in_the_api_is_a_json_503(client, key_for):
    key = key_for("county")
    with mock.patch("apps.registry.api.compound_list_for", side_effect=OperationalError("gone")):
        response = client.get("/api/v1/compounds", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 503
    with mock.patch("apps.api.auth.api_client_for_key", side_effect=OperationalError("gone")):
        response = client.get("/api/v1/compounds", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 503
    assert response.json()["code"] == "unavailable"
    assert "Retry-After" in response


def test_database_outage_in_open311_is_retryable(client):
    with mock.patch("apps.workorders.open311.service_list", side_effect=OperationalError("gone")):
        response = client.get("/open311/v2/services.json")
    assert response.status_code == 503
    assert response.json()[0]["code"] == 503
    assert "Retry-After" in response


# ------------------------------------------------------------------ 20.6 CSP, no inline script
HTML_PAGES = [
    "/",
    "/login/",
    "/registry/compounds/",
    "/workorders/",
    "/dashboard/",
    "/no-such-page/",
    "/api/v1/docs",
]


@pytest.mark.parametrize("path", HTML_PAGES)
def test_every_html_answer_has_a_content_security_policy(client, world, path):
    if path != "/login/":
        client.force_login(world.users["city"])
    response = client.get(path, follow=True)
    assert response["Content-Type"].startswith("text/html")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp.split("script-src", 1)[1].split(";")[0]
    assert "frame-ancestors 'none'" in csp


def test_no_inline_script_in_any_template():
    roots = [Path(settings.BASE_DIR) / "templates", *Path(settings.BASE_DIR).glob("apps/*/templates")]
    inline_script = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
    handler_attr = re.compile(r"\son[a-z]+\s*=\s*[\"']", re.I)
    found = []
    for root in roots:
        for path in root.rglob("*.html"):
            text = path.read_text(encoding="utf-8")
            for m in inline_script.finditer(text):
                found.append(f"{path}: {m.group(0)}")
            for m in handler_attr.finditer(text):
                found.append(f"{path}: {m.group(0)}")
    assert found == []


def test_signed_in_pages_are_not_cached(client, world):
    client.force_login(world.users["community"])
    response = client.get(world.own["owner"].get_absolute_url())
    assert "no-store" in response["Cache-Control"]


def test_invalid_utf8_in_a_multipart_field_is_refused(client, world):
    client.force_login(world.users["county"])
    body = (
        b'--BoUnDaRy\r\nContent-Disposition: form-data; name="name"\r\n\r\n\xff\xfe\xfd\r\n'
        b'--BoUnDaRy\r\nContent-Disposition: form-data; name="floors"\r\n\r\n5\r\n--BoUnDaRy--\r\n'
    )
    response = client.generic(
        "POST", "/registry/buildings/new/", body, content_type="multipart/form-data; boundary=BoUnDaRy"
    )
    assert response.status_code == 400


def test_admin_search_skips_masked_fields(client, world):
    client.force_login(world.users["county"])  # no owner pii permission
    owner = world.own["owner"]
    hit = client.get("/admin/registry/owner/", {"q": owner.name})
    miss = client.get("/admin/registry/owner/", {"q": "不存在的名字"})
    assert hit.status_code == 200
    # The answer is the same for a right and a wrong guess: search does not confirm a name.
    assert {o.pk for o in hit.context["cl"].result_list} == {o.pk for o in miss.context["cl"].result_list}


def test_csrf_failure_is_a_chinese_page(db):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post("/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "CSRF" in response.content.decode() and "刷新" in response.content.decode()
