"""Real browser: a county officer runs the pairing planner, accepts two proposals, the company
signs both, and the coverage (overview and dashboard) goes up."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest

from apps.core import testing as t
from conftest import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _setup(world):
    from apps.regions.models import Region
    from apps.registry.services import company_create, compound_create, compound_update

    community = Region.objects.get(code=t.COMMUNITY)
    # the adopter's location: the compound it already serves
    compound_update(
        compound=world.compound,
        actor=None,
        data={"latitude": Decimal("35.000"), "longitude": Decimal("118.280")},
    )
    company_create(
        actor=None,
        data={
            "name": "罗庄公益物业有限公司",
            "credit_code": t.make_credit_code(random.Random(5)),
            "kind": "public_welfare",
            "region": Region.objects.get(code=t.COUNTY),
        },
    )
    made = []
    for i, (name, households) in enumerate([("沂蒙学院家属院", 36), ("化肥厂宿舍", 64)]):
        made.append(
            compound_create(
                actor=None,
                data={
                    "name": name,
                    "community": community,
                    "households": households,
                    "total_floor_area": Decimal("2400"),
                    "year_built": 1990,
                    "is_old": True,
                    "management_mode": "none",
                    "latitude": Decimal("35.002") + Decimal(i) / 1000,
                    "longitude": Decimal("118.281"),
                },
            )
        )
    return made


def _coverage_text(page) -> str:
    return page.locator("#fig-coverage .sub").inner_text()


def test_planner_to_signed_pairings_raises_coverage(
    live_server, browser, transactional_world, console_errors
):
    from apps.core.scoping import region_scope
    from apps.dashboards import figures as fig

    world = transactional_world
    _setup(world)
    before = fig.pairings(region_scope(t.COUNTY)).compounds
    officer = console_errors(
        browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN").new_page()
    )
    log_in(officer, live_server.url, world.users["county"].username)
    officer.goto(f"{live_server.url}/programs/")
    assert _coverage_text(officer).startswith("1 / 3")
    screenshot(officer, "programs-1-overview-before")

    officer.click("text=结对规划")
    officer.wait_for_selector("#proposals")
    # the county stores the adopter's capacity: a bad value is refused on the page, a good one kept
    officer.click("#capacities-link")
    field = officer.locator(f"input[name=cap_{world.company.pk}]")
    field.fill("0")
    officer.click("#save-capacities")
    assert "帮扶容量必须是正整数" in officer.content()
    # the refused form answers 400 (the house rule), which the browser logs: expected here
    console_errors.errors[:] = [e for e in console_errors.errors if "400 (Bad Request)" not in e]
    officer.locator(f"input[name=cap_{world.company.pk}]").fill("4")
    officer.click("#save-capacities")
    officer.wait_for_selector("#proposals")
    assert "已保存结对容量" in officer.content()
    assert (
        officer.locator("#adopters tbody tr", has_text=world.company.name).locator("td.num").last.inner_text()
        == "4"
    )
    rows = officer.locator("#proposals input[name=accept]")
    assert rows.count() == 2
    screenshot(officer, "programs-2-planner")
    rows.nth(0).check()
    rows.nth(1).check()
    officer.click("#accept-btn")
    officer.wait_for_url(f"{live_server.url}/programs/pairings/")
    screenshot(officer, "programs-3-drafts")
    assert "已生成 2 份" in officer.content()

    company = console_errors(
        browser.new_context(viewport={"width": 390, "height": 800}, locale="zh-CN").new_page()
    )
    log_in(company, live_server.url, world.users["company"].username)
    company.goto(f"{live_server.url}/programs/pairings/")
    links = company.locator("table.list tbody a")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert len(hrefs) == 2
    for href in hrefs:
        company.goto(f"{live_server.url}{href}")
        company.click("button:has-text('签订协议')")
        company.wait_for_selector("text=已办理")
    screenshot(company, "programs-4-signed-phone")

    officer.goto(f"{live_server.url}/programs/")
    assert _coverage_text(officer).startswith("3 / 3")
    assert officer.locator("#fig-pairing .value").inner_text() == "2"
    screenshot(officer, "programs-5-overview-after")
    assert fig.pairings(region_scope(t.COUNTY)).compounds == before + 2  # the dashboard counts them too
    officer.goto(f"{live_server.url}/dashboard/")
    panel = officer.locator("#panel-programs")
    assert panel.locator("#panel-programs-coverage .sub").inner_text().startswith("3 / 3")
    panel.scroll_into_view_if_needed()
    screenshot(officer, "programs-6-dashboard")
    assert not console_errors.errors, console_errors.errors


def test_street_officer_records_a_failed_inspection_on_a_phone(
    live_server, browser, transactional_world, console_errors, tmp_path
):
    import datetime

    from PIL import Image

    from apps.programs import services
    from apps.programs.models import Inspection
    from apps.regions.models import Region
    from apps.registry.services import company_create, compound_create

    world = transactional_world
    welfare = company_create(
        actor=None,
        data={
            "name": "罗庄公益物业有限公司",
            "credit_code": t.make_credit_code(random.Random(6)),
            "kind": "public_welfare",
            "region": Region.objects.get(code=t.COUNTY),
        },
    )
    compound = compound_create(
        actor=None,
        data={
            "name": "粮食局宿舍",
            "community": Region.objects.get(code=t.COMMUNITY),
            "households": 48,
            "total_floor_area": Decimal("3100"),
            "year_built": 1988,
            "is_old": True,
            "management_mode": "none",
        },
    )
    agreement = services.fallback_assign(
        compound=compound, company=welfare, start_date=datetime.date(2024, 1, 1), actor=world.users["county"]
    )
    photo = tmp_path / "site.jpg"
    Image.new("RGB", (64, 48), (120, 160, 90)).save(photo)
    page = console_errors(
        browser.new_context(viewport={"width": 390, "height": 800}, locale="zh-CN").new_page()
    )
    log_in(page, live_server.url, world.users["street"].username)
    page.goto(f"{live_server.url}/programs/fallback/{agreement.pk}/")
    page.click("text=巡查登记")
    page.fill("#id_period", "2026-11-01")
    page.uncheck("#id_cleaning_ok")
    page.fill("#id_notes", "楼道垃圾未清运")
    page.set_input_files("#id_photo", str(photo))
    screenshot(page, "programs-7-inspection-phone")
    page.click("main form.card button[type=submit]")
    page.wait_for_selector("text=不合格")
    screenshot(page, "programs-8-inspection-saved")
    inspection = Inspection.objects.get(agreement=agreement)
    assert (inspection.passed, inspection.failed_items) == (False, ["保洁"])
    assert inspection.photo.name.startswith("programs/inspections/")
    assert not console_errors.errors, console_errors.errors
