"""Work orders on the dashboard and GET /api/v1/dashboard/workorders: the same figures on the page
and in the JSON, for every persona and scope; they follow the work-order services; bad periods
are refused in Chinese; the page reads the rollups only (queries independent of the number of
orders); every table exports with the columns on screen."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.core.testing import CITY, COMMUNITY, COUNTY, STREET
from apps.dashboards import workorders as wo
from apps.dashboards.tests.conftest import LUOZHUANG_STREET, OCTOBER, play_orders, tz_at
from apps.dashboards.tests.test_views import text, workbook_rows
from apps.workorders import services

URL = reverse("dashboard")
API = reverse("api-v1:dashboard_workorders")


@pytest.fixture(autouse=True)
def _small_lists(settings):
    settings.WORKORDER_RANKING_MIN_CALLBACKS = 1
    settings.WORKORDER_RANKING_SIZE = 1  # one on the red list, one on the black list


def table_headers(html: str, key: str) -> list[str]:
    block = html[html.index(f'id="wo-table-{key}"') :]
    block = block[: block.index("</thead>")]
    return [re.sub(r"<[^>]+>| [▲▼]", "", h).strip() for h in re.findall(r"<th[^>]*>(.*?)</th>", block)]


def figure(html: str, key: str) -> str:
    block = html[html.index(f'id="wo-{key}"') + len(f'id="wo-{key}">') :]
    block = block[: block.index('<div class="sub">')]
    return re.sub(r"\s+", "", re.sub(r"<[^>]+>", "", block))


# ------------------------------------------------------------ periods
def test_periods_default_to_the_last_twelve_months():
    today = datetime.date(2026, 11, 26)
    p = wo.period_from_params(start=None, end=None, month=None, today=today)
    assert (p.month_from, p.month_to, p.rank_month) == (
        datetime.date(2025, 12, 1),
        datetime.date(2026, 11, 1),
        datetime.date(2026, 10, 1),  # the red/black lists: the last whole month
    )
    assert len(p.months) == 12
    p = wo.period_from_params(start="2026-02", end=None, month=None, today=today)
    assert (p.month_from, p.month_to) == (datetime.date(2026, 2, 1), datetime.date(2026, 11, 1))
    p = wo.period_from_params(start="2026-11", end=None, month=None, today=today)
    assert p.rank_month == datetime.date(2026, 11, 1)  # a one-month period ranks its own month
    p = wo.period_from_params(start=None, end="2026-03", month=None, today=today)
    assert p.rank_month == datetime.date(2026, 3, 1)
    p = wo.period_from_params(start=None, end="2026-03", month="2025-04", today=today)
    assert (p.month_from, p.rank_month) == (datetime.date(2025, 4, 1), datetime.date(2025, 4, 1))


@pytest.mark.parametrize(
    "params,field,message",
    [
        ({"from": "2026-13"}, "from", "请输入有效月份，格式为 YYYY-MM（如 2026-03）"),
        ({"to": "十月"}, "to", "请输入有效月份，格式为 YYYY-MM（如 2026-03）"),
        ({"month": "2026-1"}, "month", "请输入有效月份，格式为 YYYY-MM（如 2026-03）"),
        ({"from": "2026-05", "to": "2026-04"}, "from", "开始月份不能晚于结束月份"),
        ({"from": "2023-01", "to": "2026-10"}, "from", "统计区间最长 36 个月"),
        ({"to": "2099-01"}, "to", "结束月份不能晚于本月"),
        ({"from": "2026-01", "to": "2026-03", "month": "2026-04"}, "month", "排名月份须在统计区间内"),
    ],
)
def test_bad_periods_are_refused_in_chinese(api_get, client_for, world, params, field, message):
    response = api_get(API, as_="county", **params)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and body["field_errors"] == {field: [message]}
    page = client_for("county").get(URL, params)  # the page says so and shows the last 12 months
    assert page.status_code == 200
    if field == "month" and "区间内" in message:  # the form's month select: the period's last month
        assert "统计区间有误" not in text(page) and "红黑榜 · 2026年3月" in text(page)
    else:
        assert f"统计区间有误：{message}" in text(page)


# ------------------------------------------------------------ the figures
def test_the_page_and_the_json_show_the_same_figures(client_for, orders):
    client = client_for("county")
    page = client.get(URL, OCTOBER)
    html = page.content.decode()
    data = client.get(API, OCTOBER).json()

    assert data["region"]["code"] == COUNTY and data["has_orders"] is True
    assert data["period"]["from"] == "2026-01" and data["period"]["months"][-1] == "2026-10"
    totals = data["totals"]
    assert totals["counts"]["intake"] == 7 and totals["counts"]["cb_valid"] == 6
    rates = totals["rates"]
    assert rates["response_rate"] == {"value": 1.0, "numerator": 6.0, "denominator": 6}
    assert rates["resolution_rate"] == {"value": 0.8333, "numerator": 5.0, "denominator": 6}
    assert rates["satisfaction_rate"] == {"value": 0.8167, "numerator": 4.9, "denominator": 6}
    assert rates["score"]["value"] == 0.8433  # 0.1 × 1 + 0.5 × 5/6 + 0.4 × 4.9/6

    assert figure(html, "intake") == "工单量7"
    assert figure(html, "response_rate") == "响应率100.0%"
    assert figure(html, "resolution_rate") == "解决率83.3%"
    assert figure(html, "satisfaction_rate") == "满意率81.7%"
    assert figure(html, "score") == "综合得分84.3"

    months = {m["month"]: m["counts"]["intake"] for m in data["by_month"]}
    assert len(months) == 10 and months["2026-09"] == 1 and months["2026-10"] == 6
    categories = {c["category"]["code"]: c["counts"]["intake"] for c in data["by_category"]}
    assert categories["sanitation"] == 7 and sum(categories.values()) == 7

    children = {c["region"]["code"]: c for c in data["children"]}
    assert data["children_level"] == "street"
    assert children[STREET]["counts"]["intake"] == 5 and children[LUOZHUANG_STREET]["counts"]["intake"] == 2
    assert sum(c["counts"]["intake"] for c in data["children"]) == 7

    lists = {r["kind"]: r for r in data["rankings"]}
    assert list(lists) == ["street", "community", "company"]
    assert [r["name"] for r in lists["street"]["red"]] == ["罗庄街道"]  # 100 points
    assert [r["name"] for r in lists["street"]["black"]] == ["盛庄街道"]  # 76.5 points
    assert lists["street"]["black"][0]["position"] == 2 and lists["street"]["ranked"] == 2
    assert lists["street"]["red"][0]["url"] == f"/dashboard/?region={LUOZHUANG_STREET}"
    assert lists["company"]["red"][0]["key"] == str(orders.pairing.company.pk)  # the world's company

    # The same rows on the page: the red and black lists and the ranking columns.
    assert "罗庄街道" in html[html.index('id="wo-table-red-street"') :][:3000]
    assert "盛庄街道" in html[html.index('id="wo-table-black-street"') :][:3000]


def test_the_child_ranking_sorts_on_work_order_columns(client_for, orders):
    client = client_for("county")
    html = client.get(URL, {**OCTOBER, "sort": "-wo_intake"}).content.decode()
    ranking = html[html.index('id="ranking"') :]
    rows = re.findall(r'<td class=""><a href="/dashboard/\?region=(\d+)[^"]*">', ranking)
    assert rows[:2] == [STREET, LUOZHUANG_STREET]  # 5 orders, then 2
    by_score = re.findall(
        r'<td class=""><a href="/dashboard/\?region=(\d+)[^"]*">',
        client.get(URL, {**OCTOBER, "sort": "-wo_score"}).content.decode().split('id="ranking"')[1],
    )
    assert by_score[:2] == [LUOZHUANG_STREET, STREET]  # 100 before 76.5; the rest have no score
    sheet = workbook_rows(client.get(URL, {**OCTOBER, "sort": "-wo_intake", "export": "table"}))
    header = sheet[0]
    assert header[-6:] == ["工单量", "有效回访", "响应率（%）", "解决率（%）", "满意率（%）", "综合得分"]
    street = next(r for r in sheet[1:] if r[1] == STREET)
    assert street[-6:] == [5, 4, 100.0, 75.0, 72.5, 76.5]
    assert [r[1] for r in sheet[1:3]] == [STREET, LUOZHUANG_STREET]
    # A chosen period stays on the way down.
    assert f'href="/dashboard/?region={STREET}&amp;from=2026-01&amp;to=2026-10&amp;month=2026-10"' in html


@pytest.mark.parametrize("key", ["months", "categories", "red-street", "black-street", "red-company"])
def test_every_work_order_table_exports_its_columns(client_for, orders, key):
    client = client_for("county")
    html = client.get(URL, OCTOBER).content.decode()
    response = client.get(URL, {**OCTOBER, "export": key})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = workbook_rows(response)
    assert sheet[0] == table_headers(html, key)
    if key == "months":
        assert [r[0] for r in sheet[1:]] == [f"2026-{m:02d}" for m in range(1, 11)]
        assert sheet[-1][1:3] == [6, 6]
    elif key == "categories":
        sanitation = [r for r in sheet[1:] if r[1]]
        assert len(sanitation) == 1 and sanitation[0][1] == 7
    elif key == "red-street":
        assert sheet[1][:2] == [1, "罗庄街道"] and sheet[1][-1] == 100.0
    elif key == "black-street":
        assert sheet[1][:2] == [2, "盛庄街道"]


def test_a_month_without_call_backs_has_empty_lists(client_for, orders):
    html = text(client_for("county").get(URL, {**OCTOBER, "month": "2026-09"}))
    assert "红黑榜 · 2026年9月" in html and "本月暂无参与排名的街道" in html


# ------------------------------------------------------------ personas and scopes
@pytest.mark.parametrize(
    "persona,code,kinds,children",
    [
        ("city", CITY, ["street", "community", "company"], "county"),
        ("county", COUNTY, ["street", "community", "company"], "street"),
        ("street", STREET, ["community"], "community"),
        ("community", COMMUNITY, [], None),
    ],
)
def test_each_official_sees_their_own_region(client_for, api_get, orders, persona, code, kinds, children):
    data = api_get(API, as_=persona, **OCTOBER).json()
    assert data["region"]["code"] == code
    assert [r["kind"] for r in data["rankings"]] == kinds
    assert data["children_level"] == children
    expected = {CITY: 7, COUNTY: 7, STREET: 5, COMMUNITY: 5}[code]
    assert data["totals"]["counts"]["intake"] == expected
    page = client_for(persona).get(URL, OCTOBER)
    assert page.status_code == 200
    assert figure(page.content.decode(), "intake") == f"工单量{expected}"
    if not kinds:
        assert "社区一级不排红黑榜" in text(page)


@pytest.mark.parametrize(
    "persona,code,status",
    [
        ("county", CITY, 404),  # above the county
        ("other_county", COUNTY, 404),  # another county
        ("street", LUOZHUANG_STREET, 404),  # the next street
        ("company", None, 403),
        ("committee", None, 403),
        ("resident", None, 403),
        ("department", None, 403),
    ],
)
def test_outsiders_are_refused(api_get, world, persona, code, status):
    params = {"region": code} if code else {}
    assert api_get(API, as_=persona, **params).status_code == status


@pytest.mark.parametrize(
    "persona,code,status",
    [
        ("county", CITY, 404),
        ("street", LUOZHUANG_STREET, 404),
        ("company", None, 403),
        ("resident", None, 403),
    ],
)
def test_the_page_refuses_outsiders_too(client_for, world, persona, code, status):
    params = {"region": code} if code else {}
    assert client_for(persona).get(URL, params).status_code == status


def test_without_a_key_the_endpoint_asks_for_one(client, world):
    assert client.get(API).status_code == 401


def test_a_region_without_orders_says_so(client_for, api_get, spread):
    data = api_get(API, as_="county", **OCTOBER).json()
    assert data["has_orders"] is False and data["totals"]["counts"]["intake"] == 0
    assert data["totals"]["rates"]["score"] == {"value": None, "numerator": 0.0, "denominator": 0}
    assert all(not r["red"] and not r["black"] for r in data["rankings"])
    body = text(client_for("county").get(URL, OCTOBER))
    assert "暂无工单 本区域在 2026-01 至 2026-10 期间没有工单活动" in body
    assert "本月暂无参与排名的街道" in body


# ------------------------------------------------------------ following the services
def test_the_figures_follow_the_work_order_services(client_for, orders, world, users):
    client = client_for("county")

    def state():
        data = client.get(API, OCTOBER).json()
        return data["totals"], figure(client.get(URL, OCTOBER).content.decode(), "intake")

    totals, shown = state()
    assert totals["counts"]["intake"] == 7 and shown == "工单量7"
    (order,) = play_orders(world.compound, world.company, when=tz_at(2026, 10, 20), outcomes=[None])
    totals, shown = state()
    assert totals["counts"]["intake"] == 8 and shown == "工单量8"
    assert totals["rates"]["resolution_rate"]["denominator"] == 6
    services.workorder_accept(order=order, actor=None, now=tz_at(2026, 10, 20, 10))
    services.workorder_dispatch(order=order, actor=None, handler=world.company, now=tz_at(2026, 10, 20, 11))
    services.workorder_sign(order=order, actor=None, now=tz_at(2026, 10, 20, 12))
    from apps.workorders.tests.helpers import photo

    services.workorder_resolve(
        order=order, actor=None, note="已修好", photo_files=[photo()], now=tz_at(2026, 10, 21)
    )
    services.workorder_callback(
        order=order,
        actor=None,
        reached=True,
        contacted=True,
        solved=False,
        satisfaction="dissatisfied",
        now=tz_at(2026, 10, 22),
    )
    totals, _ = state()
    assert totals["rates"]["resolution_rate"] == {
        "value": round(5 / 7, 4),
        "numerator": 5.0,
        "denominator": 7,
    }


# ------------------------------------------------------------ rollups only
WORK_ORDER_TABLES = (
    "workorders_workorder",
    "workorders_assignment",
    "workorders_callback",
    "workorders_escalation",
)


def queries_of(client, url, params) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params).status_code == 200
    return [q["sql"] for q in ctx.captured_queries]


@pytest.mark.parametrize("code", [CITY, COUNTY, STREET, COMMUNITY])
def test_the_page_reads_rollups_only_whatever_the_number_of_orders(client_for, orders, world, code):
    client = client_for("city")
    params = {**OCTOBER, "region": code}
    client.get(URL, params)  # warm the session and permission caches
    client.get(API, params)
    before = (queries_of(client, URL, params), queries_of(client, API, params))
    play_orders(
        world.compound,
        world.company,
        when=tz_at(2026, 8, 3),
        outcomes=[(True, "satisfied")] * 4 + [None] * 4,
        code="other",
    )
    after = (queries_of(client, URL, params), queries_of(client, API, params))
    assert [len(q) for q in after] == [len(q) for q in before]
    for sql in (*after[0], *after[1]):
        assert not any(f'"{table}"' in sql for table in WORK_ORDER_TABLES), sql
    assert len(after[0]) <= 56 and len(after[1]) <= 20
