"""A county official's morning in a real browser: log in, read the home page, find a compound,
open it, export the list."""

import pytest

from apps.core.testing import PASSWORD
from conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_county_official_finds_a_compound(live_server, browser, transactional_world, console_errors):
    world = transactional_world
    context = browser.new_context(
        viewport={"width": 1366, "height": 900}, locale="zh-CN", accept_downloads=True
    )
    page = console_errors(context.new_page())
    page.goto(f"{live_server.url}/")
    assert "登录" in page.title()
    page.fill("#id_username", world.users["county"].username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    assert page.locator("h1").inner_text().startswith("您好")
    assert "罗庄区" in page.content()
    screenshot(page, "registry-01-home-county")

    page.click("nav >> summary:has-text('基础台账')")  # the bar's menu of the ledgers
    page.click("nav >> text=小区")
    page.wait_for_selector("table.list")
    assert world.compound.name in page.content()
    assert world.other_compound.name not in page.content()  # 兰山区 is another county
    page.fill("#q", "盛庄")
    page.click("button:has-text('筛选')")
    page.wait_for_selector(f"text={world.compound.name}")
    screenshot(page, "registry-02-compound-list")

    with page.expect_download() as download_info:
        page.click("text=导出 Excel")
    assert download_info.value.suggested_filename.endswith(".xlsx")

    page.click(f"text={world.compound.name}")
    page.wait_for_selector("text=操作记录")
    assert "小区党支部" in page.content() and "新建" in page.content()
    screenshot(page, "registry-03-compound-detail")
    assert console_errors.errors == []
    context.close()


def test_resident_on_a_phone_sees_only_their_compound(
    live_server, browser, transactional_world, console_errors
):
    world = transactional_world
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True)
    page = console_errors(context.new_page())
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", world.users["resident"].username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    assert world.compound.name in page.content()
    screenshot(page, "registry-04-home-resident-phone")
    assert console_errors.errors == [], console_errors.errors
    response = page.goto(f"{live_server.url}/registry/compounds/{world.other_compound.pk}/")
    assert response.status == 404 and "未找到" in page.content()
    context.close()
