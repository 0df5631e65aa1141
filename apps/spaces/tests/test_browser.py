"""The booking journey in a real browser: a resident books a room on a phone-sized screen, the
community approves at the centre, and the centre's usage statistics change."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from conftest import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_resident_books_on_phone_centre_approves(live_server, browser, transactional_world, console_errors):
    from apps.spaces.testing import objects_around

    world = transactional_world
    objs = objects_around(world.compound, "罗庄")
    room, centre = objs["room"], objs["servicecentre"]
    day = timezone.localdate() + datetime.timedelta(days=1)

    phone = console_errors(
        browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True).new_page()
    )
    log_in(phone, live_server.url, world.users["resident"].username)
    phone.goto(f"{live_server.url}/spaces/rooms/{room.pk}/?day={day.isoformat()}")
    assert "空闲 08:00–21:00" in phone.locator("#day-slots").inner_text()
    # The form fits the phone: no horizontal scrolling.
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    phone.fill("#id_day", day.isoformat())
    phone.fill("#id_start", "09:00")
    phone.fill("#id_end", "11:00")
    phone.select_option("#id_use", "choir")
    phone.fill("#id_title", "合唱排练")
    phone.fill("#id_group_name", "盛庄花园合唱团")
    phone.fill("#id_attendees", "12")
    screenshot(phone, "spaces-phone-booking-form")
    phone.click("#booking-form button[type=submit]")
    phone.wait_for_selector(".messages")
    assert "等待审批" in phone.locator(".messages").inner_text()
    slots = phone.locator("#day-slots").inner_text()
    assert "09:00–11:00" in slots and "合唱排练" in slots and "待审批" in slots
    screenshot(phone, "spaces-phone-booked")

    desk = console_errors(
        browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN").new_page()
    )
    log_in(desk, live_server.url, world.users["community"].username)
    desk.goto(f"{live_server.url}/spaces/centres/{centre.pk}/")
    before = desk.locator(f"#rooms tr[data-room='{room.pk}'] .usage").inner_text()
    assert before == "0.0%"
    assert "合唱排练" in desk.locator("#pending").inner_text()
    screenshot(desk, "spaces-centre-pending")
    desk.click("#pending button[type=submit]")
    desk.wait_for_selector(".messages")
    after = desk.locator(f"#rooms tr[data-room='{room.pk}'] .usage").inner_text()
    assert after != before and after.endswith("%") and float(after[:-1]) > 0
    assert "没有待审批的预约" in desk.content()
    assert "合唱排练 2.0h" in desk.locator("#rooms").inner_text()  # by use
    screenshot(desk, "spaces-centre-approved")

    phone.reload()
    assert "已确认" in phone.locator("#day-slots").inner_text()
    screenshot(phone, "spaces-phone-confirmed")
    assert not console_errors.errors
