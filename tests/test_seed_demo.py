"""seed_demo: the seed article's figures come out of the generated rows, by counting.

The module loads the demo twice, each time inside a transaction that is rolled back at the end
(other test modules start from the bare regions again): first the steps up to the registry (the
compound and company names, for the determinism test), then everything. Every test runs in a
savepoint on top of the full load.
"""

from __future__ import annotations

import datetime
import hashlib
import io

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from apps.core import demo
from apps.core.demo import (
    GANGWAN_COMPANY,
    GANGWAN_COMPOUND,
    LUOZHUANG,
    LUOZHUANG_BIG_COMPANY,
    WANTONG,
    WANTONG_COMPOUND,
    YIMENG_COMPOUND,
    ZHONGDA_COMPOUND,
)
from apps.core.errors import DomainError
from apps.core.models import Event
from apps.core.scoping import region_scope, scope_of
from apps.dashboards import figures as fig

TODAY = datetime.date(2026, 6, 24)
LINYI, HEZE = region_scope("371300"), region_scope("371700")


def _seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", "--today", TODAY.isoformat(), stdout=out)
    return out.getvalue()


def _names_hash() -> str:
    """Hash of the generated compound, company and owner names, in creation order."""
    from apps.registry.models import Compound, Owner, PropertyCompany

    digest = hashlib.sha256()
    for model in (Compound, PropertyCompany, Owner):
        digest.update("|".join(model.objects.order_by("pk").values_list("name", flat=True)).encode())
    return digest.hexdigest()


def _row_counts() -> dict[str, int]:
    return {m._meta.label: m.objects.count() for m in apps.get_models(include_auto_created=True)}


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    # Tests run with DEBUG off, where the default demo password is refused.
    with django_db_blocker.unblock(), override_settings(DEMO_PASSWORD="test-demo-password"):
        with transaction.atomic(), pytest.MonkeyPatch.context() as patch:
            first_two = demo.demo_steps()[:2]  # regions, registry
            patch.setattr(demo, "demo_steps", lambda: first_two)
            _seed()
            first_hash = _names_hash()
            transaction.set_rollback(True)
        # The whole demo at full volume: the red and black lists of the work orders are a
        # property of the full volume (test_the_red_and_black_lists_have_rows_in_most_months).
        with transaction.atomic():
            output = _seed()
            yield {"output": output, "first_hash": first_hash}
            transaction.set_rollback(True)


# One worker runs the whole module (`make test` distributes by file, --dist loadfile): with the
# tests split over both workers, each built the seeded fixture — the suite's most expensive — once.
pytestmark = [pytest.mark.usefixtures("seeded")]
RUN_FIRST = True  # the suite's most expensive fixture starts first (conftest.py)


def test_linyi_figures_of_the_article(db):
    assert fig.secretaries_in_post(LINYI, on=TODAY) == 396
    assert fig.public_welfare_companies(LINYI) == 49
    assert fig.fallback(LINYI).compounds == 410
    assert fig.fallback(LINYI).companies == 49  # every public-welfare company backs some
    assert fig.five_star_company_orgs(LINYI) == 25
    assert fig.industry_party_orgs(LINYI) == fig.IndustryOrgs(city_level=1, county_level=13)


def test_luozhuang_serves_every_old_compound_and_the_city_does_not(db):
    luozhuang = fig.old_compound_coverage(region_scope(LUOZHUANG))
    assert luozhuang.complete and luozhuang.denominator > 0
    linyi = fig.old_compound_coverage(LINYI)
    assert not linyi.complete and linyi.numerator < linyi.denominator


def test_heze_figures_of_the_article(db):
    branches = fig.branch_coverage(HEZE)
    assert (branches.eligible, branches.eligible_with_branch) == (638, 638)
    assert branches.ratio.complete
    assert fig.industry_party_orgs(HEZE) == fig.IndustryOrgs(city_level=1, county_level=11)


def test_the_other_targets_are_visibly_not_met(db):
    for scope in (LINYI, HEZE):
        f = fig.figures(scope, on=TODAY)
        assert 0 < f.party_work_coverage.total.numerator < f.party_work_coverage.total.denominator
        assert 0 < f.rated_company_orgs.numerator < f.rated_company_orgs.denominator
        assert 0 < f.red_committees.numerator < f.red_committees.denominator
        assert f.pairings.compounds > 0
    assert not fig.branch_coverage(LINYI).ratio.complete


