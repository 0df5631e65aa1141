"""The demo step runs through the services and reproduces the article's 万通社区 figure — 10
livelihood projects with 21 sub-items — by counting rows."""

import datetime
import random
from decimal import Decimal

import pytest

from apps.campaigns import demo
from apps.campaigns.models import Campaign, Decision, JointMeeting, Project, SubItem
from apps.core.demo import WANTONG, WANTONG_COMPOUND

pytestmark = pytest.mark.django_db


def _wantong(world):
    from apps.regions import demo as regions_demo
    from apps.regions.models import Region
    from apps.registry.services import compound_create

    regions_demo.seed(rng=random.Random(1), today=datetime.date(2026, 11, 26), log=lambda m: None)
    return compound_create(
        actor=None,
        data={
            "name": WANTONG_COMPOUND,
            "community": Region.objects.get(pk=WANTONG),
            "households": 600,
            "total_floor_area": Decimal("60000"),
            "year_built": 2006,
            "management_mode": "market",
            "company": world.company,
        },
    )


def test_demo_seeds_campaigns_and_the_wantong_figure(world, django_capture_on_commit_callbacks):
    from apps.campaigns.selectors import overview

    wantong = _wantong(world)
    lines = []
    with django_capture_on_commit_callbacks(execute=False):
        demo.seed(rng=random.Random(3), today=datetime.date(2026, 11, 26), log=lines.append)
    assert Campaign.objects.filter(is_generated=True).count() == 2  # 临沂 and 菏泽
    assert Project.objects.filter(compound=wantong).count() == 10
    assert SubItem.objects.filter(project__compound=wantong).count() == 21
    closed = Project.objects.filter(compound=wantong, status="closed").values_list("name", flat=True)
    assert {"停车位的划分", "水泥地铺设", "房屋漏水治理"} <= set(closed)
    assert SubItem.objects.filter(project__compound=wantong, card="red").exists()  # one is overdue
    assert JointMeeting.objects.filter(status="held").exists()
    assert Decision.objects.filter(status="closed", on_time=True).exists()
    assert Decision.objects.filter(escalated_at__isnull=False).exists()
    top = overview(world.users["county"])["communities"][0]
    assert (top["compound__name"], top["n"], top["subs"]) == (WANTONG_COMPOUND, 10, 21)
