"""The dashboard page and its lists: who may open which region, drill-down, figures that follow
the rows, sortable tables, Excel exports with the columns on screen, and query-count guards."""

from __future__ import annotations

import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from apps.core.testing import CITY, COMMUNITY, COUNTY, OTHER_COUNTY, STREET
from apps.dashboards.lists import LISTS
from apps.dashboards.tests.conftest import LUOZHUANG_STREET, compound
from apps.registry.services import compound_update

URL = reverse("dashboard")


def page(client, **params):
    return client.get(URL, params)


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def workbook_rows(response) -> list[list]:
    body = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(body), read_only=True).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def screen_headers(response) -> list[str] | None:
    html = response.content.decode()
    if '<table class="list' not in html:
        return None  # an empty list shows no table
    table = html[html.index('<table class="list') :]
    table = table[: table.index("</thead>")]
    return [re.sub(r"<[^>]+>| [▲▼]", "", h).strip() for h in re.findall(r"<th[^>]*>(.*?)</th>", table)]


@pytest.mark.parametrize(
    "persona,code,name",
    [
        ("city", CITY, "临沂市"),
        ("county", COUNTY, "罗庄区"),
        ("street", STREET, "盛庄街道"),
        ("community", COMMUNITY, "后盛庄社区居民委员会"),
    ],
)
def test_officials_open_their_own_region_by_default(client_for, spread, persona, code, name):
    response = page(client_for(persona))
    assert response.status_code == 200
    body = text(response)
    assert f"治理驾驶舱 · {name}" in body
    for label in (
        "物业服务企业和业主委员会党的组织和工作覆盖率",
        "老旧小区物业服务覆盖率",
        "三星级及以上物业服务企业党组织评定率",
    ):
        assert label in body
    assert f"/api/v1/dashboard/coverage?region={code}" in response.content.decode()


def test_drill_down_one_level_at_a_time(client_for, spread, world):
    client = client_for("county")
    county = page(client).content.decode()
    assert (
        f'href="/dashboard/?region={STREET}"' in county
        and f'href="/dashboard/?region={LUOZHUANG_STREET}"' in county
    )
    street = page(client, region=STREET).content.decode()
    assert f'href="/dashboard/?region={COMMUNITY}"' in street
    assert f'<a href="/dashboard/?region={COUNTY}">罗庄区</a>' in street  # the breadcrumb leads back
    community = page(client, region=COMMUNITY)
    assert "小区情况" in text(community)
    assert (
        f'href="{world.compound.get_absolute_url()}"' in community.content.decode()
    )  # one level down: compounds


@pytest.mark.parametrize(
    "persona,code,status",
    [
        ("other_county", COUNTY, 404),  # another county
        ("county", OTHER_COUNTY, 404),
        ("county", CITY, 404),  # the city above
        ("heze_city", COUNTY, 404),
        ("street", "371311001", 404),  # a neighbouring street
        ("county", "999999", 404),
        ("county", "37131x", 404),  # (the API answers 400: not a region code)
        ("outsider", COUNTY, 403),
        ("outsider", None, 403),
        ("company", None, 403),
        ("resident", COUNTY, 403),
        ("department", COUNTY, 403),
    ],
)
def test_a_region_outside_the_scope_is_not_found(client_for, world, persona, code, status):
    client = client_for(persona)
    params = {"region": code} if code else {}
    assert client.get(URL, params).status_code == status
    assert client.get(reverse("dashboard_list", args=["old-compounds"]), params).status_code == status
    api_status = 400 if code == "37131x" else status
    assert client.get(reverse("api-v1:dashboard_coverage"), params).status_code == api_status


def test_anonymous_visitors_are_sent_to_log_in(client, world):
    response = client.get(URL)
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert client.get(reverse("dashboard_list", args=["companies"])).status_code == 302
    assert client.get(reverse("dashboard_list", args=["nothing"])).status_code == 404


def test_the_page_follows_the_rows(client_for, spread):
    """A change made through a service shows on the page, in the gap list and in the JSON."""
    client = client_for("county")
    api = reverse("api-v1:dashboard_coverage")

    def state():
        body = text(page(client))
        data = client.get(api).json()
        gap = client.get(reverse("dashboard_list", args=["old-compounds"]), {"region": COUNTY})
        return body, data, text(gap)

    body, data, gaps = state()
    assert "无物业服务的老旧小区 1" in body
    assert data["targets"][1]["ratio"] == {
        "numerator": 2,
        "denominator": 3,
        "percent": 66.7,
        "complete": False,
    }
    assert "罗庄老宿舍" in gaps and "共 1 条" in gaps

    second = compound("罗庄二宿舍", "371311001009")  # another old compound without service
    body, data, gaps = state()
    assert data["targets"][1]["ratio"]["denominator"] == 4 and "无物业服务的老旧小区 2" in body
    assert "共 2 条" in gaps

    for c in (spread.unserved, second):
        compound_update(compound=c, actor=None, data={"management_mode": "self_managed"})
    body, data, gaps = state()
    assert data["targets"][1]["ratio"] == {
        "numerator": 4,
        "denominator": 4,
        "percent": 100.0,
        "complete": True,
    }
    assert "无物业服务的老旧小区 0" in body and "老旧小区已全部有物业服务" in gaps
    target = body[body.index("老旧小区物业服务覆盖率") :][:60]
    assert "达标" in target
    street = {c["region"]["code"]: c for c in data["children"]}[LUOZHUANG_STREET]
    assert street["figures"]["old_compound_coverage"]["complete"] is True


