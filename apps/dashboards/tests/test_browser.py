"""A county official's dashboard in a real browser: log in, open the dashboard, drill down twice
(county → street → community), export a table; the charts — coverage and work orders — are
drawn, with no error in the console; and the page is usable on a phone."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from apps.dashboards.tests.conftest import build_orders, build_spread
from apps.workorders.tests.test_browser import _categories  # noqa: F401  (seeded categories, restored)
from conftest import ARTIFACTS, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DRAWN = "#dashboard-charts[data-drawn='1']"
WO_CHARTS = ("chart-wo-trend", "chart-wo-category")


def canvases(page, chart_id: str) -> int:
    return page.locator(f"#{chart_id} canvas").count()


def test_county_official_drills_down_and_exports(
    live_server, browser, transactional_world, console_errors, tmp_path, settings
):
    world = transactional_world
    settings.WORKORDER_RANKING_MIN_CALLBACKS = 1
    build_orders(world, build_spread(world))
    context = browser.new_context(
        viewport={"width": 1366, "height": 900}, locale="zh-CN", accept_downloads=True
    )
    page = console_errors(context.new_page())
    log_in(page, live_server.url, world.users["county"].username)

    page.click("nav >> text=治理驾驶舱")
    page.wait_for_selector(DRAWN)
    assert page.locator("h1").inner_text() == "治理驾驶舱 · 罗庄区"
    for chart in ("chart-ranking", "chart-map", "chart-modes"):
        assert canvases(page, chart) >= 1, chart
    assert page.locator("#chart-error").is_hidden()
    assert "无物业服务的老旧小区 1" in page.locator("#target-old_compound_coverage").inner_text()
    screenshot(page, "dashboard-01-county")

    # The work orders of 2026-01 … 2026-10, chosen in the period form.
    page.fill("input[name=from]", "2026-01")
    page.fill("input[name=to]", "2026-10")
    page.click("#workorders button[type=submit]")
    page.wait_for_url("**to=2026-10**")
    page.wait_for_selector(DRAWN)
    for chart in WO_CHARTS:
        assert canvases(page, chart) >= 1, chart
    assert page.locator("#wo-intake .value").inner_text() == "7"
    assert "罗庄街道" in page.locator("#wo-table-red-street").inner_text()
    assert page.locator("#chart-error").is_hidden()
    page.locator("#workorders").screenshot(path=str(ARTIFACTS / "dashboard-01b-county-workorders.png"))
    with page.expect_download() as download_info:
        page.click("#wo-table-categories >> text=导出 Excel")
    path = tmp_path / "categories.xlsx"
    download_info.value.save_as(path)
    rows = list(load_workbook(path, read_only=True).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("类别", "工单量", "有效回访") and sum(r[1] for r in rows[1:]) == 7

    page.click("#ranking >> text=盛庄街道")  # first drill-down: a street (the period stays)
    page.wait_for_url("**/dashboard/?region=371311003**")
    page.wait_for_selector(DRAWN)
    assert page.locator("h1").inner_text() == "治理驾驶舱 · 盛庄街道"
    assert canvases(page, "chart-map") >= 1
    for chart in WO_CHARTS:
        assert canvases(page, chart) >= 1, chart
    screenshot(page, "dashboard-02-street")

    page.click("#ranking >> text=后盛庄社区居民委员会")  # second: a community, with its compounds
    page.wait_for_url("**/dashboard/?region=371311003003**")
    page.wait_for_selector(DRAWN)
    assert page.locator("#ranking h2").inner_text() == "小区情况"
    assert world.compound.name in page.locator("#ranking").inner_text()
    assert canvases(page, "chart-modes") >= 1
    screenshot(page, "dashboard-03-community")

    with page.expect_download() as download_info:
        page.click("#ranking >> text=导出 Excel")
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx") and "小区情况" in download.suggested_filename
    path = tmp_path / "export.xlsx"
    download.save_as(path)
    rows = list(load_workbook(path, read_only=True).active.iter_rows(values_only=True))
    assert rows[0][0] == "小区" and {r[0] for r in rows[1:]} >= {world.compound.name}

    page.click("nav.breadcrumbs >> text=罗庄区")  # back up, then into a gap list
    page.wait_for_selector(DRAWN)
    page.click("#target-old_compound_coverage >> text=无物业服务的老旧小区")
    page.wait_for_selector("table.list")
    assert "罗庄老宿舍" in page.content()
    screenshot(page, "dashboard-04-gap-list")
    assert console_errors.errors == [], console_errors.errors
    context.close()


def test_the_dashboard_on_a_phone(live_server, browser, transactional_world, console_errors):
    world = transactional_world
    build_orders(world, build_spread(world))
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True)
    page = console_errors(context.new_page())
    log_in(page, live_server.url, world.users["county"].username)
    page.goto(f"{live_server.url}/dashboard/?from=2026-01&to=2026-10")
    page.wait_for_selector(DRAWN)
    # Nothing wider than the screen but the tables, which scroll inside their frame.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    for chart in ("chart-ranking", "chart-map", "chart-modes", *WO_CHARTS):
        box = page.locator(f"#{chart}").bounding_box()
        assert box["width"] <= 390 and box["height"] >= 250, chart
    screenshot(page, "dashboard-05-county-phone")
    assert console_errors.errors == [], console_errors.errors
    context.close()
