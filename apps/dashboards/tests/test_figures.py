"""The figure functions on the persona world: each counts rows, in the right scope, and moves
when a row changes through a service."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

import pytest

from apps.committees.services import member_update, rules_create
from apps.core.scoping import region_scope, scope_of
from apps.core.testing import COMMUNITY, COUNTY, OTHER_COUNTY, STREET, make_credit_code
from apps.dashboards import figures as fig
from apps.party.services import (
    instructor_create,
    instructor_update,
    party_org_create,
    rating_record,
    secretary_create,
)
from apps.regions.models import Region
from apps.registry.services import company_create, compound_create, compound_update

TODAY = datetime.date(2026, 6, 24)
CITY = region_scope("371300")
LUOZHUANG = region_scope(COUNTY)
LANSHAN = region_scope(OTHER_COUNTY)
HEZE = region_scope("371700")


def region(code: str) -> Region:
    return Region.objects.get(code=code)


def company_org(company, **extra):
    return party_org_create(
        actor=None,
        data={
            "name": f"{company.name}党支部",
            "kind": "company_org",
            "company": company,
            "region": company.region,
            **extra,
        },
    )


def test_ratio():
    assert fig.Ratio(3, 4).percent == 75.0 and not fig.Ratio(3, 4).complete
    assert fig.Ratio(2, 2).complete and fig.Ratio(2, 2).fraction == 1
    assert fig.Ratio(0, 0).percent is None and not fig.Ratio(0, 0).complete
    assert fig.Ratio(1, 2) + fig.Ratio(2, 3) == fig.Ratio(3, 5)
    assert str(fig.Ratio(1, 3)) == "1/3"


@pytest.mark.parametrize(
    "code,prefix",
    [("370000", "37"), ("371300", "3713"), ("371311", "371311"), (STREET, STREET), (COMMUNITY, COMMUNITY)],
)
def test_region_scope_prefix_follows_the_code(code, prefix):
    assert region_scope(code).region_prefix == prefix


def test_secretaries_in_post_on_a_day(world, users):
    secretary = secretary_create(
        actor=None,
        data={
            "name": "李强",
            "sending_unit": "罗庄区委组织部",
            "community": region(COMMUNITY),
            "start_date": datetime.date(2020, 3, 1),
        },
    )
    secretary_create(
        actor=None,
        data={
            "name": "王刚",
            "sending_unit": "罗庄区民政局",
            "community": region(COMMUNITY),
            "start_date": datetime.date(2018, 3, 1),
            "end_date": datetime.date(2020, 2, 1),
        },
    )
    assert fig.secretaries_in_post(CITY, on=TODAY) == 1
    assert fig.secretaries_in_post(CITY, on=datetime.date(2019, 1, 1)) == 1  # the predecessor
    assert fig.secretaries_in_post(region_scope(COMMUNITY), on=TODAY) == 1
    assert fig.secretaries_in_post(LANSHAN, on=TODAY) == 0
    assert fig.secretaries_in_post(scope_of(users["street"]), on=TODAY) == 1
    assert fig.secretaries_in_post(scope_of(users["other_county"]), on=TODAY) == 0
    assert fig.secretaries_in_post(scope_of(users["outsider"]), on=TODAY) == 0
    from apps.party.services import secretary_update

    secretary_update(secretary=secretary, actor=None, data={"end_date": TODAY - datetime.timedelta(days=1)})
    assert fig.secretaries_in_post(CITY, on=TODAY) == 0


def test_fallback_and_public_welfare_companies(world, users):
    welfare = company_create(
        actor=None,
        data={
            "name": "罗庄区安泰公益物业服务有限公司",
            "credit_code": make_credit_code(random.Random(1)),
            "kind": "public_welfare",
            "region": region(COUNTY),
        },
    )
    # Registered in 罗庄区, backing a compound in 兰山区.
    compound_create(
        actor=None,
        data={
            "name": "粮食局家属院",
            "community": region("371302001001"),
            "households": 48,
            "total_floor_area": Decimal("3100"),
            "year_built": 1988,
            "is_old": True,
            "management_mode": "fallback",
            "company": welfare,
        },
    )
    assert fig.public_welfare_companies(LUOZHUANG) == 1
    assert fig.public_welfare_companies(LANSHAN) == 0
    assert fig.fallback(LANSHAN) == fig.Served(compounds=1, households=48, companies=1)
    assert fig.fallback(LUOZHUANG) == fig.Served(0, 0, 0)
    assert fig.fallback(CITY).compounds == 1
    assert fig.fallback(scope_of(users["company"])).compounds == 0
    assert fig.pairings(CITY).compounds == 0
    compound_update(compound=world.compound, actor=None, data={"management_mode": "pairing"})
    assert fig.pairings(LUOZHUANG) == fig.Served(compounds=1, households=320, companies=1)
    assert fig.pairings(scope_of(users["company"])).compounds == 1


def test_old_compound_coverage(world, users):
    assert fig.old_compound_coverage(LUOZHUANG) == fig.Ratio(1, 1)
    assert fig.old_compound_coverage(LANSHAN) == fig.Ratio(0, 0)
    compound_create(
        actor=None,
        data={
            "name": "机械厂宿舍",
            "community": region("371302001001"),
            "households": 60,
            "total_floor_area": Decimal("4000"),
            "year_built": 1985,
            "is_old": True,
            "management_mode": "none",
        },
    )
    assert fig.old_compound_coverage(CITY) == fig.Ratio(1, 2)
    assert fig.old_compound_coverage(LUOZHUANG).complete
    assert fig.old_compound_coverage(scope_of(users["resident"])) == fig.Ratio(1, 1)
    compound_update(compound=world.compound, actor=None, data={"management_mode": "none", "company": None})
    assert fig.old_compound_coverage(LUOZHUANG) == fig.Ratio(0, 1)


def test_branch_coverage(world, users, settings):
    # 盛庄花园 has 12 resident party members, 十里堡小区 2: one eligible compound, no branch yet.
    assert fig.branch_coverage(CITY) == fig.BranchCoverage(eligible=1, eligible_with_branch=0, branches=0)
    party_org_create(
        actor=None,
        data={
            "name": "后盛庄社区盛庄花园党支部",
            "kind": "compound_branch",
            "compound": world.compound,
            "region": world.compound.community,
        },
    )
    assert fig.branch_coverage(LUOZHUANG).ratio == fig.Ratio(1, 1)
    assert fig.branch_coverage(LANSHAN).ratio == fig.Ratio(0, 0)
    assert fig.branch_coverage(scope_of(users["committee"])).ratio == fig.Ratio(1, 1)
    settings.BRANCH_MIN_PARTY_MEMBERS = 2  # the threshold is a setting
    assert fig.branch_coverage(CITY) == fig.BranchCoverage(eligible=2, eligible_with_branch=1, branches=1)


def test_five_stars_count_by_the_latest_rating(world):
    org = company_org(world.company)
    rating_record(actor=None, data={"party_org": org, "year": 2024, "stars": 5, "issuer": "行业党委"})
    rating_record(actor=None, data={"party_org": org, "year": 2025, "stars": 4, "issuer": "行业党委"})
    assert fig.five_star_company_orgs(CITY) == 0
    assert fig.rated_company_orgs(CITY) == fig.Ratio(1, 1)
    rating_record(actor=None, data={"party_org": org, "year": 2026, "stars": 5, "issuer": "行业党委"})
    assert fig.five_star_company_orgs(CITY) == 1
    assert fig.five_star_company_orgs(LANSHAN) == 0
    company_org(world.other_company)  # not rated yet: counts against target 3
    assert fig.rated_company_orgs(CITY) == fig.Ratio(1, 2)
    other = company_org(
        company_create(
            actor=None,
            data={
                "name": "兰山小型物业服务有限公司",
                "credit_code": make_credit_code(random.Random(2)),
                "region": region(OTHER_COUNTY),
            },
        )
    )
    rating_record(actor=None, data={"party_org": other, "year": 2026, "stars": 2, "issuer": "行业党委"})
    assert fig.rated_company_orgs(LANSHAN) == fig.Ratio(0, 2)


def test_industry_party_orgs_by_level(world):
    city = party_org_create(
        actor=None,
        data={
            "name": "中共临沂市物业管理行业委员会",
            "kind": "industry_committee",
            "region": region("371300"),
        },
    )
    for code in (COUNTY, OTHER_COUNTY):
        party_org_create(
            actor=None,
            data={
                "name": f"中共{region(code).name}物业管理行业委员会",
                "kind": "industry_committee",
                "region": region(code),
                "parent": city,
            },
        )
    assert fig.industry_party_orgs(CITY) == fig.IndustryOrgs(city_level=1, county_level=2)
    assert fig.industry_party_orgs(LUOZHUANG) == fig.IndustryOrgs(city_level=0, county_level=1)
    assert fig.industry_party_orgs(HEZE) == fig.IndustryOrgs(0, 0)


def test_red_committees_follow_the_rules_of_the_jurisdiction(world, users):
    # The world's committee: 5 members, 3 party members, all 3 cross-appointed — red by default.
    assert fig.red_committees(CITY, on=TODAY) == fig.Ratio(1, 1)
    assert fig.red_committees(LANSHAN, on=TODAY) == fig.Ratio(0, 0)
    assert fig.red_committees(scope_of(users["committee"]), on=TODAY) == fig.Ratio(1, 1)
    # Linyi asks for four cross-appointed members: the same committee is no longer red.
    rules_create(
        actor=None,
        data={
            "region": region("371300"),
            "min_members": 5,
            "max_members": 11,
            "require_odd": True,
            "max_term_years": 5,
            "reelection_window_days": 90,
            "red_min_cross_appointed": 4,
            "red_min_party_share": "1/2",
            "management_min_owner_share": "1/2",
        },
    )
    assert fig.red_committees(CITY, on=TODAY) == fig.Ratio(0, 1)
    assert fig.red_committees(CITY, on=world.committee.term_end + datetime.timedelta(days=1)) == fig.Ratio(
        0, 0
    )


def test_red_committee_loses_its_colour_when_a_member_changes(world):
    member = world.committee.members.get(name="张伟")
    member_update(member=member, actor=None, data={"cross_appointed": False, "branch_position": ""})
    assert fig.red_committees(CITY, on=TODAY) == fig.Ratio(0, 1)


def test_party_work_coverage_of_companies_and_committees(world, users):
    coverage = fig.party_work_coverage(LUOZHUANG, on=TODAY)
    assert coverage.companies == fig.Ratio(0, 1) and coverage.committees == fig.Ratio(0, 1)
    instructor = instructor_create(
        actor=None,
        data={
            "name": "赵敏",
            "region": region(COUNTY),
            "companies": [world.company],
            "committees": [world.committee],
            "start_date": datetime.date(2024, 1, 1),
        },
    )
    coverage = fig.party_work_coverage(LUOZHUANG, on=TODAY)
    assert coverage.companies == fig.Ratio(1, 1) and coverage.committees == fig.Ratio(1, 1)
    assert coverage.total.complete
    instructor_update(instructor=instructor, actor=None, data={"end_date": datetime.date(2025, 1, 1)})
    assert fig.party_work_coverage(LUOZHUANG, on=TODAY).total == fig.Ratio(0, 2)
    # A joint branch covers the other company; the compound branch covers the committee.
    party_org_create(
        actor=None,
        data={
            "name": "兰山区物业服务企业第一联合党支部",
            "kind": "joint_branch",
            "region": region(OTHER_COUNTY),
            "covered_companies": [world.other_company],
        },
    )
    party_org_create(
        actor=None,
        data={
            "name": "盛庄花园党支部",
            "kind": "compound_branch",
            "compound": world.compound,
            "region": world.compound.community,
        },
    )
    coverage = fig.party_work_coverage(CITY, on=TODAY)
    assert coverage.companies == fig.Ratio(1, 2) and coverage.committees == fig.Ratio(1, 1)
    company_org(world.company)
    assert fig.party_work_coverage(CITY, on=TODAY).total.complete
    assert fig.party_work_coverage(scope_of(users["company"]), on=TODAY).companies == fig.Ratio(1, 1)


def test_all_figures_take_a_fixed_number_of_queries(world, users, django_assert_max_num_queries):
    for scope in (
        CITY,
        LUOZHUANG,
        region_scope(COMMUNITY),
        scope_of(users["company"]),
        scope_of(users["city"]),
    ):
        with django_assert_max_num_queries(16):
            result = fig.figures(scope, on=TODAY)
        assert result.on == TODAY
    assert fig.figures(scope_of(users["outsider"]), on=TODAY).old_compound_coverage == fig.Ratio(0, 0)
