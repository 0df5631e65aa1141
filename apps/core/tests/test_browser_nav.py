"""The top bar on an ordinary office screen (1366 px): every menu item on one line, whatever the
role, and on a phone a single scrollable row."""

from __future__ import annotations

import pytest

from conftest import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def nav_rows(page) -> set[int]:
    return set(
        page.eval_on_selector_all(
            "nav.nav a", "links => links.map(a => Math.round(a.getBoundingClientRect().top))"
        )
    )


@pytest.mark.parametrize(("width", "name"), [(1366, "office"), (390, "phone")])
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
    screenshot(page, f"nav-{name}")
