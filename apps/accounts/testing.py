"""The persona world of STYLE.md, built through services (tests only).

`build_world()` creates, inside 罗庄区 (371311) and 兰山区 (371302) of Linyi and in Heze, two
companies, two compounds, a committee and one user per persona; then every installed app adds
one object of each of its models on each side (its contribution.world, e.g.
apps/registry/testing.py), so that the scope tests reach every model. The real NBS regions are
loaded once per test session (see conftest.py).
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field
from decimal import Decimal

from apps.core.contributions import world_builders
from apps.core.roles import Role
from apps.core.testing import (
    CITY,
    COMMUNITY,
    COUNTY,
    HEZE,
    OTHER_COMMUNITY,
    OTHER_COUNTY,
    PASSWORD,
    STREET,
    make_credit_code,
)


@dataclass
class Side:
    """What one side of the world (罗庄区 "own", 兰山区 "other") is built around."""

    tag: str
    county: object
    community: object
    company: object
    compound: object
    committee: object = None
    department: object = None


@dataclass
class World:
    company: object
    other_company: object
    compound: object
    other_compound: object
    committee: object
    department: object
    users: dict
    # One object of every model on each side (罗庄区 = "own", 兰山区 = "other"), added by the apps.
    own: dict = field(default_factory=dict)
    other: dict = field(default_factory=dict)
    sides: dict = field(default_factory=dict)  # "own" / "other" → Side
    rng: random.Random = field(default_factory=lambda: random.Random(7))

    def side_objects(self, side: str) -> dict:
        return self.own if side == "own" else self.other


def build_world() -> World:
    from apps.accounts.services import user_create
    from apps.committees.services import committee_create
    from apps.regions.models import Region
    from apps.registry.services import company_create, compound_create, department_create

    rng = random.Random(7)
    r = {
        c: Region.objects.get(code=c)
        for c in (CITY, COUNTY, STREET, COMMUNITY, OTHER_COUNTY, OTHER_COMMUNITY, HEZE)
    }
    company = company_create(
        actor=None,
        data={
            "name": "罗庄安居物业服务有限公司",
            "credit_code": make_credit_code(rng),
            "kind": "market",
            "region": r[COUNTY],
        },
    )
    other_company = company_create(
        actor=None,
        data={
            "name": "兰山宜家物业服务有限公司",
            "credit_code": make_credit_code(rng),
            "kind": "market",
            "region": r[OTHER_COUNTY],
        },
    )
    compound = compound_create(
        actor=None,
        data={
            "name": "盛庄花园",
            "community": r[COMMUNITY],
            "households": 320,
            "total_floor_area": Decimal("36000"),
            "year_built": 1998,
            "is_old": True,
            "management_mode": "market",
            "company": company,
            "resident_party_members": 12,
        },
    )
    other_compound = compound_create(
        actor=None,
        data={
            "name": "十里堡小区",
            "community": r[OTHER_COMMUNITY],
            "households": 210,
            "total_floor_area": Decimal("21000"),
            "year_built": 2005,
            "management_mode": "market",
            "company": other_company,
            "resident_party_members": 2,
        },
    )
    members = [
        {
            "name": n,
            "position": p,
            "is_party_member": party,
            "cross_appointed": cross,
            "branch_position": "支部委员" if cross else "",
        }
        for n, p, party, cross in [
            ("王建国", "director", True, True),
            ("李秀英", "deputy", True, True),
            ("张伟", "member", True, True),
            ("刘洋", "member", False, False),
            ("陈静", "member", False, False),
        ]
    ]
    today = datetime.date.today()
    committee = committee_create(
        actor=None,
        data={
            "compound": compound,
            "kind": "owners_committee",
            "term_start": today - datetime.timedelta(days=400),
            "term_end": today + datetime.timedelta(days=700),
        },
        members=members,
    )
    department = department_create(
        actor=None, data={"name": "罗庄区住房和城乡建设局", "kind": "housing", "region": r[COUNTY]}
    )
    specs = {
        "city": dict(role=Role.CITY, region=r[CITY]),
        "county": dict(role=Role.COUNTY, region=r[COUNTY]),
        "street": dict(role=Role.STREET, region=r[STREET]),
        "community": dict(role=Role.COMMUNITY, region=r[COMMUNITY]),
        "company": dict(role=Role.COMPANY, company=company),
        "committee": dict(role=Role.COMMITTEE, committee=committee),
        "department": dict(role=Role.DEPARTMENT, department=department),
        "resident": dict(role=Role.RESIDENT, compound=compound),
        "other_county": dict(role=Role.COUNTY, region=r[OTHER_COUNTY]),
        "heze_city": dict(role=Role.CITY, region=r[HEZE]),
        "outsider": dict(role=""),
    }
    users = {
        key: user_create(actor=None, username=f"t_{key}", password=PASSWORD, full_name=f"测试{key}", **spec)
        for key, spec in specs.items()
    }
    other_department = department_create(
        actor=None, data={"name": "兰山区住房和城乡建设局", "kind": "housing", "region": r[OTHER_COUNTY]}
    )
    other_committee = committee_create(
        actor=None,
        data={
            "compound": other_compound,
            "kind": "owners_committee",
            "term_start": today - datetime.timedelta(days=30),
            "term_end": today + datetime.timedelta(days=1500),
        },
        members=[{"name": f"赵{i}", "position": "member"} for i in "一二三四五"],
    )
    world = World(company, other_company, compound, other_compound, committee, department, users, rng=rng)
    world.sides = {
        "own": Side("罗庄", r[COUNTY], r[COMMUNITY], company, compound, committee, department),
        "other": Side(
            "兰山",
            r[OTHER_COUNTY],
            r[OTHER_COMMUNITY],
            other_company,
            other_compound,
            other_committee,
            other_department,
        ),
    }
    for side in world.sides.values():  # the objects the personas' scopes are made of
        objs = world.own if side.tag == "罗庄" else world.other
        objs.update(
            compound=side.compound,
            company=side.company,
            committee=side.committee,
            department=side.department,
            community=side.community,
        )
    for add_objects in world_builders():
        add_objects(world)
    return world
