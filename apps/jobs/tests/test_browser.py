"""我的任务 in a real browser: an administrator starts the queue self-test, its page follows the
job by polling (HTMX, no reload) from 排队中 to 已完成, and the result file downloads."""

from __future__ import annotations

import pytest

from conftest import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_job_started_from_my_jobs_reaches_done(
    live_server, browser, console_errors, django_user_model, settings, tmp_path
):
    from apps.core.testing import PASSWORD
    from apps.jobs.models import Job
    from apps.jobs.testing import drain

    settings.MEDIA_ROOT = tmp_path
    django_user_model.objects.create_superuser("jobs_admin", password=PASSWORD)
    page = console_errors(
        browser.new_context(viewport={"width": 1366, "height": 800}, locale="zh-CN").new_page()
    )
    log_in(page, live_server.url, "jobs_admin")
    page.goto(f"{live_server.url}/jobs/")
    assert page.locator("text=暂无任务").is_visible()
    page.click("button:has-text('队列自检')")
    page.wait_for_url("**/jobs/*-*/")
    progress = page.locator("#job-progress")
    assert "排队中" in progress.inner_text()
    job = Job.objects.get(owner__username="jobs_admin")
    Job.objects.filter(pk=job.pk).update(params={"steps": 3, "step_s": 0.2})
    assert drain() == 1  # the worker's part, in this process (the live server shares the database)
    page.locator("#job-progress .tag-ok", has_text="已完成").wait_for(timeout=10_000)  # polled, not reloaded
    assert page.locator("#job-progress[hx-trigger]").count() == 0  # polling stopped
    assert page.locator(".progress").get_attribute("aria-valuenow") == "100"
    screenshot(page, "jobs-detail-done")
    with page.expect_download() as info:
        page.click("text=下载结果文件")
    path = info.value.path()
    assert "任务队列自检完成" in open(path, encoding="utf-8").read()
    page.goto(f"{live_server.url}/jobs/")
    assert page.locator("#job-list td", has_text="已完成").count() == 1
