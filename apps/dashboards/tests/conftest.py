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


# ------------------------------------------------------------ work orders, through the services
# The uploads of the work-order services go to each test's own folder (as in the app's tests).
from apps.workorders.tests.conftest import _isolated_side_effects  # noqa: E402, F401

OCTOBER = {"from": "2026-01", "to": "2026-10", "month": "2026-10"}


def play_orders(compound, handler, *, when: datetime.datetime, outcomes, code="sanitation"):
    """One order per outcome in `compound`, submitted at `when` on the hotline: None = only
    submitted; (solved, satisfaction) = accepted, dispatched to `handler`, signed, resolved and
    called back (the reporter reached and contacted) three days later."""
    from apps.workorders import services
    from apps.workorders.tests.helpers import category, photo

    hour = datetime.timedelta(hours=1)
    orders = []
    for i, outcome in enumerate(outcomes):
        order = services.workorder_submit(
            actor=None,
            compound=compound,
            category=category(code),
            description=f"测试诉求{i}：楼道灯不亮",
            reporter_phone="13800000000",
            channel="hotline",
            now=when,
        )
        orders.append(order)
        if outcome is None:
            continue
        solved, satisfaction = outcome
        services.workorder_accept(order=order, actor=None, now=when + hour)
        services.workorder_dispatch(order=order, actor=None, handler=handler, now=when + 2 * hour)
        services.workorder_sign(order=order, actor=None, now=when + 3 * hour)
        services.workorder_resolve(
            order=order, actor=None, note="已处理", photo_files=[photo()], now=when + 24 * hour
        )
        services.workorder_callback(
            order=order,
            actor=None,
            reached=True,
            contacted=True,
            solved=solved,
            satisfaction=satisfaction,
            now=when + 72 * hour,
        )
    return orders


def tz_at(y, m, d, hh=9):
    from apps.workorders.tests.helpers import at

    return at(y, m, d, hh)


def build_orders(world, spread):
    """October 2026: four orders called back in the world's compound (盛庄街道), two in
    罗庄老宿舍 (罗庄街道); September: one order only submitted; a sewage order in October."""
    play_orders(
        world.compound,
        world.company,
        when=tz_at(2026, 10, 12),
        outcomes=[(True, "satisfied"), (True, "satisfied"), (True, "basic"), (False, "dissatisfied")],
    )
    play_orders(
        spread.unserved,
        world.company,
        when=tz_at(2026, 10, 13),
        outcomes=[(True, "satisfied"), (True, "satisfied")],
    )
    play_orders(world.compound, world.company, when=tz_at(2026, 9, 8), outcomes=[None])


@pytest.fixture
def orders(world, spread, settings):
    settings.WORKORDER_RANKING_MIN_CALLBACKS = 1
    build_orders(world, spread)
    return spread
