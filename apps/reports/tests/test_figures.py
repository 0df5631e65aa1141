"""The report's figures equal the dashboard's for the same region and month: the three targets
(the coverage JSON of today, for the current month), and the work orders, the ranking of the child
regions and companies and the red/black lists (the work-order JSON of a one-month period)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.core.testing import CITY, COUNTY, STREET
from apps.regions.models import Region
from apps.reports import build
from apps.workorders import metrics as wm

COVERAGE = reverse("api-v1:dashboard_coverage")
WORKORDERS = reverse("api-v1:dashboard_workorders")
OCT = datetime.date(2026, 10, 1)


@pytest.fixture(autouse=True)
def _small_lists(settings):
    settings.WORKORDER_RANKING_MIN_CALLBACKS = 1
    settings.WORKORDER_RANKING_SIZE = 1


def table(data, title):
    for section in data["sections"]:
        for t in section["tables"]:
            if t["title"] == title:
                return t
    raise AssertionError(f"no table {title!r}: {[t['title'] for s in data['sections'] for t in s['tables']]}")


def rows_by(t, header):
    i = t["headers"].index(header)
    return {r[i]: dict(zip(t["headers"], r, strict=True)) for r in t["rows"]}


def pct(rate):
    return None if rate["value"] is None else round(rate["value"] * 100, 1)


@pytest.mark.parametrize("code", [CITY, COUNTY, STREET])
def test_targets_equal_the_dashboard(orders, client_for, code):
    today = timezone.localdate()
    region = Region.objects.get(code=code)
    data = build.build(region=region, month=today.replace(day=1), today=today)
    answer = client_for("city").get(COVERAGE, {"region": code}).json()
    t = table(data, "三个100%目标")
    assert [r[0] for r in t["rows"]] == [x["label"] for x in answer["targets"]]
    for row, target in zip(t["rows"], answer["targets"], strict=True):
        assert row[1:4] == [
            target["ratio"]["percent"],
            target["ratio"]["numerator"],
            target["ratio"]["denominator"],
        ]
        assert row[6] == ("达标" if target["ratio"]["complete"] else "未达标")
    assert [c["value"] for c in data["summary"][:3]] == [x["ratio"]["percent"] for x in answer["targets"]]


@pytest.mark.parametrize("code", [CITY, COUNTY, STREET])
def test_work_orders_equal_the_dashboard(orders, client_for, code):
    region = Region.objects.get(code=code)
    data = build.build(region=region, month=OCT, today=datetime.date(2026, 11, 20))
    answer = (
        client_for("city")
        .get(WORKORDERS, {"region": code, "from": "2026-10", "to": "2026-10", "month": "2026-10"})
        .json()
    )
    totals = answer["totals"]
    summary = rows_by(table(data, "接诉即办总体情况"), "指标")
    assert summary["工单量"]["数值"] == totals["counts"]["intake"] > 0
    assert summary["有效回访"]["数值"] == totals["counts"]["cb_valid"]
    for label, key in (
        ("响应率（%）", "response_rate"),
        ("解决率（%）", "resolution_rate"),
        ("满意率（%）", "satisfaction_rate"),
        ("综合得分", "score"),
    ):
        assert summary[label]["数值"] == pct(totals["rates"][key]), label
    # every child region, with the dashboard's figures
    level = Region.objects.filter(parent=region).first().get_level_display()
    children = rows_by(table(data, f"下级{level}排名"), "区划代码")
    assert set(children) == {c["region"]["code"] for c in answer["children"]}
    for child in answer["children"]:
        row = children[child["region"]["code"]]
        assert row["工单量"] == child["counts"]["intake"]
        assert row["综合得分"] == pct(child["rates"]["score"])
    # the red and black lists are the dashboard's
    for ranking in answer["rankings"]:
        red = table(data, f"{ranking['label']}红榜（2026-10）")
        assert [r[1] for r in red["rows"]] == [x["name"] for x in ranking["red"]]
        black = table(data, f"{ranking['label']}黑榜（2026-10）")
        assert [r[0] for r in black["rows"]] == [x["position"] for x in ranking["black"]]
    # late and escalated orders: the rollups' counters of the month
    late = rows_by(table(data, "超期与升级督办工单"), "区划")["合计"]
    assert late["升级督办"] == totals["counts"]["escalated"]
    assert late["超时办结"] == totals["counts"]["resolved_late"]


def test_child_positions_follow_the_ranking_rule(orders):
    """Streets ranked in the report have the positions `workorder_rankings` gives them."""
    region = Region.objects.get(code=COUNTY)
    data = build.build(region=region, month=OCT, today=datetime.date(2026, 11, 20))
    ranking = wm.workorder_rankings(region=COUNTY, month=OCT, kind="street")
    rows = rows_by(table(data, "下级街道（乡镇）排名"), "区划代码")
    assert ranking.positions
    for code, position in ranking.positions.items():
        assert rows[code]["名次"] == position
    companies = wm.workorder_rankings(region=COUNTY, month=OCT, kind="company")
    by_name = rows_by(table(data, "物业服务企业排名"), "物业企业")
    for row in companies.red + companies.black:
        assert by_name[row.name]["名次"] == row.position
        assert by_name[row.name]["综合得分"] == round(float(row.metrics.score) * 100, 1)


def test_change_since_last_month_is_the_difference_of_the_two_month_ends(orders):
    region = Region.objects.get(code=COUNTY)
    data = build.build(region=region, month=OCT, today=datetime.date(2026, 11, 20))
    for row in table(data, "三个100%目标")["rows"]:
        if row[1] is not None and row[4] is not None:
            assert row[5] == round(row[1] - row[4], 1)