def test_the_ranking_sorts_and_exports_its_columns(client_for, spread):
    client = client_for("county")
    response = page(client, sort="-old_compound_coverage")
    rows = re.findall(r'<td class=""><a href="/dashboard/\?region=(\d+)">', response.content.decode())
    # 盛庄街道 100% (2/2 old compounds served), 罗庄街道 0% (0/1), then the streets without old
    # compounds (no percentage), in code order.
    others = sorted(set(rows) - {STREET, LUOZHUANG_STREET})
    assert rows == [STREET, LUOZHUANG_STREET, *others]
    ascending = re.findall(
        r'<td class=""><a href="/dashboard/\?region=(\d+)">',
        page(client, sort="old_compound_coverage").content.decode(),
    )
    assert ascending == [LUOZHUANG_STREET, STREET, *others]
    export = page(client, sort="-old_compound_coverage", export="table")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = workbook_rows(export)
    assert sheet[0] == screen_headers(response)
    assert [r[1] for r in sheet[1:]] == rows  # same rows, same order
    street = next(r for r in sheet[1:] if r[1] == STREET)
    assert street[sheet[0].index("老旧小区物业服务覆盖率（%）")] == 100
    assert street[sheet[0].index("有物业服务/老旧小区")] == "2/2"


def test_the_compounds_of_a_community_export_too(client_for, spread, world):
    client = client_for("community")
    response = page(client)
    sheet = workbook_rows(page(client, export="table"))
    assert sheet[0] == screen_headers(response)
    names = [r[0] for r in sheet[1:]]
    assert set(names) == {world.compound.name, spread.pairing.name}
    home = next(r for r in sheet[1:] if r[0] == world.compound.name)
    assert home[sheet[0].index("红色业委会")] == "是"


@pytest.mark.parametrize("kind", sorted(LISTS))
def test_every_list_exports_the_columns_on_screen(client_for, spread, kind):
    client = client_for("city")
    url = reverse("dashboard_list", args=[kind])
    response = client.get(url, {"region": CITY})
    assert response.status_code == 200
    sheet = workbook_rows(client.get(url, {"region": CITY, "export": "xlsx"}))
    count = int(re.search(r"共 (\d+) 条", text(response)).group(1))
    assert len(sheet) - 1 == count
    if count:
        assert sheet[0] == screen_headers(response)


def test_the_lists_name_the_gaps(client_for, spread):
    client = client_for("county")

    def listed(kind):
        return text(client.get(reverse("dashboard_list", args=[kind]), {"region": COUNTY}))

    assert "罗庄老宿舍" in listed("old-compounds") and "罗庄老宿舍" in listed("branches")
    assert "罗庄老宿舍" in listed("committees")
    assert "兰山公益物业服务有限公司" in listed("welfare")
    assert "后盛庄单楼" in listed("pairings")
    assert "罗庄书记乙" in listed("secretaries")


@pytest.mark.parametrize("code", [CITY, COUNTY, STREET, COMMUNITY])
def test_the_page_takes_a_fixed_number_of_queries(client_for, spread, code, django_assert_max_num_queries):
    client = client_for("city")
    page(client, region=code)  # warm the session and permission caches
    # Coverage ≤ 28 (the region summed from its children), plus the work-order rollups (totals, months, categories, children, lists),
    # plus the apps' panels (Contribution.dashboard_panels): programmes 7 (selectors.overview), spaces 3 (norms_for).
    with django_assert_max_num_queries(36 + 10):
        assert page(client, region=code).status_code == 200


@pytest.mark.parametrize("kind", sorted(LISTS))
def test_the_lists_take_a_fixed_number_of_queries(client_for, spread, kind, django_assert_max_num_queries):
    client = client_for("city")
    url = reverse("dashboard_list", args=[kind])
    client.get(url, {"region": CITY})
    with django_assert_max_num_queries(10):
        assert client.get(url, {"region": CITY}).status_code == 200


def test_a_region_without_old_compounds_says_so_and_heze_has_no_secretaries(client_for, world):
    """No empty 老旧小区物业服务方式 box, and no bare 0 for 红领书记 where none was ever
    dispatched (issue 13 item 4)."""
    client = client_for("city")
    body = text(page(client, region="371302001001"))  # a community of 兰山区 without old compounds
    assert "本区域没有老旧小区" in body and 'id="chart-modes"' not in body
    heze = text(page(client_for("heze_city"), region="371700"))
    assert "在岗红领书记 未选派" in heze and "本区域没有红领书记选派记录" in heze
    home = text(client_for("heze_city").get(reverse("home")))
    assert "在岗红领书记 未选派" in home and "本辖区没有红领书记选派记录" in home
    linyi = text(page(client, region=CITY))
    assert "未选派" not in linyi  # the world has secretaries in Linyi
