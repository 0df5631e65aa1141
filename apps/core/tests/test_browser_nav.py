"""The top bar on an ordinary office screen (1366 px): every menu item on one line, whatever the
role; on a phone (390 px) the menu folds behind a 菜单 button and opens showing every item."""

from __future__ import annotations

import pytest

from conftest import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


TOP_LEVEL = "nav.nav > a, nav.nav > details > summary"  # the bar's links and its menus' headings


def nav_rows(page) -> set[int]:
    return set(
        page.eval_on_selector_all(
            TOP_LEVEL, "links => links.map(a => Math.round(a.getBoundingClientRect().top))"
        )
    )


@pytest.mark.parametrize(("width", "name"), [(1366, "office")])
def test_the_menu_stays_on_one_line(live_server, browser, transactional_world, console_errors, width, name):
    city = transactional_world.users["city"]
    city.is_staff = True  # the longest menu: every section plus 管理后台
    city.save(update_fields=["is_staff"])
    page = console_errors(
        browser.new_context(viewport={"width": width, "height": 800}, locale="zh-CN").new_page()
    )
    log_in(page, live_server.url, city.username)
    links = page.locator("nav.nav a")
    assert links.count() >= 11
    assert len(nav_rows(page)) == 1, "the menu wraps onto a second line"
    if width >= 1366:
        assert page.locator("nav.nav").evaluate("n => n.scrollWidth <= n.clientWidth"), "items hidden"
        header = page.locator("header.topbar").bounding_box()
        assert header["height"] < 70
    # Each menu opens on a click and shows its links inside the window; opening one closes another.
    groups = page.locator("nav.nav > details.nav-group")
    assert groups.count() >= 4
    for i in range(groups.count()):
        groups.nth(i).locator("summary").click()
        menu_links = groups.nth(i).locator(".nav-menu a")
        assert menu_links.count() >= 1
        for j in range(menu_links.count()):
            box = menu_links.nth(j).bounding_box()
            assert box and box["width"] > 0 and box["x"] + box["width"] <= width, box
        assert page.locator("nav.nav > details[open]").count() == 1
        if i == 0:
            screenshot(page, f"nav-{name}-menu")
    page.keyboard.press("Escape")
    assert page.locator("nav.nav > details[open]").count() == 0
    screenshot(page, f"nav-{name}")


def test_on_a_phone_the_menu_opens_and_shows_every_item(
    live_server, browser, transactional_world, console_errors
):
    city = transactional_world.users["city"]
    city.is_staff = True  # the longest menu
    city.save(update_fields=["is_staff"])
    page = console_errors(
        browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN").new_page()
    )
    log_in(page, live_server.url, city.username)
    toggle = page.locator("button.nav-toggle")
    assert toggle.is_visible() and toggle.get_attribute("aria-expanded") == "false"
    assert not page.locator("nav.nav").is_visible()
    screenshot(page, "nav-phone-closed")
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    links = page.locator("nav.nav a")
    assert links.count() >= 11
    boxes = page.eval_on_selector_all(
        "nav.nav a",
        """links => links.map(a => { const r = a.getBoundingClientRect();
            return {left: r.left, right: r.right, w: r.width, text: a.textContent,
                    clipped: a.scrollWidth > a.clientWidth + 1}; })""",
    )
    for box in boxes:
        assert box["w"] > 0 and box["left"] >= 0 and box["right"] <= 390, box
        assert not box["clipped"], box
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "nav-phone-open")
    assert console_errors.errors == []
