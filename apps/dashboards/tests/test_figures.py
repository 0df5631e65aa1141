"""The figure functions on the persona world: each counts rows, in the right scope, and moves
when a row changes through a service.

The world already holds a company organisation, a compound branch, an instructor, a secretary
and a committee in both 罗庄区 and 兰山区, so the tests assert how each figure *changes* in
every scope when a row changes — and that it does not change where it should not.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

import pytest
import time_machine

from apps.committees.models import CommitteeRules
from apps.committees.services import committee_create, member_update, rules_create, rules_update
from apps.core.scoping import region_scope, scope_of
from apps.core.testing import COMMUNITY, COUNTY, OTHER_COMMUNITY, OTHER_COUNTY, STREET, make_credit_code
from apps.dashboards import figures as fig
from apps.party.services import (
    instructor_create,
    instructor_update,
    party_org_create,
    rating_record,
    secretary_create,
    secretary_update,
)
from apps.regions.models import Region
from apps.registry.services import company_create, compound_create, compound_update

TODAY = datetime.date.today()  # the world's committees' terms are relative to today
CITY = region_scope("371300")
LUOZHUANG = region_scope(COUNTY)
LANSHAN = region_scope(OTHER_COUNTY)
SCOPES = {
    "city": CITY,
    "luozhuang": LUOZHUANG,
    "street": region_scope(STREET),
    "community": region_scope(COMMUNITY),
    "lanshan": LANSHAN,
    "heze": region_scope("371700"),
}


def flat(value) -> tuple[int, ...]:
    """A figure as a tuple of counts, so that two readings can be subtracted."""
    if isinstance(value, int):
        return (value,)
    if isinstance(value, fig.Ratio):
        return (value.numerator, value.denominator)
    if isinstance(value, fig.WorkCoverage):
        return flat(value.companies) + flat(value.committees)
    return tuple(vars(value).values())  # Served, BranchCoverage, IndustryOrgs


def reading(function, **kwargs) -> dict[str, tuple[int, ...]]:
    return {name: flat(function(scope, **kwargs)) for name, scope in SCOPES.items()}


def change(before: dict, after: dict) -> dict:
    """The scopes whose figure moved, and by how much."""
    out = {}
    for name in before:
        diff = tuple(a - b for a, b in zip(after[name], before[name], strict=True))
        if any(diff):
            out[name] = diff if len(diff) > 1 else diff[0]
    return out


def region(code: str) -> Region:
    return Region.objects.get(code=code)


def new_company(name: str, county: str, kind: str = "market", seed: int = 1):
    return company_create(
        actor=None,
        data={
            "name": name,
            "credit_code": make_credit_code(random.Random(seed), county),
            "kind": kind,
            "region": region(county),
        },
    )


def new_compound(name: str, community: str, **extra):
    data = {
        "name": name,
        "community": region(community),
        "households": 60,
        "total_floor_area": Decimal("4000"),
        "year_built": 1985,
        "is_old": True,
        "management_mode": "none",
        **extra,
    }
    return compound_create(actor=None, data=data)


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
    before, before_2019 = (
        reading(fig.secretaries_in_post, on=TODAY),
        reading(fig.secretaries_in_post, on=datetime.date(2019, 1, 1)),
    )
    street_user = fig.secretaries_in_post(scope_of(users["street"]), on=TODAY)
    secretary = secretary_create(
        actor=None,
        data={
            "name": "李强",
            "sending_unit": "罗庄区委组织部",
            "community": region(COMMUNITY),
            "start_date": datetime.date(2020, 3, 1),
        },
    )
    secretary_create(  # the predecessor, in post only until 2020
        actor=None,
        data={
            "name": "王刚",
            "sending_unit": "罗庄区民政局",
            "community": region(COMMUNITY),
            "start_date": datetime.date(2018, 3, 1),
            "end_date": datetime.date(2020, 2, 1),
        },
    )
    here = {"city": 1, "luozhuang": 1, "street": 1, "community": 1}
    assert change(before, reading(fig.secretaries_in_post, on=TODAY)) == here
    assert change(before_2019, reading(fig.secretaries_in_post, on=datetime.date(2019, 1, 1))) == here
    assert fig.secretaries_in_post(scope_of(users["street"]), on=TODAY) == street_user + 1
    assert fig.secretaries_in_post(scope_of(users["company"]), on=TODAY) == 0
    assert fig.secretaries_in_post(scope_of(users["outsider"]), on=TODAY) == 0
    secretary_update(secretary=secretary, actor=None, data={"end_date": TODAY - datetime.timedelta(days=1)})
    assert change(before, reading(fig.secretaries_in_post, on=TODAY)) == {}


def test_fallback_and_public_welfare_companies(world, users):
    companies, backed = reading(fig.public_welfare_companies), reading(fig.fallback)
    welfare = new_company("罗庄区安泰公益物业服务有限公司", COUNTY, kind="public_welfare")
    # Registered in 罗庄区, backing a compound in 兰山区.
    new_compound("粮食局家属院", OTHER_COMMUNITY, households=48, management_mode="fallback", company=welfare)
    assert change(companies, reading(fig.public_welfare_companies)) == {"city": 1, "luozhuang": 1}
    assert change(backed, reading(fig.fallback)) == {"city": (1, 48, 1), "lanshan": (1, 48, 1)}
    assert fig.fallback(scope_of(users["company"])).compounds == 0

    paired = reading(fig.pairings)
    compound_update(compound=world.compound, actor=None, data={"management_mode": "pairing"})
    served = (1, world.compound.households, 1)
    assert change(paired, reading(fig.pairings)) == {
        "city": served,
        "luozhuang": served,
        "street": served,
        "community": served,
    }
    assert fig.pairings(scope_of(users["company"])) == fig.Served(*served)


def test_old_compound_coverage(world, users):
    before = reading(fig.old_compound_coverage)
    assert fig.old_compound_coverage(LUOZHUANG).complete  # the world's only old compound is served
    new_compound("机械厂宿舍", OTHER_COMMUNITY)
    assert change(before, reading(fig.old_compound_coverage)) == {"city": (0, 1), "lanshan": (0, 1)}
    assert fig.old_compound_coverage(LUOZHUANG).complete
    assert fig.old_compound_coverage(scope_of(users["resident"])) == fig.Ratio(1, 1)
    compound_update(compound=world.compound, actor=None, data={"management_mode": "none", "company": None})
    assert not fig.old_compound_coverage(LUOZHUANG).complete
    assert fig.old_compound_coverage(scope_of(users["outsider"])) == fig.Ratio(0, 0)


def test_branch_coverage(world, users, settings):
    before = reading(fig.branch_coverage)
    # The world's 十里堡小区 has a branch with only 2 resident party members: a branch, not eligible.
    assert fig.branch_coverage(LANSHAN) == fig.BranchCoverage(eligible=0, eligible_with_branch=0, branches=1)
    compound = new_compound("化肥厂家属院", OTHER_COMMUNITY, resident_party_members=4)
    assert change(before, reading(fig.branch_coverage)) == {"city": (1, 0, 0), "lanshan": (1, 0, 0)}
    assert not fig.branch_coverage(LANSHAN).ratio.complete
    party_org_create(
        actor=None,
        data={
            "name": "前十里堡社区化肥厂家属院党支部",
            "kind": "compound_branch",
            "compound": compound,
            "region": compound.community,
        },
    )
    assert change(before, reading(fig.branch_coverage)) == {"city": (1, 1, 1), "lanshan": (1, 1, 1)}
    assert fig.branch_coverage(scope_of(users["committee"])) == fig.branch_coverage(region_scope(COMMUNITY))
    settings.BRANCH_MIN_PARTY_MEMBERS = 2  # the threshold is a setting: 十里堡小区 becomes eligible
    assert fig.branch_coverage(LANSHAN) == fig.BranchCoverage(eligible=2, eligible_with_branch=2, branches=2)


# A rating year may not lie in the future (issue 13 item 5): the newer ratings below are
# recorded a few years on.
@time_machine.travel(datetime.datetime(2031, 6, 1, tzinfo=datetime.UTC), tick=False)
def test_five_stars_count_by_the_latest_rating(world):
    own, other = world.own["partyorg"], world.other["partyorg"]
    five, rated = reading(fig.five_star_company_orgs), reading(fig.rated_company_orgs)
    latest = own.ratings.order_by("-year").first().year
    rating_record(actor=None, data={"party_org": other, "year": latest - 3, "stars": 5, "issuer": "行业党委"})
    assert change(five, reading(fig.five_star_company_orgs)) == {}  # an older five stars
    rating_record(actor=None, data={"party_org": own, "year": latest + 1, "stars": 5, "issuer": "行业党委"})
    assert change(five, reading(fig.five_star_company_orgs)) == {"city": 1, "luozhuang": 1}
    rating_record(actor=None, data={"party_org": own, "year": latest + 2, "stars": 4, "issuer": "行业党委"})
    assert change(five, reading(fig.five_star_company_orgs)) == {}
    # Target 3: an unrated organisation counts against it; so does one rated below the bar.
    unrated = party_org_create(
        actor=None,
        data={
            "name": "兰山小型物业服务有限公司党支部",
            "kind": "company_org",
            "company": new_company("兰山小型物业服务有限公司", OTHER_COUNTY),
            "region": region(OTHER_COUNTY),
        },
    )
    assert change(rated, reading(fig.rated_company_orgs)) == {"city": (0, 1), "lanshan": (0, 1)}
    rating_record(actor=None, data={"party_org": unrated, "year": latest, "stars": 2, "issuer": "行业党委"})
    assert change(rated, reading(fig.rated_company_orgs)) == {"city": (0, 1), "lanshan": (0, 1)}
    rating_record(
        actor=None, data={"party_org": unrated, "year": latest + 1, "stars": 3, "issuer": "行业党委"}
    )
    assert change(rated, reading(fig.rated_company_orgs)) == {"city": (1, 1), "lanshan": (1, 1)}


def test_industry_party_orgs_by_level(world):
    before = reading(fig.industry_party_orgs)
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
    assert change(before, reading(fig.industry_party_orgs)) == {
        "city": (1, 2),
        "luozhuang": (0, 1),
        "lanshan": (0, 1),
    }


def test_red_committees_follow_the_rules_of_the_nearest_jurisdiction(world, users):
    # 罗庄区's committee: 5 members, 3 party members, all cross-appointed — red; 兰山区's is not.
    assert fig.red_committees(LUOZHUANG, on=TODAY) == fig.Ratio(1, 1)
    assert fig.red_committees(LANSHAN, on=TODAY) == fig.Ratio(0, 1)
    assert fig.red_committees(scope_of(users["committee"]), on=TODAY) == fig.Ratio(1, 1)
    before = reading(fig.red_committees, on=TODAY)
    # A stricter city rule does not reach 罗庄区, whose own (nearer) rules still ask for three.
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
    assert change(before, reading(fig.red_committees, on=TODAY)) == {}
    rules_update(
        rules=CommitteeRules.objects.get(region_id=COUNTY), actor=None, data={"red_min_cross_appointed": 4}
    )
    assert change(before, reading(fig.red_committees, on=TODAY)) == {
        "city": (-1, 0),
        "luozhuang": (-1, 0),
        "street": (-1, 0),
        "community": (-1, 0),
    }
    after_term = world.committee.term_end + datetime.timedelta(days=1)
    assert fig.red_committees(LUOZHUANG, on=after_term) == fig.Ratio(0, 0)  # no longer in office


def test_red_committee_loses_its_colour_when_a_member_changes(world):
    before = reading(fig.red_committees, on=TODAY)
    member = world.committee.members.get(name="张伟")
    member_update(member=member, actor=None, data={"cross_appointed": False, "branch_position": ""})
    assert change(before, reading(fig.red_committees, on=TODAY)) == {
        "city": (-1, 0),
        "luozhuang": (-1, 0),
        "street": (-1, 0),
        "community": (-1, 0),
    }


def test_red_committees_in_sql_agree_with_the_rules(world):
    from apps.committees.models import OwnersCommittee
    from apps.committees.selectors import red_committee_ids, red_q, with_roster_counts

    python = red_committee_ids(OwnersCommittee.objects.select_related("compound").prefetch_related("members"))
    sql = set(with_roster_counts(OwnersCommittee.objects.all()).filter(red_q()).values_list("pk", flat=True))
    assert python == sql == {world.committee.pk}


def test_party_work_coverage_of_companies_and_committees(world, users):
    before = reading(fig.party_work_coverage, on=TODAY)
    # A company with nothing yet, in 罗庄区: uncovered.
    small = new_company("罗庄小型物业服务有限公司", COUNTY, seed=2)
    assert change(before, reading(fig.party_work_coverage, on=TODAY)) == {
        "city": (0, 1, 0, 0),
        "luozhuang": (0, 1, 0, 0),
    }
    party_org_create(
        actor=None,
        data={
            "name": "罗庄区物业服务企业第一联合党支部",
            "kind": "joint_branch",
            "region": region(COUNTY),
            "covered_companies": [small],
        },
    )
    assert change(before, reading(fig.party_work_coverage, on=TODAY)) == {
        "city": (1, 1, 0, 0),
        "luozhuang": (1, 1, 0, 0),
    }
    # A committee in a compound without a branch: covered only while an instructor is in post.
    compound = new_compound(
        "交通局家属院", COMMUNITY, households=120, management_mode="market", company=world.company
    )
    committee = committee_create(
        actor=None,
        data={
            "compound": compound,
            "kind": "owners_committee",
            "term_start": TODAY - datetime.timedelta(days=100),
            "term_end": TODAY + datetime.timedelta(days=900),
        },
        members=[{"name": f"孙{i}", "position": "member"} for i in "一二三四五"],
    )
    assert change(before, reading(fig.party_work_coverage, on=TODAY))["luozhuang"] == (1, 1, 0, 1)
    instructor = instructor_create(
        actor=None,
        data={
            "name": "赵敏",
            "region": region(STREET),
            "committees": [committee],
            "start_date": TODAY - datetime.timedelta(days=30),
        },
    )
    assert change(before, reading(fig.party_work_coverage, on=TODAY))["luozhuang"] == (1, 1, 1, 1)
    instructor_update(
        instructor=instructor, actor=None, data={"end_date": TODAY - datetime.timedelta(days=1)}
    )
    assert change(before, reading(fig.party_work_coverage, on=TODAY))["luozhuang"] == (1, 1, 0, 1)
    coverage = fig.party_work_coverage(scope_of(users["company"]), on=TODAY)
    assert coverage.companies == fig.Ratio(1, 1)


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
    nothing = fig.figures(scope_of(users["outsider"]), on=TODAY)
    assert nothing.old_compound_coverage == fig.Ratio(0, 0) and nothing.secretaries_in_post == 0
