"""A richer world for the dashboard: rows in two streets of 罗庄区 and across the county line."""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

import pytest

from apps.core.testing import COMMUNITY, OTHER_COUNTY, make_credit_code

LUOZHUANG_STREET = "371311001"  # 罗庄街道
LUOZHUANG_COMMUNITY = "371311001008"  # 罗庄社区
SHANGTUN = "371311003001"  # 尚屯社区, 盛庄街道 (the persona world's street)


@dataclass
class Spread:
    unserved: object  # old compound without service, eligible for a branch, in 罗庄街道
    fallback: object  # old compound in 盛庄街道 backed by a 兰山区 public-welfare company
    pairing: object  # compound in the world's community, taken by the hand
    welfare: object  # the public-welfare company, registered in 兰山区
    welfare_org: object  # its party organisation, unrated
    uncovered_committee: object  # in the unserved compound: no branch, no instructor


def compound(name, community, **extra):
    from apps.regions.models import Region
    from apps.registry.services import compound_create

    data = {
        "name": name,
        "community": Region.objects.get(code=community),
        "households": 80,
        "total_floor_area": Decimal("5000"),
        "year_built": 1990,
        "is_old": True,
        "management_mode": "none",
        **extra,
    }
    return compound_create(actor=None, data=data)


@pytest.fixture
def spread(world):
    return build_spread(world)


def build_spread(world) -> Spread:
    from apps.committees.services import committee_create
    from apps.party.services import party_org_create, secretary_create
    from apps.regions.models import Region
    from apps.registry.services import company_create

    today = datetime.date.today()
    welfare = company_create(
        actor=None,
        data={
            "name": "兰山公益物业服务有限公司",
            "credit_code": make_credit_code(random.Random(11), OTHER_COUNTY),
            "kind": "public_welfare",
            "region": Region.objects.get(code=OTHER_COUNTY),
        },
    )
    # Located: 罗庄街道 north-east of 盛庄街道 (for the tile map).
    unserved = compound(
        "罗庄老宿舍",
        LUOZHUANG_COMMUNITY,
        resident_party_members=5,
        latitude=Decimal("35.0"),
        longitude=Decimal("118.3"),
    )
    fallback = compound(
        "尚屯老楼",
        SHANGTUN,
        management_mode="fallback",
        company=welfare,
        households=120,
        latitude=Decimal("34.9"),
        longitude=Decimal("118.2"),
    )
    pairing = compound(
        "后盛庄单楼",
        COMMUNITY,
        is_old=False,
        year_built=2003,
        management_mode="pairing",
        company=world.company,
    )
    welfare_org = party_org_create(
        actor=None,
        data={
            "name": "兰山公益物业服务有限公司党支部",
            "kind": "company_org",
            "company": welfare,
            "region": Region.objects.get(code=OTHER_COUNTY),
        },
    )
    committee = committee_create(
        actor=None,
        data={
            "compound": unserved,
            "kind": "owners_committee",
            "term_start": today - datetime.timedelta(days=60),
            "term_end": today + datetime.timedelta(days=1000),
        },
        members=[{"name": f"周{i}", "position": "member"} for i in "一二三四五"],
    )
    secretary_create(
        actor=None,
        data={
            "name": "罗庄书记乙",
            "sending_unit": "区委组织部",
            "community": Region.objects.get(code=LUOZHUANG_COMMUNITY),
            "start_date": today - datetime.timedelta(days=200),
        },
    )
    return Spread(unserved, fallback, pairing, welfare, welfare_org, committee)