def test_places_and_people_of_the_article(db):
    from apps.party.models import PartyOrg, RedCollarSecretary
    from apps.regions.models import Region
    from apps.registry.models import Compound

    wantong = Region.objects.get(code=WANTONG)
    assert (wantong.parent_id, wantong.kind) == ("371311003", "urban_community")
    assert "NBS2020未收录" in wantong.source
    yao = RedCollarSecretary.objects.get(name="姚强")
    assert (yao.community_id, yao.start_date, yao.end_date) == (WANTONG, datetime.date(2020, 2, 24), None)
    assert Compound.objects.get(name=WANTONG_COMPOUND).community_id == WANTONG

    yimeng = Compound.objects.get(name=YIMENG_COMPOUND)
    assert yimeng.community_id.startswith(LUOZHUANG)
    assert (yimeng.households, yimeng.management_mode, yimeng.is_old) == (36, "pairing", True)
    assert yimeng.buildings.count() == 1 and yimeng.units.count() == 36
    assert yimeng.company.name == LUOZHUANG_BIG_COMPANY and yimeng.company.kind == "market"
    assert yimeng.company.compounds.count() >= 8  # a large company

    gangwan = Compound.objects.get(name=GANGWAN_COMPOUND)
    assert gangwan.community.name.startswith("打渔店社区") and gangwan.company.name == GANGWAN_COMPANY
    branch = PartyOrg.objects.get(compound=gangwan, kind="compound_branch")
    assert (branch.founded_on.year, branch.founded_on.month) == (2019, 2)
    assert PartyOrg.objects.filter(compound__name=ZHONGDA_COMPOUND, kind="compound_branch").exists()


def test_showcase_units_and_owners(db):
    from apps.registry.models import Compound, Owner, OwnerUnit

    for name in (WANTONG_COMPOUND, YIMENG_COMPOUND, GANGWAN_COMPOUND):
        compound = Compound.objects.get(name=name)
        dwellings = compound.units.filter(kind="dwelling")
        assert dwellings.count() == compound.households
        assert not dwellings.filter(owner_links__isnull=True).exists()  # every dwelling has an owner
    owners = Owner.objects.filter(is_developer=False)
    assert (
        not owners.filter(id_hash="").exists()
        and not owners.exclude(id_last4__regex=r"^\d{3}[\dX]$").exists()
    )
    developer = Owner.objects.get(is_developer=True)
    assert OwnerUnit.objects.filter(owner=developer).count() == 12
    assert not OwnerUnit.objects.filter(owner=developer, unit__developer_held=False).exists()


def test_generated_rows_are_marked_and_compounds_sit_in_urban_communities(db):
    from apps.party.models import PartyOrg, RedCollarSecretary
    from apps.registry.models import Compound, Department, PropertyCompany

    for model in (Compound, PropertyCompany, PartyOrg, RedCollarSecretary, Department):
        assert not model.objects.filter(is_generated=False).exists()
    urban = Compound.objects.filter(community__kind="urban_community").count()
    assert urban / Compound.objects.count() > 0.95
    old = Compound.objects.filter(is_old=True)
    assert old.filter(year_built__lt=2000).count() / old.count() > 0.8


def test_history_makes_in_post_and_latest_matter(db):
    from apps.party.models import PartyOrgRating, RedCollarSecretary

    assert RedCollarSecretary.objects.filter(end_date__lt=TODAY).count() >= 5
    ever_five = PartyOrgRating.objects.filter(stars=5, party_org__region__pk__startswith="3713")
    assert ever_five.values("party_org").distinct().count() > 25


def test_committees_rules_and_term_states(db):
    from apps.committees.models import CommitteeRules, OwnersCommittee
    from apps.committees.selectors import committee_state

    heze_rules = CommitteeRules.objects.get(region_id="371700")
    assert heze_rules.street_organises_days == 30 and "第11条" in heze_rules.source
    assert CommitteeRules.objects.get(region_id="370000").street_organises_days is None
    states = {
        committee_state(c, today=TODAY).term_state
        for c in OwnersCommittee.objects.filter(kind="owners_committee").prefetch_related("members")
    }
    assert {"in_term", "reelection_window", "street_takeover", "expired"} <= states
    assert OwnersCommittee.objects.filter(kind="management").exists()
    assert not OwnersCommittee.objects.filter(compound__name=GANGWAN_COMPOUND).exists()  # 筹委会 only


def test_red_committees_in_sql_agree_with_the_rules(db):
    from apps.committees.models import OwnersCommittee
    from apps.committees.selectors import red_committee_ids, red_q, with_roster_counts

    python = red_committee_ids(OwnersCommittee.objects.select_related("compound").prefetch_related("members"))
    sql = set(with_roster_counts(OwnersCommittee.objects.all()).filter(red_q()).values_list("pk", flat=True))
    assert python == sql and python


