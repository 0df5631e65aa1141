"""The journey of issue 14 in a real browser: the committee opens a decision, two owners vote on
their phones, staff enter a paper ballot twice, the vote closes and the notice shows fractions."""

from __future__ import annotations

import datetime

import pytest
from django.test import override_settings
from django.utils import timezone

from apps.voting.testing import build_roll
from conftest import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
RULES = {
    "proxy_limit": 3,
    "advance_notice_days": 0,  # the statutory 15 days would make the journey wait two weeks
    "publish_within_days": 3,
    "notice_period_days": 15,
    "retention_years": 10,
}


def sign_out(page, base):
    page.context.clear_cookies()
    page.goto(f"{base}/login/")


@override_settings(VOTING_RULES_DEFAULT=RULES)
def test_decision_journey(live_server, browser, transactional_world, console_errors, tmp_path):
    world = transactional_world
    roll = build_roll(
        world.compound,
        [
            ("901", ["业主甲"], "100", None, None),
            ("902", ["业主乙"], "100", None, None),
            ("903", ["业主丙"], "100", None, None),
        ],
        tag="旅程",
    )
    base = live_server.url
    office = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = console_errors(office.new_page())

    # 1. the committee drafts and opens the decision
    log_in(page, base, world.users["committee"].username)
    page.goto(f"{base}/voting/new/")
    now = timezone.localtime()
    page.fill("#id_title", "使用维修资金维修外墙")
    page.select_option("#id_form", "internet")
    page.fill("#id_opens_at", now.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_closes_at", (now + datetime.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"))
    page.select_option("#id_matter_1_number", "5")
    page.fill("#id_matter_1_title", "使用专项维修资金维修外墙")
    page.select_option("#id_matter_2_number", "7")
    page.fill("#id_matter_2_title", "改建小区北门")
    page.click("main button[type=submit]")
    page.wait_for_selector("#btn-open")
    page.click("#btn-open")
    page.wait_for_selector("#turnout")
    assert "表决中" in page.inner_text("#decision-status")
    decision_url = page.url
    screenshot(page, "voting-1-opened")

    # 2. two owners vote on their phones
    for name, choices in (("业主甲", ["yes", "yes"]), ("业主乙", ["no", "abstain"])):
        phone = console_errors(browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True).new_page())
        log_in(phone, base, roll["users"][name].username)
        phone.goto(f"{decision_url}ballot/")
        groups = phone.locator(".vote-matter")
        assert groups.count() == 2
        for i, choice in enumerate(choices):
            groups.nth(i).locator(f"input[value={choice}]").locator("xpath=..").click()
        assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), (
            "sideways scroll"
        )
        screenshot(phone, f"voting-2-ballot-{name}")
        phone.click("button.vote-submit")
        phone.wait_for_selector("text=选票已提交")
        assert "已提交" in phone.content()
        screenshot(phone, f"voting-3-submitted-{name}")
        phone.context.close()

    # 3. staff enter a paper ballot twice (community worker, then a committee member)
    scan = tmp_path / "丙的选票.pdf"
    scan.write_bytes(b"%PDF-1.4 paper ballot")
    sign_out(page, base)
    log_in(page, base, world.users["community"].username)
    page.goto(f"{decision_url}paper/")
    page.select_option("#id_voter", label=page.locator("#id_voter option", has_text="业").last.inner_text())
    entry = page.locator("#paper-entry .vote-matter")
    for i in range(2):
        entry.nth(i).locator("input[value=yes]").locator("xpath=..").click()
    page.set_input_files("#id_scan", str(scan))
    page.click("#paper-entry button[type=submit]")
    page.wait_for_selector("text=第一次录入已保存")
    assert page.locator(".paper-confirm").count() == 0  # the same person cannot confirm
    sign_out(page, base)
    log_in(page, base, world.users["committee"].username)
    page.goto(f"{decision_url}paper/")
    confirm = page.locator(".paper-confirm").first
    for i in range(2):
        confirm.locator(".vote-matter").nth(i).locator("input[value=yes]").locator("xpath=..").click()
    screenshot(page, "voting-4-paper-second-entry")
    confirm.locator("button[type=submit]").click()
    page.wait_for_selector("text=两次录入一致，已计票")

    # 4. turnout without choices, close, publish, the notice
    page.goto(decision_url)
    turnout = page.inner_text("#turnout")
    assert "3/4" in turnout and "同意" not in turnout and "反对" not in turnout
    screenshot(page, "voting-5-turnout")
    page.fill("#close-note", "名册内有登记账号的业主均已表决（测试）")
    page.click("#btn-close")
    page.wait_for_selector("#btn-publish")
    page.click("#btn-publish")
    page.wait_for_selector("text=已公布表决结果")
    page.goto(f"{decision_url}notice/")
    first, second = page.inner_text("#result-1"), page.inner_text("#result-2")
    assert "300/389.5 = 600/779（77.02%）" in first
    assert "3/4 = 3/4（75.00%）" in first
    assert "2/3 = 2/3（66.67%）" in first and "通过" in first
    assert "双四分之三" in second and "未通过" in second
    screenshot(page, "voting-6-notice")
    page.emulate_media(media="print")
    screenshot(page, "voting-7-notice-print")
    assert not console_errors.errors, console_errors.errors
