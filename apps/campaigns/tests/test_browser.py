"""The whole journey in a real browser: an inspector records a problem on a phone (390 × 844)
with a photo → the community turns it into a project with two sub-items → the street's joint
meeting puts it on the agenda and decides → the property company reports progress with before/
after photos → the compound branch (community) and the owners' committee accept → the project
closes → the overview counts it. Screenshots of every step; no error in any console."""

from __future__ import annotations

import datetime
import io

import pytest
from PIL import Image, ImageDraw

from apps.campaigns.models import Project
from conftest import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def png(label: str, colour) -> dict:
    image = Image.new("RGB", (480, 360), colour)
    ImageDraw.Draw(image).rectangle((40, 40, 440, 320), outline=(255, 255, 255), width=10)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return {"name": f"{label}.png", "mimeType": "image/png", "buffer": buffer.getvalue()}


def test_inspection_to_closed_project(live_server, browser, transactional_world, console_errors):
    from django.utils import timezone

    world = transactional_world  # with the campaign, project and meeting of apps.campaigns.testing
    users, base = world.users, live_server.url
    campaign, meeting = world.own["campaign"], world.own["meeting"]

    # 1. The community inspector, on a phone, records the compound and a problem with a photo.
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True)
    inspector = console_errors(phone.new_page())
    log_in(inspector, base, users["community"].username)
    inspector.goto(f"{base}/campaigns/{campaign.pk}/inspect/")
    inspector.select_option("#id_compound", str(world.compound.pk))
    for item in campaign.items.all():
        inspector.check(f"input[name=item_{item.pk}][value='0']")
    inspector.fill("#id_problem", "主干道没有水泥地，雨天泥泞，车辆停进绿化带")
    inspector.fill("#id_location", "南门至3号楼主干道")
    inspector.select_option("#id_severity", "high")
    inspector.set_input_files("#id_photos", [png("problem", (150, 110, 80))])
    screenshot(inspector, "campaigns-01-phone-inspection")
    inspector.click("#inspection-form button[type=submit]")
    inspector.wait_for_selector("text=排查已记录")
    assert inspector.locator(".problem img").count() == 1
    screenshot(inspector, "campaigns-02-phone-inspection-recorded")

    # 2. The community turns the problem into a project with two sub-items.
    inspector.click(".problem a")
    inspector.fill("#id_pj-name", "水泥地铺设与停车位划分")
    inspector.click("#to-project button[type=submit]")
    inspector.wait_for_selector("text=已列入民生项目")
    project = Project.objects.get(name="水泥地铺设与停车位划分")

    def desk():
        return browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")

    def phone_context():
        return browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True)

    community = console_errors(desk().new_page())
    log_in(community, base, users["community"].username)
    today = timezone.localdate().isoformat()
    for name, budget, funding in (("主干道水泥地铺设", "85000", "fiscal"), ("停车位划线", "12000", "owners")):
        community.goto(f"{base}{project.get_absolute_url()}")
        community.fill("#id_si-name", name)
        community.select_option("#id_si-responsible_kind", "company")
        community.fill("#id_si-budget", budget)
        community.select_option("#id_si-funding_source", funding)
        community.fill("#id_si-planned_start", today)
        community.fill("#id_si-planned_finish", today)
        community.click("#subitem-form button[type=submit]")
        community.wait_for_selector("text=子项目已添加")
    assert community.locator(".subitem").count() == 2
    assert "0%" in community.inner_text("#project-progress")
    screenshot(community, "campaigns-03-project-two-subitems")

    # 3. The street's joint meeting takes it onto the agenda, meets, and decides.
    street = console_errors(desk().new_page())
    log_in(street, base, users["street"].username)
    street.goto(f"{base}{meeting.get_absolute_url()}")
    street.fill("#id_project", str(project.pk))
    street.click("#agenda-form button[type=submit]")
    street.wait_for_selector("text=议题已列入")
    street.fill("#minutes-form textarea", "三方联动议定：物业企业负责施工，业委会组织业主监督，社区跟踪。")
    street.check("#minutes-form input[type=checkbox]")
    street.click("#minutes-form button[type=submit]")
    street.wait_for_selector("text=会议纪要已记录")
    street.fill("#id_text", "罗庄安居物业在两周内完成铺设和划线")
    street.select_option("#id_owner_kind", "company")
    street.fill("#id_owner_unit", "罗庄安居物业服务有限公司")
    street.fill("#id_deadline", (timezone.localdate() + datetime.timedelta(days=10)).isoformat())
    street.fill("#id_required_evidence", "施工前后照片")
    street.click("#decision-form button[type=submit]")
    street.wait_for_selector("text=议定事项已登记")
    screenshot(street, "campaigns-04-meeting-decided")

    # 4. The property company reports progress with before/after photos, completing each item.
    company_page = console_errors(phone_context().new_page())
    log_in(company_page, base, users["company"].username)
    for item in project.subitems.order_by("pk"):
        company_page.goto(f"{base}{project.get_absolute_url()}")
        box = f"#subitem-{item.pk}"
        company_page.click(f"{box} summary:has-text('报告进度')")
        company_page.fill(f"{box} textarea[name=note]", f"{item.name}已完工")
        company_page.check(f"{box} input[name=completes]")
        company_page.set_input_files(f"{box} input[name=before_photos]", [png("before", (120, 90, 60))])
        company_page.set_input_files(f"{box} input[name=after_photos]", [png("after", (60, 160, 90))])
        company_page.click(f"{box} .progress-form button[type=submit]")
        company_page.wait_for_selector("text=进度已报告")
    assert company_page.locator(".subitem img").count() == 4
    screenshot(company_page, "campaigns-05-progress-with-photos")

    # 5. Acceptance by the branch (community) and the owners' committee closes the project.
    committee = console_errors(phone_context().new_page())
    log_in(committee, base, users["committee"].username)
    for page, note in ((community, "质量合格"), (committee, "业主满意，车位够用了")):
        for item in project.subitems.order_by("pk"):
            page.goto(f"{base}{project.get_absolute_url()}")
            page.fill(f"#subitem-{item.pk} .accept-form textarea[name=note]", note)
            page.click(f"#subitem-{item.pk} .accept-form button[type=submit]")
            page.wait_for_selector("text=验收意见已签署")
    committee.goto(f"{base}{project.get_absolute_url()}")
    assert committee.inner_text("#project-status") == "已完成"
    assert "100%" in committee.inner_text("#project-progress")
    screenshot(committee, "campaigns-06-accepted-closed")

    # 6. The overview counts it.
    county = console_errors(desk().new_page())
    log_in(county, base, users["county"].username)
    county.goto(f"{base}/campaigns/")
    county.wait_for_selector("#chart-months canvas, #chart-months svg")
    assert "已完成 1" in county.inner_text("#stat-projects")
    assert "1 / " in county.inner_text("#campaign-progress")
    screenshot(county, "campaigns-07-overview")
    assert console_errors.errors == []
