"""Test helpers shared by every app: the persona world of STYLE.md, built through services.

`build_world()` creates, inside 罗庄区 (371311) and 兰山区 (371302) of Linyi and in Heze, two
companies, two compounds, a committee and one user per persona. The real NBS regions are
loaded once per test session (see conftest.py).
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

from apps.core.fakes import make_credit_code, make_id_number
from apps.core.roles import Role

PASSWORD = "demo-pass-2026"

# Real NBS codes used by the persona world.
CITY = "371300"  # 临沂市
COUNTY = "371311"  # 罗庄区
STREET = "371311003"  # 盛庄街道
COMMUNITY = "371311003003"  # 后盛庄社区
OTHER_COUNTY = "371302"  # 兰山区
OTHER_STREET = "371302001"  # 兰山街道
OTHER_COMMUNITY = "371302001001"  # 前十里堡社区
HEZE = "371700"


@dataclass
class World:
    company: object
    other_company: object
    compound: object
    other_compound: object
    committee: object
    department: object
    users: dict
    # One object of every registry model on each side (罗庄区 = "own", 兰山区 = "other").
    own: dict = None
    other: dict = None


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
    own = _objects_for(rng, compound, company, r[COUNTY], r[COMMUNITY], committee, department, "罗庄")
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
    other = _objects_for(
        rng,
        other_compound,
        other_company,
        r[OTHER_COUNTY],
        r[OTHER_COMMUNITY],
        other_committee,
        other_department,
        "兰山",
    )
    return World(company, other_company, compound, other_compound, committee, department, users, own, other)


def _objects_for(rng, compound, company, county, community, committee, department, tag) -> dict:
    """One row of every registry model around a compound, made through the services."""
    from apps.committees.services import rules_create
    from apps.party.services import instructor_create, party_org_create, rating_record, secretary_create
    from apps.registry.services import building_create, owner_create, unit_create

    building = building_create(actor=None, data={"compound": compound, "name": f"{tag}1号楼", "floors": 6})
    unit = unit_create(
        actor=None,
        data={"building": building, "stair": "1单元", "number": "101", "registered_area": Decimal("89.50")},
    )
    owner = owner_create(
        actor=None,
        data={"name": f"{tag}业主甲", "phone": "13912345678", "id_number": make_id_number(rng, county.code)},
        units=[unit],
    )
    company_org = party_org_create(
        actor=None,
        data={
            "name": f"{company.name}党支部",
            "kind": "company_org",
            "region": county,
            "company": company,
            "member_count": 5,
        },
    )
    branch = party_org_create(
        actor=None,
        data={
            "name": f"{compound.name}党支部",
            "kind": "compound_branch",
            "region": community,
            "compound": compound,
            "member_count": 9,
        },
    )
    rating = rating_record(
        actor=None, data={"party_org": company_org, "year": 2025, "stars": 4, "issuer": "市物业行业党委"}
    )
    instructor = instructor_create(
        actor=None,
        data={
            "name": f"{tag}指导员",
            "sending_unit": "区住建局",
            "region": county,
            "start_date": datetime.date(2024, 1, 1),
            "companies": [company],
            "committees": [committee],
        },
    )
    secretary = secretary_create(
        actor=None,
        data={
            "name": f"{tag}书记",
            "sending_unit": "区委组织部",
            "community": community,
            "start_date": datetime.date(2023, 3, 1),
        },
    )
    rules = rules_create(
        actor=None,
        data={
            "region": county,
            "min_members": 5,
            "max_members": 11,
            "require_odd": True,
            "max_term_years": 5,
            "reelection_window_days": 90,
            "red_min_cross_appointed": 3,
            "red_min_party_share": "1/2",
            "management_min_owner_share": "1/2",
            "source": f"{tag}测试规则",
        },
    )
    return {
        "compound": compound,
        "company": company,
        "building": building,
        "unit": unit,
        "owner": owner,
        "ownerunit": owner.unit_links.get(),
        "partyorg": company_org,
        "branch": branch,
        "rating": rating,
        "instructor": instructor,
        "secretary": secretary,
        "committee": committee,
        "member": committee.members.first(),
        "rules": rules,
        "department": department,
        "community": community,
    }
