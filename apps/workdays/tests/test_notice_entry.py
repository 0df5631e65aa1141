"""Entering the State Council's notice: paste → preview → save; the banner; the warning once."""

import datetime

import pytest
import time_machine
from chinese_calendar import constants as cc
from django.urls import reverse

from apps.core.models import Event
from apps.workdays.calendar import calendar_cache_clear
from apps.workdays.models import WorkdayOverride, WorkdayYear
from apps.workdays.notice import parse_notice

D = datetime.date
ON_2_DEC_2026 = time_machine.travel(datetime.datetime(2026, 12, 2, 9, 0, tzinfo=datetime.UTC), tick=False)

NOTICE_2025 = """国务院办公厅关于2025年部分节假日安排的通知
国办发明电〔2024〕12号
经国务院批准，现将2025年元旦、春节、清明节、劳动节、端午节、中秋节和国庆节放假调休日期的具体安排通知如下。
一、元旦：1月1日（周三）放假1天，不调休。
二、春节：1月28日（农历除夕、周二）至2月4日（农历正月初七、周二）放假调休，共8天。1月26日（周日）、2月8日（周六）上班。
三、清明节：4月4日（周五）至6日（周日）放假，共3天。
四、劳动节：5月1日（周四）至5日（周一）放假调休，共5天。4月27日（周日）上班。
五、端午节：5月31日（周六）至6月2日（周一）放假，共3天。
六、国庆节、中秋节：10月1日（周三）至8日（周三）放假调休，共8天。9月28日（周日）、10月11日（周六）上班。
节假日期间，各地区、各部门要妥善安排好值班和安全、保卫等工作。
"""

# A 2027-shaped notice (dates invented for the test: the real one is not out on 2 December 2026).
NOTICE_2027 = """一、元旦：1月1日（周五）至3日（周日）放假，共3天。
二、春节：2月6日（农历腊月三十、周六）至13日（农历正月初七、周六）放假调休，共8天。2月14日（周日）上班。
三、清明节：4月3日（周六）至5日（周一）放假，共3天。
四、劳动节：5月1日（周六）至5日（周三）放假调休，共5天。4月25日（周日）、5月8日（周六）上班。
五、端午节：6月9日（周三）放假1天。
六、中秋节：9月15日（周三）放假1天。
七、国庆节：10月1日（周五）至7日（周四）放假调休，共7天。9月26日（周日）、10月9日（周六）上班。
"""


@pytest.fixture(autouse=True)
def _fresh_cache():
    calendar_cache_clear()
    yield
    calendar_cache_clear()


def test_parsing_the_2025_notice_gives_the_packages_dates():
    parsed = parse_notice(NOTICE_2025, 2025)
    assert parsed.errors == []
    assert parsed.holiday_dates == sorted(d for d in cc.holidays if d.year == 2025)
    assert parsed.workday_dates == sorted(d for d in cc.workdays if d.year == 2025)
    assert [h.name for h in parsed.holidays][:2] == ["元旦", "春节"]


def test_unreadable_lines_are_named():
    parsed = parse_notice(
        "一、元旦：1月1日放假。\n二、春节：15日至20日放假。\n三、清明：4月6日（周一）上班。", 2027
    )
    assert any(e.startswith("第2行（春节）：") and "缺少月份" in e for e in parsed.errors)
    assert any("4月6日是工作日" in e for e in parsed.errors)
    assert parse_notice("随便写点什么", 2027).errors == [
        "没有读到任何日期：请粘贴通知中“一、元旦：……”这样的各条安排"
    ]


