"""The report pages for every persona: who may see the archive and generate, the request → job →
report journey on the server side, downloads in and out of scope, and bad input in Chinese."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from apps.core.testing import COUNTY, OTHER_COUNTY
from apps.jobs.models import Job
from apps.jobs.testing import drain
from apps.reports import services
from apps.reports.models import MonthlyReport

LIST = reverse("report_list")
GENERATE = reverse("report_generate")


@pytest.fixture
def quick_pdf(monkeypatch):
    from apps.reports import render

    monkeypatch.setattr(render, "pdf", lambda data: (b"%PDF-1.7 stand-in", 1))


@pytest.mark.parametrize("persona", ["city", "county", "street", "community"])
def test_officials_see_the_archive(world, client_for, persona):
    assert client_for(persona).get(LIST).status_code == 200


@pytest.mark.parametrize("persona", ["company", "committee", "resident", "department", "outsider"])
def test_other_roles_are_refused(world, client_for, persona):
    client = client_for(persona)
    assert client.get(LIST).status_code == 403
    own = world.own["monthlyreport"]
    assert client.get(reverse("report_pdf", args=[own.pk])).status_code in (403, 404)
    assert client.post(GENERATE, {"region": COUNTY, "month": "2026-09"}).status_code in (403, 404)
    assert not Job.objects.filter(kind=services.KIND).exists()


@pytest.mark.parametrize(
    "persona, sees_own, sees_other",
    [
        ("city", True, True),
        ("county", True, False),
        ("other_county", False, True),
        ("heze_city", False, False),
    ],
)
def test_downloads_follow_the_scope(world, client_for, persona, sees_own, sees_other):
    client = client_for(persona)
    for report, visible in (
        (world.own["monthlyreport"], sees_own),
        (world.other["monthlyreport"], sees_other),
    ):
        for name in ("report_pdf", "report_xlsx", "report_detail"):
            response = client.get(reverse(name, args=[report.pk]))
            assert response.status_code == (200 if visible else 404), (name, report)
    pdf = client_for("city").get(reverse("report_pdf", args=[world.own["monthlyreport"].pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert "attachment" in pdf["Content-Disposition"]


def test_the_street_official_generates_only_the_street(world, client_for):
    client = client_for("street")
    body = client.get(LIST).content.decode()
    assert 'value="371311003"' in body and f'value="{COUNTY}"' not in body
    assert client.post(GENERATE, {"region": COUNTY, "month": "2026-09"}).status_code == 404
    assert (
        client.post(GENERATE, {"region": "371311003003", "month": "2026-09"}).status_code == 302
    )  # refused, said why
    assert not Job.objects.filter(kind=services.KIND).exists()


def test_request_runs_as_a_job_and_the_report_is_listed(
    world, client_for, quick_pdf, django_capture_on_commit_callbacks
):
    client = client_for("county")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(GENERATE, {"region": COUNTY, "month": "2026-09"})
    assert response.status_code == 302
    job = Job.objects.get(kind=services.KIND)
    assert response["Location"] == reverse("report_job", args=[job.pk])
    assert job.owner == world.users["county"] and "罗庄区 2026-09" in job.title
    page = client.get(response["Location"]).content.decode()
    assert "排队中" in page and 'hx-trigger="every 1s"' in page
    with django_capture_on_commit_callbacks(execute=True):
        drain()
    page = client.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert "已完成" in page and "下载 PDF" in page and "every 1s" not in page
    report = MonthlyReport.objects.get(region_id=COUNTY, month=datetime.date(2026, 9, 1))
    assert report.generated_by == world.users["county"]
    assert "罗庄区 2026-09 月报" in client.get(LIST).content.decode()
    detail = client.get(reverse("report_detail", args=[report.pk])).content.decode()
    assert "三个100%目标" in detail and "<svg" in detail
    # someone else's job is not found
    assert client_for("city").get(reverse("report_job", args=[job.pk])).status_code == 404


@pytest.mark.parametrize("month", ["2026-13", "abc", "2999-01"])
def test_a_bad_month_is_said_in_chinese_and_starts_nothing(world, client_for, month):
    client = client_for("county")
    response = client.post(GENERATE, {"region": COUNTY, "month": month}, follow=True)
    assert "月份：" in response.content.decode()
    assert not Job.objects.filter(kind=services.KIND).exists()


def test_an_unknown_or_foreign_region_is_404(world, client_for):
    client = client_for("county")
    for code in ("999999", OTHER_COUNTY, ""):
        assert client.post(GENERATE, {"region": code, "month": "2026-09"}).status_code == 404


def test_the_list_filters_by_region(world, client_for):
    body = client_for("city").get(LIST, {"region": OTHER_COUNTY}).content.decode()
    assert "兰山区 2026-10 月报" in body and "罗庄区 2026-10 月报" not in body
