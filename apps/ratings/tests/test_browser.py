"""Real-browser journeys (Playwright + Debian chromium): a whole rating round — the city opens it,
the company self-assesses, the county scores, the city approves and publishes, an objection is
lodged and answered, the city makes it final and the dashboard's third target changes; and a
resident answering a survey on a phone (390 × 844) from the compound's QR link. Screenshots under
test-artifacts/."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.urls import reverse

from apps.ratings.models import RatingEntry, RatingRound
from conftest import log_in, screenshot

from .helpers import items, make_scheme

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _page(browser, base, user, console_errors, **ctx):
    context = browser.new_context(locale="zh-CN", **ctx)
    page = console_errors(context.new_page())
    log_in(page, base, user)
    return page


def _target(page, base) -> str:
    page.goto(f"{base}{reverse('dashboard')}")
    return page.inner_text("#target-rated_company_orgs .frac")


def test_a_round_end_to_end(browser, live_server, transactional_world, console_errors):
    world = transactional_world
    base = live_server.url
    scheme = make_scheme()
    it = items(scheme)
    county = _page(browser, base, "t_county", console_errors)
    before = _target(county, base)

    city = _page(browser, base, "t_city", console_errors)
    city.goto(f"{base}{reverse('round_create')}")
    city.select_option("#id_scheme", str(scheme.pk))
    city.fill("#id_year", "2026")
    for field, day in (
        ("period_start", "2026-01-01"),
        ("period_end", "2026-11-30"),
        ("self_assess_due", "2026-12-05"),
        ("review_due", "2026-12-12"),
    ):
        city.fill(f"#id_{field}", day)
    screenshot(city, "ratings-01-city-opens-round")
    city.click("form.card button[type=submit]")
    city.wait_for_selector("#entries")
    rnd = RatingRound.objects.get()
    entry = RatingEntry.objects.get(round=rnd, party_org=world.own["partyorg"])
    screenshot(city, "ratings-02-round-opened")

    company = _page(browser, base, "t_company", console_errors)
    company.goto(f"{base}{entry.get_absolute_url()}")
    company.fill(f"input[name=points_{it['A1'].pk}]", "0.5")
    company.fill(f"input[name=note_{it['A1'].pk}]", "党组织活动记录不全")
    company.fill(f"input[name=points_{it['C2'].pk}]", "0")
    screenshot(company, "ratings-03-company-self-assesses")
    company.click("#self-form button[type=submit]")
    company.wait_for_selector("text=自评已提交")

    county.goto(f"{base}{entry.get_absolute_url()}")
    county.fill(f"input[name=points_{it['A1'].pk}]", "0")
    county.fill(f"input[name=comment_{it['A1'].pk}]", "未见组织生活记录")
    county.fill(f"input[name=points_{it['C2'].pk}]", "0")
    county.fill(f"input[name=points_{it['C1'].pk}]", "2")
    county.fill(f"input[name=reason_{it['C1'].pk}]", "12345热线转来的投诉未录入平台，现场核实")
    screenshot(county, "ratings-04-county-reviews")
    county.click("#review-form button[type=submit]")
    county.wait_for_selector("text=审核意见已提交")
    assert "改动理由" in county.content()

    city.goto(f"{base}{entry.get_absolute_url()}")
    city.click("form[action$='/approve/'] button")
    city.wait_for_selector("text=已审定。")
    city.goto(f"{base}{rnd.get_absolute_url()}")
    city.click("text=开始公示")
    city.wait_for_selector("text=已开始公示")
    screenshot(city, "ratings-05-notice")
    rnd.refresh_from_db()

    company.goto(f"{base}{entry.get_absolute_url()}")
    company.fill("#object-form textarea", "客观分被改低缺少依据，请复核")
    company.click("#object-form button[type=submit]")
    company.wait_for_selector("text=异议已提交")

    after = datetime.datetime.combine(rnd.notice_ends_on + datetime.timedelta(days=1), datetime.time(10))
    with time_machine.travel(after, tick=True):
        # A week later: the 8-hour sessions have ended, sign in again.
        log_in(city, base, "t_city")
        log_in(county, base, "t_county")
        city.goto(f"{base}{rnd.get_absolute_url()}")
        city.click("text=确认生效")
        city.wait_for_selector("text=异议未答复")
        screenshot(city, "ratings-06-objection-blocks")
        county.goto(f"{base}{entry.get_absolute_url()}")
        county.fill(".objection-answer textarea", "经核查，两起投诉属实，维持审核得分")
        county.click(".objection-answer button[type=submit]")
        county.wait_for_selector("text=异议已答复")
        city.goto(f"{base}{rnd.get_absolute_url()}")
        city.click("text=确认生效")
        city.wait_for_selector("text=评定结果已生效")
        screenshot(city, "ratings-07-final")
    entry.refresh_from_db()
    assert entry.status == "final" and entry.stars is None  # 0 + 4 + 2 + 0 = 6 < 10: no star
    after_text = _target(county, base)
    screenshot(county, "ratings-08-dashboard-target")
    num = lambda t: int(re.match(r"\s*(\d+)", t).group(1))  # noqa: E731
    assert num(after_text) == num(before) - 1, (before, after_text)
    assert not console_errors.errors


def test_a_resident_answers_on_a_phone_from_the_qr_link(
    browser, live_server, transactional_world, console_errors
):
    from apps.registry.services import owner_update

    from .test_surveys import make_campaign

    world = transactional_world
    base = live_server.url
    owner_update(owner=world.own["owner"], actor=None, data={"user": world.users["resident"]})
    campaign, questions = make_campaign(world, start=datetime.date.today() - datetime.timedelta(days=2))

    staff = _page(browser, base, "t_county", console_errors)
    qr = staff.request.get(f"{base}{reverse('campaign_qr', args=[campaign.pk, world.compound.pk])}")
    assert qr.ok and b"<svg" in qr.body()
    staff.goto(f"{base}{campaign.get_absolute_url()}")
    link = staff.get_attribute("#results a:text('链接')", "href")

    phone = _page(
        browser,
        base,
        "t_resident",
        console_errors,
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    phone.goto(link if link.startswith("http") else f"{base}{link}")
    phone.wait_for_selector("text=每户一份")
    phone.click(".survey button[type=submit]")  # nothing answered: the required questions are named
    phone.wait_for_selector("text=此题必答")
    screenshot(phone, "ratings-survey-01-errors")
    phone.check(f"input[name=q_{questions[0].pk}][value='5']")
    phone.check(f"input[name=q_{questions[1].pk}][value='当天']")
    phone.check(f"input[name=q_{questions[2].pk}][value='停车']")
    phone.fill(f"textarea[name=q_{questions[3].pk}]", "停车位再规划一下")
    screenshot(phone, "ratings-survey-02-filled")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"page is {width}px wide on a 390px phone"
    phone.click(".survey button[type=submit]")
    phone.wait_for_selector("#done")
    screenshot(phone, "ratings-survey-03-done")
    phone.goto(link if link.startswith("http") else f"{base}{link}")
    phone.check(f"input[name=q_{questions[0].pk}][value='1']")
    phone.check(f"input[name=q_{questions[1].pk}][value='当天']")
    phone.click(".survey button[type=submit]")
    phone.wait_for_selector("text=只能提交一次")
    assert campaign.responses.count() == 1
    # The refused submissions answer 400 (as intended); nothing else may fail.
    assert not [e for e in console_errors.errors if "status of 400" not in e]