@ON_2_DEC_2026
def test_city_official_pastes_previews_and_saves_the_notice(db, client_for):
    client = client_for("city")
    page = client.get(reverse("workday_notice_enter"))
    assert page.status_code == 200 and 'value="2027"' in page.content.decode()
    data = {"year": "2027", "notice": "国务院办公厅关于2027年部分节假日安排的通知", "text": NOTICE_2027}
    preview = client.post(reverse("workday_notice_enter"), {**data, "action": "preview"})
    body = preview.content.decode()
    assert preview.status_code == 200 and "共放假 28 天，调休上班 5 天" in body
    assert "确认无误，保存" in body
    assert not WorkdayOverride.objects.exists()  # a preview saves nothing
    saved = client.post(reverse("workday_notice_enter"), {**data, "action": "save"})
    assert saved.status_code == 302
    assert WorkdayYear.objects.get(year=2027).notice.startswith("国务院办公厅")
    assert WorkdayOverride.objects.filter(date__year=2027, is_workday=False).count() == 28
    assert set(WorkdayOverride.objects.filter(is_workday=True).values_list("date", flat=True)) == {
        D(2027, 2, 14),
        D(2027, 4, 25),
        D(2027, 5, 8),
        D(2027, 9, 26),
        D(2027, 10, 9),
    }
    assert Event.objects.filter(verb="workdayyear.create").count() == 1
    calendar = client.get(reverse("workday_calendar") + "?year=2027").content.decode()
    assert "已录入" in calendar and "2027年2月14日" in calendar


@ON_2_DEC_2026
def test_bad_notice_input_is_refused_by_field_and_saves_nothing(db, client_for):
    client = client_for("city")
    response = client.post(
        reverse("workday_notice_enter"),
        {"year": "20x7", "notice": "", "text": NOTICE_2027, "published_on": "2027-13-01", "action": "save"},
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "年度：年度应为四位数字" in body and "放假通知名称：请填写放假通知名称" in body
    assert "发布日期：发布日期格式应为 年-月-日" in body
    response = client.post(
        reverse("workday_notice_enter"),
        {
            "year": "2027",
            "notice": "通知",
            "text": NOTICE_2027,
            "published_on": "2027-01-05",
            "action": "save",
        },
    )
    assert response.status_code == 400 and "发布日期不能晚于今天" in response.content.decode()
    assert not WorkdayYear.objects.exists() and not WorkdayOverride.objects.exists()


@ON_2_DEC_2026
def test_only_the_calendar_keepers_enter_notices(db, client_for):
    for role in ("county", "resident", "outsider", "company"):
        assert client_for(role).get(reverse("workday_notice_enter")).status_code == 403, role
        response = client_for(role).post(
            reverse("workday_notice_enter"),
            {"year": "2027", "notice": "x", "text": NOTICE_2027, "action": "save"},
        )
        assert response.status_code == 403, role
    assert not WorkdayYear.objects.exists()
    assert client_for("outsider").get(reverse("workday_calendar")).status_code == 403


@ON_2_DEC_2026
def test_officials_see_the_banner_linking_to_the_calendar_until_the_notice_is_in(db, client_for, users):
    from apps.workdays import services

    home = client_for("county").get(reverse("home")).content.decode()
    assert "2027年的法定节假日安排尚未录入" in home and reverse("workday_calendar") in home
    assert (
        "2027年的法定节假日安排尚未录入" not in client_for("resident").get(reverse("home")).content.decode()
    )
    assert "尚未录入" not in client_for("company").get(reverse("home")).content.decode()
    parsed = parse_notice(NOTICE_2027, 2027)
    services.workday_notice_enter(
        actor=users["city"],
        year=2027,
        notice="通知",
        holidays=parsed.holiday_dates,
        workdays=parsed.workday_dates,
    )
    assert "法定节假日安排尚未录入" not in client_for("county").get(reverse("home")).content.decode()


def test_preparatory_demo_commands_leave_the_system_checks_to_the_server():
    """`make run` runs migrate, seed_demo, demo_logins, then the server: the calendar warning
    is printed by the server's checks only, once."""
    from apps.accounts.management.commands.demo_logins import Command as DemoLogins
    from apps.core.management.commands.seed_demo import Command as SeedDemo

    assert SeedDemo.requires_system_checks == []
    assert DemoLogins.requires_system_checks == []
