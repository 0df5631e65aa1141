"""The schedule and the job: from the first working day of a month, last month's report of every
city, county and street with compounds is queued once (whatever the number of calls), generated
once, and the region's officials are told; a job run again after its commit does not redo it."""

from __future__ import annotations

import datetime

import pytest

from apps.core.testing import COUNTY
from apps.jobs.models import Job, JobStatus
from apps.jobs.runner import run
from apps.jobs.testing import drain
from apps.notifications.models import Notification
from apps.regions.models import Region
from apps.reports import services
from apps.reports.models import MonthlyReport

OCTOBER = datetime.date(2026, 10, 1)


@pytest.fixture
def quick_pdf(monkeypatch):
    """The PDF is tested in test_render.py; here only how often a report is made matters."""
    from apps.reports import render

    monkeypatch.setattr(render, "pdf", lambda data: (b"%PDF-1.7 stand-in", 1))


SEPTEMBER = datetime.date(2026, 9, 1)


def test_the_first_working_day_follows_the_holiday_calendar(db):
    # National Day 2026: 1–7 October are rest days (调休), the 8th is the first working day.
    assert services.first_workday(OCTOBER) == datetime.date(2026, 10, 8)
    assert services.first_workday(datetime.date(2026, 6, 1)) == datetime.date(2026, 6, 1)  # a Monday
    assert services.first_workday(datetime.date(2099, 1, 1)) is None  # no calendar: nothing is due


def test_the_schedule_creates_each_regions_report_once(world, quick_pdf, django_capture_on_commit_callbacks):
    assert services.due_monthly_reports(datetime.date(2026, 10, 7)) == []  # still the holiday
    with django_capture_on_commit_callbacks(execute=True):
        first = services.due_monthly_reports(datetime.date(2026, 10, 8))
    regions = services.scheduled_regions()
    codes = {r.code for r in regions}
    assert {"371300", COUNTY, "371302", "371311003"} <= codes  # cities, counties, streets with compounds
    assert not any(r.level == "community" for r in regions)
    assert len(first) == len(regions)
    with django_capture_on_commit_callbacks(execute=True):
        again = services.due_monthly_reports(datetime.date(2026, 10, 8))
        later = services.due_monthly_reports(datetime.date(2026, 10, 12))  # a missed day is caught up, once
    assert [j.pk for j in again] == [j.pk for j in first] == [j.pk for j in later]
    assert Job.objects.filter(kind=services.KIND).count() == len(regions)
    with django_capture_on_commit_callbacks(execute=True):
        drain()
    assert set(Job.objects.filter(kind=services.KIND).values_list("status", flat=True)) == {
        JobStatus.SUCCEEDED
    }
    reports = MonthlyReport.objects.filter(month=SEPTEMBER)
    assert sorted(reports.values_list("region_id", flat=True)) == sorted(codes)
    assert all(r.trigger == "schedule" and r.pages >= 1 and r.pdf and r.xlsx for r in reports)
    # the county's officials are told, once
    county_official = world.users["county"]
    told = Notification.objects.filter(recipient=county_official, kind="reports.ready")
    assert told.count() == 1 and "罗庄区 2026-09" in told.get().title


def test_a_job_run_again_after_its_commit_does_not_redo_the_report(
    world, quick_pdf, django_capture_on_commit_callbacks
):
    region = Region.objects.get(code=COUNTY)
    with django_capture_on_commit_callbacks(execute=True):
        job = services.monthly_report_request(region=region, month=SEPTEMBER, actor=world.users["county"])
    with django_capture_on_commit_callbacks(execute=True):
        drain()
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.result["report"]
    report = MonthlyReport.objects.get(region=region, month=SEPTEMBER)
    stamp = report.generated_at
    # the worker died after the commit: the job is back in the queue and runs again
    Job.objects.filter(pk=job.pk).update(status=JobStatus.QUEUED)
    with django_capture_on_commit_callbacks(execute=True):
        run(str(job.pk))
    report.refresh_from_db()
    assert report.generated_at == stamp
    assert MonthlyReport.objects.filter(region=region, month=SEPTEMBER).count() == 1
    assert Notification.objects.filter(kind="reports.ready", recipient=world.users["county"]).count() == 1


def test_a_report_generated_again_replaces_the_same_row(world, quick_pdf):
    region = Region.objects.get(code=COUNTY)
    first = services.monthly_report_generate(region=region, month=SEPTEMBER, actor=world.users["county"])
    second = services.monthly_report_generate(region=region, month=SEPTEMBER, actor=world.users["city"])
    assert first.pk == second.pk
    assert MonthlyReport.objects.filter(region=region, month=SEPTEMBER).count() == 1


@pytest.mark.parametrize(
    "persona, code, message",
    [
        ("other_county", COUNTY, "只能生成本辖区及下级区划的月报"),
        ("company", COUNTY, "您的角色无权生成月报"),
        ("community", "371311003003", "月报只为市、县（区）和街道生成"),
        ("department", COUNTY, "您的角色无权生成月报"),
    ],
)
def test_who_may_not_generate_is_refused_in_chinese(world, persona, code, message):
    from apps.core.errors import DomainError

    with pytest.raises(DomainError) as exc:
        services.monthly_report_generate(
            region=Region.objects.get(code=code), month=SEPTEMBER, actor=world.users[persona]
        )
    assert message in exc.value.message
    assert not MonthlyReport.objects.filter(month=SEPTEMBER).exists()


@pytest.mark.parametrize("text", ["2026-13", "2026/09", "", "1999-01", "2999-01"])
def test_a_bad_month_is_refused_in_chinese(text):
    from apps.core.errors import DomainError

    with pytest.raises(DomainError) as exc:
        services.month_from_text(text, today=datetime.date(2026, 11, 20))
    assert exc.value.message.startswith("月份：")
