"""The whole whistle in a real browser: a resident on a phone (390 × 844) submits with a photo →
the community accepts and dispatches → the company signs and resolves with a photo → the
community calls back and closes → the resident sees it closed. Screenshots of every step; no
error in any console."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from apps.workorders.choices import Status
from apps.workorders.models import WorkOrder
from conftest import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _restore_categories(django_db_blocker):
    """The seeded categories come from a data migration; a transactional test before this one
    may have emptied the table."""
    from apps.workorders.categories_seed import load
    from apps.workorders.models import Category, CategoryLimit

    with django_db_blocker.unblock():
        if not Category.objects.exists():
            load(Category, CategoryLimit)


@pytest.fixture(autouse=True)
def _categories(django_db_blocker):
    _restore_categories(django_db_blocker)
    yield
    _restore_categories(django_db_blocker)


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def png(label: str, colour) -> dict:
    """A small real PNG (a photo of 'the problem') made with Pillow."""
    image = Image.new("RGB", (640, 480), colour)
    draw = ImageDraw.Draw(image)
    draw.rectangle((60, 60, 580, 420), outline=(255, 255, 255), width=12)
    draw.line((60, 60, 580, 420), fill=(255, 255, 255), width=8)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return {"name": f"{label}.png", "mimeType": "image/png", "buffer": buffer.getvalue()}


def act(page, verb_label: str, done_text: str, fill=None, shot: str = ""):
    """Click a verb's button on the order page, fill its form in place, confirm, and wait for
    the order to be redrawn with the success message."""
    page.click(f"#order .actions >> text={verb_label}")
    page.wait_for_selector("#action-form form")
    if fill:
        fill(page)
    if shot:
        screenshot(page, shot)
    page.click("#action-form button[type=submit]")
    page.wait_for_selector(f"#order .messages >> text={done_text}")


def test_a_whistle_from_phone_to_closed(live_server, browser, transactional_world, console_errors):
    world, users = transactional_world, transactional_world.users
    base = live_server.url

    # 1. The resident, on a phone, blows the whistle with a photo.
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True)
    resident = console_errors(phone.new_page())
    log_in(resident, base, users["resident"].username)
    resident.click("text=我要吹哨")
    resident.wait_for_url("**/workorders/new/")
    assert resident.locator(".fixed-value").inner_text() == world.compound.name
    resident.click(".tiles label:has-text('环境卫生')")
    resident.fill("#id_description", "3号楼东侧垃圾桶满溢三天无人清运，气味很大")
    resident.set_input_files("#id_photos", files=[png("垃圾桶", (150, 70, 40))])
    resident.wait_for_selector(".photo-previews img")
    assert resident.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling
    screenshot(resident, "workorders-01-resident-submit-phone")
    resident.click("button:has-text('提交')")
    resident.wait_for_url(re.compile(r".*/workorders/\d+/submitted/$"))
    code = resident.locator("#tracking-code").inner_text().strip()
    order = WorkOrder.objects.get(tracking_code=code)
    assert order.status == Status.SUBMITTED and order.photos.count() == 1
    screenshot(resident, "workorders-02-tracking-code-phone")

    # 2. The community (the compound's branch) accepts and dispatches, in place.
    desk = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    community = console_errors(desk.new_page())
    log_in(community, base, users["community"].username)
    community.click("nav >> text=吹哨工单")
    community.wait_for_selector(f"table.list >> text={code}")
    assert "待受理" in community.locator(".tabs a.active").inner_text()
    screenshot(community, "workorders-03-community-workbench")
    community.click(f"table.list a:text-is('{order.pk}')")
    community.wait_for_selector("#order")
    assert community.locator(".photos img").count() == 1
    act(community, "受理（报到）", "已受理")
    act(
        community,
        "派单",
        "已派单",
        fill=lambda p: p.select_option("#id_handler", label=f"物业企业：{world.company.name}"),
        shot="workorders-04a-community-dispatch-form",
    )
    screenshot(community, "workorders-04-community-dispatched")

    # 3. The company signs and resolves with a photo of the finished work.
    desk2 = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    company = console_errors(desk2.new_page())
    log_in(company, base, users["company"].username)
    company.goto(f"{base}/workorders/")
    assert "待签收" in company.locator(".tabs a.active").inner_text()
    company.click(f"table.list a:text-is('{order.pk}')")
    act(company, "签收", "已签收")

    def resolve(p):
        p.fill("#id_note", "已清运垃圾并消毒，增加一次下午清运")
        p.set_input_files("#id_photos", files=[png("清运后", (40, 140, 70))])
        p.wait_for_selector("#action-form .photo-previews img")

    act(company, "办结", "已办结", fill=resolve, shot="workorders-05a-company-resolve-form")
    screenshot(company, "workorders-05-company-resolved")

    # 4. The community calls the resident back and closes the order.
    community.reload()

    def callback(p):
        p.click("#action-form label:has-text('是') >> nth=0")  # reached
        p.check("#action-form input[name=contacted][value='1']")
        p.check("#action-form input[name=solved][value='1']")
        p.select_option("#id_satisfaction", "satisfied")

    act(community, "回访", "回访结果已记录", fill=callback, shot="workorders-06a-community-callback-form")
    act(community, "结案", "已结案")
    screenshot(community, "workorders-06-community-closed")
    order.refresh_from_db()
    assert order.status == Status.CLOSED

    # 5. The resident sees it closed, with the call-back and the evidence.
    resident.goto(f"{base}/workorders/mine/")
    assert "已结案" in resident.locator(".order-cards").inner_text()
    resident.click(f".order-card:has-text('{code}')")
    resident.wait_for_selector(".status-card")
    assert "已结案" in resident.locator(".status-card").inner_text()
    assert resident.locator(".steps li.done").count() == 7
    assert "满意" in resident.inner_text("body")
    assert resident.locator(".photos img").count() == 2
    assert resident.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(resident, "workorders-07-resident-sees-closed-phone")

    # The resident's inbox heard of every step that concerns them.
    resident.click(".inbox-link")
    resident.wait_for_selector(".inbox")
    assert "您的诉求已结案" in resident.inner_text(".inbox")
    screenshot(resident, "workorders-08-resident-inbox-phone")

    assert console_errors.errors == [], console_errors.errors
    for context in (phone, desk, desk2):
        context.close()
    assert Path(order.photos.first().file.path).exists()


def test_a_county_official_searches_the_compound_when_filing(
    live_server, browser, transactional_world, console_errors, monkeypatch
):
    """A county holds thousands of compounds: the intake form searches them (HTMX) instead of
    listing them, then offers the chosen compound's buildings."""
    from apps.workorders.views import intake

    monkeypatch.setattr(intake, "COMPOUND_SELECT_MAX", 0)
    world = transactional_world
    page = console_errors(
        browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN").new_page()
    )
    log_in(page, live_server.url, world.users["county"].username)
    page.goto(f"{live_server.url}/workorders/new/")
    assert page.locator("#id_compound option").count() == 1  # nothing listed before a search
    page.fill("#id_compound_q", world.compound.name[:3])
    page.locator("#id_compound option").nth(1).wait_for(state="attached")
    page.select_option("#id_compound", str(world.compound.pk))
    page.locator("#id_building option").nth(1).wait_for(state="attached")
    assert "罗庄1号楼" in page.locator("#id_building").inner_text()
    screenshot(page, "workorder-intake-compound-search")


def test_the_workbench_is_cards_on_a_phone(live_server, browser, transactional_world, console_errors):
    """390 px: every order a card with labelled fields, nothing off-screen (issue 13 item 7)."""
    from apps.workorders.tests.helpers import submit

    users = transactional_world.users
    for _ in range(3):
        submit(transactional_world, users)
    page = console_errors(
        browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN").new_page()
    )
    log_in(page, live_server.url, users["community"].username)
    page.goto(f"{live_server.url}/workorders/?queue=all")
    rows = page.locator("#list-results table.list tbody tr")
    assert rows.count() == 3
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    first = rows.first.bounding_box()
    assert first["width"] <= 390 and first["x"] >= 0
    label = page.evaluate(
        "getComputedStyle(document.querySelector('#list-results tbody tr td:nth-child(3)'), '::before').content"
    )
    assert label == '"小区"'
    screenshot(page, "workbench-phone")
    assert console_errors.errors == []
