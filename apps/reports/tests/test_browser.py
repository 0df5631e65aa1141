"""A county official in a real browser: opens 月报, generates October's report, follows its
progress, downloads the PDF; its first page is rendered (pypdfium2) and looked at."""

from __future__ import annotations

import pypdfium2 as pdfium
import pytest

from apps.dashboards.tests.conftest import build_orders, build_spread
from apps.jobs.testing import drain
from apps.reports.tests.test_render import ink
from apps.workorders.tests.test_browser import _categories  # noqa: F401  (seeded categories, restored)
from conftest import ARTIFACTS, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_official_generates_and_downloads_the_monthly_report(
    live_server, browser, transactional_world, console_errors, tmp_path, settings
):
    world = transactional_world
    settings.WORKORDER_RANKING_MIN_CALLBACKS = 1
    build_orders(world, build_spread(world))
    drain()  # the orders' own deliveries (SMS to the whistle-blowers) go first
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="zh-CN", accept_downloads=True
    )
    page = console_errors(context.new_page())
    log_in(page, live_server.url, world.users["county"].username)

    page.click("nav >> text=月报")
    page.wait_for_url("**/reports/")
    assert page.locator("h1").inner_text() == "物业治理月报"
    page.select_option("#gen-region", "371311")
    page.select_option("#gen-month", "2026-10")
    screenshot(page, "reports-01-list")
    page.click("#report-generate button[type=submit]")
    page.wait_for_url("**/reports/jobs/**")
    assert "生成月报：罗庄区 2026-10" in page.locator("h1").inner_text()
    assert page.locator("#job-status").inner_text() == "排队中"

    assert drain() == 1  # the worker runs the job; the page follows it by itself
    page.wait_for_selector("#job-card[data-status='succeeded']", timeout=20_000)
    screenshot(page, "reports-02-done")
    with page.expect_download() as download_info:
        page.click("#report-pdf")
    path = tmp_path / "report.pdf"
    download_info.value.save_as(path)
    assert download_info.value.suggested_filename.endswith(".pdf")

    document = pdfium.PdfDocument(str(path))
    first = document[0]
    text = first.get_textpage().get_text_range().replace("\n", "").replace(" ", "")
    assert "罗庄区物业治理月报" in text and "2026-10" in text
    image = first.render(scale=1.5).to_pil()
    image.save(ARTIFACTS / "reports-03-pdf-page1.png")
    assert ink(image) > 0.01
    assert not console_errors.errors

    page.goto(f"{live_server.url}/reports/")
    assert "罗庄区 2026-10 月报" in page.locator("#list-results").inner_text()