def test_a_second_run_changes_nothing(db, django_assert_max_num_queries):
    before = _row_counts()
    events = Event.objects.count()
    with django_assert_max_num_queries(30):
        output = _seed()
    assert "未做任何修改" in output
    assert _row_counts() == before
    assert Event.objects.count() == events


def test_two_fresh_runs_produce_the_same_names(seeded, db):
    assert _names_hash() == seeded["first_hash"]


def test_every_write_went_through_a_service(db):
    from apps.registry.models import Compound, Unit

    assert Event.objects.filter(verb="compound.create").count() == Compound.objects.count()
    assert Event.objects.filter(verb="unit.create").count() == Unit.objects.count()
    installed = [module for module, _ in demo.demo_steps() if demo.step_available(module)]
    assert Event.objects.filter(verb="demo.seed").count() == len(installed) >= 5


def test_figures_change_when_rows_change(db):
    from apps.party.models import PartyOrg, RedCollarSecretary
    from apps.party.selectors import latest_rating_subquery
    from apps.party.services import rating_record, secretary_update
    from apps.registry.models import Compound, PropertyCompany
    from apps.registry.services import compound_update

    secretary = RedCollarSecretary.objects.filter(end_date=None, community__pk__startswith="3713").first()
    secretary_update(secretary=secretary, actor=None, data={"end_date": TODAY - datetime.timedelta(days=1)})
    assert fig.secretaries_in_post(LINYI, on=TODAY) == 395

    compound = Compound.objects.filter(management_mode="fallback", community__pk__startswith="3713").first()
    market = PropertyCompany.objects.filter(kind="market", region_id=compound.company.region_id).first()
    compound_update(compound=compound, actor=None, data={"management_mode": "market", "company": market})
    assert fig.fallback(LINYI).compounds == 409

    five = (
        PartyOrg.objects.filter(kind="company_org", region__pk__startswith="3713")
        .annotate(latest_stars=latest_rating_subquery("stars"))
        .filter(latest_stars=5)
        .first()
    )
    latest = five.ratings.order_by("-year").first()
    rating_record(actor=None, data={"party_org": five, "year": latest.year + 1, "stars": 4, "issuer": "测试"})
    assert fig.five_star_company_orgs(LINYI) == 24

    old = Compound.objects.filter(is_old=True, community__pk__startswith=LUOZHUANG).exclude(
        management_mode__in=["market", "fallback", "pairing"]
    )[0]
    compound_update(compound=old, actor=None, data={"management_mode": "none"})
    assert not fig.old_compound_coverage(region_scope(LUOZHUANG)).complete

    not_eligible = Compound.objects.filter(
        community__pk__startswith="3717", resident_party_members__lt=settings.BRANCH_MIN_PARTY_MEMBERS
    ).first()
    compound_update(compound=not_eligible, actor=None, data={"resident_party_members": 9})
    assert (fig.branch_coverage(HEZE).eligible, fig.branch_coverage(HEZE).eligible_with_branch) == (639, 638)
    assert PartyOrg.objects.filter(kind="compound_branch", compound=not_eligible).count() == 0


def test_demo_logins_one_per_role(db):
    from apps.accounts.demo import DEMO_USERNAMES, demo_logins
    from apps.accounts.models import User

    logins = demo_logins()
    assert [u for u, _, _ in logins] == list(DEMO_USERNAMES)
    assert {role for _, role, _ in logins} >= {
        "市级管理人员",
        "县区管理人员",
        "街道（镇）管理人员",
        "社区书记/工作人员",
        "物业企业人员",
        "业委会（物管会）成员",
        "职能部门经办人",
        "居民/业主",
        "超级管理员",
    }
    assert authenticate(username="luozhuang_county", password=settings.DEMO_PASSWORD)
    resident = User.objects.get(username="resident")
    assert resident.owner.unit_links.filter(unit__compound=resident.compound).exists()
    assert User.objects.get(username="wantong_community").region_id == WANTONG
    assert "manage.py demo_logins" in _seed()  # seed_demo points at the logins command
    out = io.StringIO()
    call_command("demo_logins", "--port", "8321", stdout=out)  # what `make run` prints
    assert "http://127.0.0.1:8321/" in out.getvalue() and "heze_city" in out.getvalue()
    assert "test-demo-password" in out.getvalue()
    out = io.StringIO()  # `make run` has seed_demo print them itself, at its end
    call_command("seed_demo", "--today", TODAY.isoformat(), "--port", "8322", stdout=out)
    assert "http://127.0.0.1:8322/" in out.getvalue() and "heze_city" in out.getvalue()
    assert "manage.py demo_logins" not in out.getvalue()


