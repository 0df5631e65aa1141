"""The dashboard's reads: which region a user may open, the breadcrumb, the rows behind each
figure (each gap list holds exactly what the figure counts as missing), the tile layout."""

from __future__ import annotations

import datetime

import pytest
from django.http import Http404

from apps.core.scoping import region_scope
from apps.core.testing import CITY, COMMUNITY, COUNTY, OTHER_COUNTY, STREET
from apps.dashboards import figures as fig
from apps.dashboards import selectors as sel
from apps.dashboards.metrics import short_name
from apps.dashboards.tests.conftest import LUOZHUANG_STREET
from apps.regions.models import Region

TODAY = datetime.date.today()
SCOPES = ["370000", CITY, COUNTY, STREET, COMMUNITY, OTHER_COUNTY, LUOZHUANG_STREET, "371700"]


@pytest.mark.parametrize("code", SCOPES)
def test_each_list_holds_what_its_figure_counts(spread, code):
    scope = region_scope(code)
    f = fig.figures(scope, on=TODAY)
    work = f.party_work_coverage

    def missing(ratio):
        return ratio.denominator - ratio.numerator

    assert sel.old_compounds_unserved(scope).count() == missing(f.old_compound_coverage)
    assert sel.companies_uncovered(scope, TODAY).count() == missing(work.companies)
    assert sel.committees_uncovered(scope, TODAY).count() == missing(work.committees)
    assert sel.company_orgs_below_target(scope).count() == missing(f.rated_company_orgs)
    assert sel.compounds_without_branch(scope).count() == missing(f.branch_coverage.ratio)
    assert sel.five_star_orgs(scope).count() == f.five_star_company_orgs
    assert sel.red_committee_list(scope, TODAY).count() == f.red_committees.numerator
    assert sel.secretaries_in_post(scope, TODAY).count() == f.secretaries_in_post
    assert sel.pairing_compounds(scope).count() == f.pairings.compounds
    welfare = list(sel.welfare_companies(scope))
    assert sum(c.fallback_compounds for c in welfare) == f.fallback.compounds
    assert sum(c.fallback_households for c in welfare) == f.fallback.households
    assert sum(1 for c in welfare if c.fallback_compounds) == f.fallback.companies


def test_the_gaps_name_the_rows(spread):
    county = region_scope(COUNTY)
    assert list(sel.old_compounds_unserved(county)) == [spread.unserved]
    assert list(sel.compounds_without_branch(county)) == [spread.unserved]
    assert list(sel.committees_uncovered(county, TODAY)) == [spread.uncovered_committee]
    assert list(sel.company_orgs_below_target(region_scope(OTHER_COUNTY))) == [spread.welfare_org]
    # The 兰山区 public-welfare company backs a 罗庄区 compound: listed in both counties.
    assert [c.name for c in sel.welfare_companies(county)] == [spread.welfare.name]
    assert sel.welfare_companies(county)[0].fallback_compounds == 1
    assert [c.name for c in sel.welfare_companies(region_scope(OTHER_COUNTY))] == [spread.welfare.name]
    assert sel.welfare_companies(region_scope(OTHER_COUNTY))[0].fallback_compounds == 0


def test_a_user_opens_their_region_or_one_inside_it(world, users):
    assert sel.dashboard_region_for(user=users["county"], code=None).code == COUNTY
    assert sel.dashboard_region_for(user=users["county"], code=STREET).code == STREET
    assert sel.dashboard_region_for(user=users["city"], code=COMMUNITY).code == COMMUNITY
    for user, code in [
        (users["county"], OTHER_COUNTY),  # another county
        (users["county"], CITY),  # above the user's own region
        (users["heze_city"], COUNTY),
        (users["county"], "999999"),  # no such region
        (users["county"], "abc"),
        (users["outsider"], None),  # no region at all
        (users["company"], None),  # an organisation scope has no region
    ]:
        with pytest.raises(Http404):
            sel.dashboard_region_for(user=user, code=code)


def test_a_superuser_starts_at_the_province(world):
    from apps.accounts.models import User

    admin = User.objects.create_superuser("root", password="x" * 12)
    assert sel.dashboard_region_for(user=admin, code=None).code == "370000"


def test_the_breadcrumb_stops_at_the_users_own_region(world, users):
    community = Region.objects.get(code=COMMUNITY)
    assert [r.code for r in sel.path_for(user=users["county"], region=community)] == [
        COUNTY,
        STREET,
        COMMUNITY,
    ]
    assert [r.code for r in sel.path_for(user=users["city"], region=community)] == [
        CITY,
        COUNTY,
        STREET,
        COMMUNITY,
    ]
    assert sel.ancestor_codes(COMMUNITY) == ["370000", CITY, COUNTY, STREET]
    assert sel.ancestor_codes("370000") == []


def test_tiles_one_square_each_north_first(spread):
    county = Region.objects.get(code=COUNTY)
    children = sel.child_regions(county)
    tiles = sel.tiles(region=county, children=children)
    assert sorted(t.region.code for t in tiles) == [c.code for c in children]
    assert len({(t.x, t.y) for t in tiles}) == len(children)  # no two on one square
    where = {t.region.code: (t.x, t.y) for t in tiles}
    # Streets with located compounds come first, west to east; the others follow in code order.
    assert where[STREET] == (0, 0) and where[LUOZHUANG_STREET] == (1, 0)
    assert all(y >= 1 for code, (x, y) in where.items() if code not in (STREET, LUOZHUANG_STREET))


def test_compound_rows_carry_the_facts_of_each_figure(spread, world):
    rows = {c.name: c for c in sel.compound_rows(region=Region.objects.get(code=COMMUNITY), on=TODAY)}
    home = rows[world.compound.name]
    assert (home.has_branch, home.has_committee, home.committee_covered, home.red_committee) == (
        True,
        True,
        True,
        True,
    )
    single = rows[spread.pairing.name]
    assert (single.has_branch, single.has_committee, single.management_mode) == (False, False, "pairing")


def test_short_names_of_communities():
    assert short_name("万通社区居民委员会") == "万通社区"
    assert short_name("罗庄居民委员会") == "罗庄社区"
    assert short_name("大庄村民委员会") == "大庄村"
    assert short_name("罗庄区") == "罗庄区"
