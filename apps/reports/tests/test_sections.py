"""Sections contributed by other apps (Contribution.report_sections): each is collected, has the
shape the renderers read, and shows the region's own rows only."""

from __future__ import annotations

import datetime

import pytest

from apps.core.contributions import report_section_functions
from apps.core.testing import COUNTY, OTHER_COUNTY
from apps.regions.models import Region
from apps.reports import build

NOV = datetime.date(2026, 11, 1)


def test_the_four_apps_contribute_a_section():
    modules = {f.__module__ for f in report_section_functions()}
    assert modules == {
        "apps.programs.report",
        "apps.ratings.report",
        "apps.campaigns.report",
        "apps.spaces.report",
    }


@pytest.mark.parametrize("code", [COUNTY, "371311003", "371300"])
def test_every_contributed_section_has_the_report_shape(world, code):
    region = Region.objects.get(code=code)
    for function in report_section_functions():
        section = function(region, NOV)
        if section is None:
            continue
        normal = build.normalise(section)
        assert normal["title"] and normal["tables"], function.__module__
        for table in normal["tables"]:
            assert all(len(row) == len(table["headers"]) for row in table["rows"])


def test_sections_count_their_region_only(world):
    own = build.build(region=Region.objects.get(code=COUNTY), month=NOV, today=datetime.date(2026, 11, 30))
    other = build.build(
        region=Region.objects.get(code=OTHER_COUNTY), month=NOV, today=datetime.date(2026, 11, 30)
    )
    own_rooms = [
        r for s in own["sections"] for t in s["tables"] if t["title"] == "活动室使用情况" for r in t["rows"]
    ]
    other_rooms = [
        r for s in other["sections"] for t in s["tables"] if t["title"] == "活动室使用情况" for r in t["rows"]
    ]
    assert own_rooms and other_rooms
    assert all("罗庄" in r[0] for r in own_rooms) and all("兰山" in r[0] for r in other_rooms)
    titles = [s["title"] for s in own["sections"]]
    assert any("公共用房" in t for t in titles) and titles[0].startswith("一、")


def test_a_section_whose_rows_do_not_match_its_headers_is_refused():
    with pytest.raises(ValueError):
        build.normalise({"title": "x", "tables": [{"title": "t", "headers": ["a", "b"], "rows": [[1]]}]})