def test_a_users_scope_gives_the_same_figures_as_the_region(db):
    from apps.accounts.models import User

    county = User.objects.get(username="luozhuang_county")
    assert fig.figures(scope_of(county), on=TODAY) == fig.figures(region_scope(LUOZHUANG), on=TODAY)
    company = fig.figures(scope_of(User.objects.get(username="company_staff")), on=TODAY)
    assert company.pairings.compounds >= 1 and company.secretaries_in_post == 0


def test_default_demo_password_refused_without_debug(db):
    from apps.accounts.demo import check_demo_password

    with override_settings(DEBUG=False, DEMO_PASSWORD=settings.INSECURE_DEFAULT_DEMO_PASSWORD):
        with pytest.raises(DomainError, match="DEMO_PASSWORD"):
            check_demo_password()
    with override_settings(DEBUG=False, DEMO_PASSWORD="a-long-random-demo-password"):
        check_demo_password()


def test_the_article_figures_on_the_demo_dashboards(db, client):
    """What the housing bureau opens in the morning: the article's figures on the dashboards of
    the demo users of Linyi, 罗庄区 and Heze, counted from the generated rows."""
    import re

    import time_machine
    from django.urls import reverse

    from apps.accounts.models import User

    def dashboard(username):
        client.force_login(User.objects.get(username=username))
        page = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", client.get(reverse("dashboard")).content.decode()))
        return page, client.get(reverse("api-v1:dashboard_coverage")).json()

    with time_machine.travel(datetime.datetime(2026, 6, 24, 9, 0, tzinfo=datetime.UTC), tick=False):
        page, data = dashboard("linyi_city")
        f = data["figures"]
        assert (f["secretaries_in_post"], f["public_welfare_companies"], f["fallback"]["compounds"]) == (
            396,
            49,
            410,
        )
        assert f["five_star_company_orgs"] == 25
        assert f["industry_party_orgs"] == {"city_level": 1, "county_level": 13}
        for card in (
            "在岗红领书记 396",
            "国有公益性物业企业 49",
            "公益性物业兜底小区 410",
            "五星级企业党组织 25",
        ):
            assert card in page
        luozhuang = next(c for c in data["children"] if c["region"]["code"] == LUOZHUANG)
        assert luozhuang["figures"]["old_compound_coverage"]["complete"] is True
        assert not data["targets"][1]["ratio"]["complete"]  # the city as a whole: not yet

        page, data = dashboard("luozhuang_county")
        old = data["targets"][1]
        assert old["ratio"]["complete"] and old["gaps"][0]["count"] == 0
        assert re.search(r"老旧小区物业服务覆盖率 达标 100\.0%", page)

        page, data = dashboard("heze_city")
        branches = data["figures"]["branch_coverage"]
        assert (branches["eligible"], branches["eligible_with_branch"]) == (638, 638)
        assert branches["ratio"]["complete"] and "638 / 638 100%" in page
        assert data["figures"]["industry_party_orgs"] == {"city_level": 1, "county_level": 11}


def test_the_red_and_black_lists_have_rows_in_most_months(db):
    """Each city's dashboard ranks its streets, communities and companies every month on at least
    WORKORDER_RANKING_MIN_CALLBACKS valid call-backs: in most closed months of the demo's year the
    street, community and company lists have rows on both the red and the black list (the orders
    concentrate on a few communities with their own companies)."""
    from apps.workorders import demo as workorders_demo
    from apps.workorders.metrics import workorder_rankings

    this_month = TODAY.replace(day=1)
    months = [m for m in workorders_demo._month_starts(TODAY) if m < this_month]
    assert len(months) == workorders_demo.MONTHS - 1
    for city in ("371300", "371700"):
        full = {"street": 0, "community": 0, "company": 0}
        for month in months:
            for kind in full:
                ranking = workorder_rankings(region=city, month=month, kind=kind)
                assert len(ranking.red) <= settings.WORKORDER_RANKING_SIZE
                if ranking.red and ranking.black:
                    full[kind] += 1
        assert all(n > len(months) * 2 / 3 for n in full.values()), (city, full, len(months))


def test_heze_public_rooms_recovered(db):
    """菏泽: 535 compounds, 117,000 m², ¥560 million — summed from the recovery cases (FIGURES.md)."""
    from decimal import Decimal

    if not apps.is_installed("apps.spaces"):
        pytest.skip("apps.spaces not installed")
    from apps.spaces.selectors import recovery_summary

    heze = recovery_summary(scope=HEZE)
    assert heze["compounds"] == 535
    assert heze["area"] == Decimal("117000.00")
    assert heze["value"] == Decimal("560000000.00")
    assert recovery_summary(scope=LINYI)["cases"] == 0
