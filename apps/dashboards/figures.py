"""The headline figures (../shared/domain/FIGURES.md) and the three "100%" targets (RULES.md §3),
counted from rows for any scope.

A scope is either a whole region — `region_scope("371300")` for a province, city, county, street
or community code — or what a user may see — `scope_of(user)` (both in apps.core.scoping).
Nothing here is stored or typed in: change a row through a service and the figure changes.

Every function is a few set-based queries (COUNT with FILTER, EXISTS, scalar subqueries); none
loops over rows, so the same code serves a community and a province.

Choices worth knowing:
- "In a region" follows each model's own `scope_q`: compounds by community, party organisations
  by their region, secretaries by community. Public-welfare companies are counted where they are
  registered; the companies *backing* fallback compounds are counted through those compounds.
- Target 1 counts property companies in scope (registered there or serving a compound there) and
  owners' committees in office (not the temporary 物管会). A company is covered by its own party
  organisation, a joint branch or an instructor in post; a committee by its compound's party
  branch (the organisation it is cross-appointed with) or an instructor in post.
- Target 3 counts company party organisations whose *latest* rating reaches
  settings.RATING_TARGET_MIN_STARS; unrated ones count against it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from fractions import Fraction

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from apps.committees.models import CommitteeKind, OwnersCommittee
from apps.committees.selectors import active_q, red_q, with_roster_counts
from apps.core.scoping import Scope, scoped_to
from apps.party.models import PartyInstructor, PartyOrg, PartyOrgKind, RedCollarSecretary, in_post_q
from apps.party.selectors import latest_rating_subquery
from apps.regions.models import RegionLevel
from apps.registry.models import CompanyKind, Compound, ManagementMode, PropertyCompany


@dataclass(frozen=True)
class Ratio:
    """numerator / denominator, exact. An empty denominator has no percentage."""

    numerator: int
    denominator: int

    @property
    def fraction(self) -> Fraction | None:
        return Fraction(self.numerator, self.denominator) if self.denominator else None

    @property
    def percent(self) -> float | None:
        """For display only (one decimal); compare with `fraction` or `complete`."""
        return round(100 * self.numerator / self.denominator, 1) if self.denominator else None

    @property
    def complete(self) -> bool:
        """The 100% target is met (and there is something to meet it on)."""
        return self.denominator > 0 and self.numerator == self.denominator

    def __add__(self, other: Ratio) -> Ratio:
        return Ratio(self.numerator + other.numerator, self.denominator + other.denominator)

    def __str__(self) -> str:
        return f"{self.numerator}/{self.denominator}"


@dataclass(frozen=True)
class Served:
    """Compounds in one management mode, their households, and the companies serving them."""

    compounds: int
    households: int
    companies: int


@dataclass(frozen=True)
class BranchCoverage:
    eligible: int  # compounds with >= BRANCH_MIN_PARTY_MEMBERS resident party members
    eligible_with_branch: int
    branches: int  # all compound branches in scope (also in compounds not yet eligible)

    @property
    def ratio(self) -> Ratio:
        return Ratio(self.eligible_with_branch, self.eligible)


@dataclass(frozen=True)
class IndustryOrgs:
    city_level: int
    county_level: int


@dataclass(frozen=True)
class WorkCoverage:
    """Target 1: property companies and owners' committees with party organisation or work coverage."""

    companies: Ratio
    committees: Ratio

    @property
    def total(self) -> Ratio:
        return self.companies + self.committees


@dataclass(frozen=True)
class Figures:
    on: datetime.date
    secretaries_in_post: int
    public_welfare_companies: int
    fallback: Served
    pairings: Served
    five_star_company_orgs: int
    old_compound_coverage: Ratio  # target 2
    branch_coverage: BranchCoverage
    industry_party_orgs: IndustryOrgs
    red_committees: Ratio
    party_work_coverage: WorkCoverage  # target 1
    rated_company_orgs: Ratio  # target 3


def _today(on: datetime.date | None) -> datetime.date:
    return on or timezone.localdate()


# ------------------------------------------------------------ people and organisations
def secretaries_in_post(scope: Scope, *, on: datetime.date | None = None) -> int:
    """Red-collar secretaries (红领书记) in post on a day."""
    return scoped_to(RedCollarSecretary.objects.filter(in_post_q(_today(on))), scope).count()


def public_welfare_companies(scope: Scope) -> int:
    """State-owned public-welfare property companies registered in the region."""
    companies = PropertyCompany.objects.filter(kind=CompanyKind.PUBLIC_WELFARE)
    if scope.region_prefix:
        return companies.filter(region__pk__startswith=scope.region_prefix).count()
    return scoped_to(companies, scope).count()


def _served(scope: Scope, mode: str) -> Served:
    totals = scoped_to(Compound.objects.filter(management_mode=mode), scope).aggregate(
        compounds=Count("pk"),
        households=Coalesce(Sum("households"), 0),
        companies=Count("company", distinct=True),
    )
    return Served(**totals)


def fallback(scope: Scope) -> Served:
    """Compounds under public-welfare fallback management (兜底) and the companies backing them."""
    return _served(scope, ManagementMode.FALLBACK)


def pairings(scope: Scope) -> Served:
    """Compounds taken by the hand by a large company (大手牵小手), and those companies."""
    return _served(scope, ManagementMode.PAIRING)


def _company_orgs(scope: Scope):
    return scoped_to(PartyOrg.objects.filter(kind=PartyOrgKind.COMPANY_ORG), scope).annotate(
        latest_stars=latest_rating_subquery("stars")
    )


def five_star_company_orgs(scope: Scope) -> int:
    """Company party organisations whose latest rating is five stars."""
    return _company_orgs(scope).filter(latest_stars=5).count()


def rated_company_orgs(scope: Scope) -> Ratio:
    """Target 3: company party organisations whose latest rating is >= RATING_TARGET_MIN_STARS."""
    totals = _company_orgs(scope).aggregate(
        total=Count("pk"), rated=Count("pk", filter=Q(latest_stars__gte=settings.RATING_TARGET_MIN_STARS))
    )
    return Ratio(totals["rated"], totals["total"])


def industry_party_orgs(scope: Scope) -> IndustryOrgs:
    """Property-industry party organisations at city and at county level."""
    totals = scoped_to(PartyOrg.objects.filter(kind=PartyOrgKind.INDUSTRY_COMMITTEE), scope).aggregate(
        city=Count("pk", filter=Q(region__level=RegionLevel.CITY)),
        county=Count("pk", filter=Q(region__level=RegionLevel.COUNTY)),
    )
    return IndustryOrgs(city_level=totals["city"], county_level=totals["county"])


def _has_branch(compound_ref: str = "pk"):
    return Exists(PartyOrg.objects.filter(kind=PartyOrgKind.COMPOUND_BRANCH, compound=OuterRef(compound_ref)))


def branch_coverage(scope: Scope) -> BranchCoverage:
    """Compounds eligible for a party branch vs those that have formed one."""
    totals = scoped_to(
        Compound.objects.filter(resident_party_members__gte=settings.BRANCH_MIN_PARTY_MEMBERS), scope
    ).aggregate(eligible=Count("pk"), formed=Count("pk", filter=Q(_has_branch())))
    branches = scoped_to(PartyOrg.objects.filter(kind=PartyOrgKind.COMPOUND_BRANCH), scope).count()
    return BranchCoverage(totals["eligible"], totals["formed"], branches)


# ------------------------------------------------------------ compounds and committees
def old_compound_coverage(scope: Scope) -> Ratio:
    """Target 2: old compounds with any property service / all old compounds."""
    totals = scoped_to(Compound.objects.filter(is_old=True), scope).aggregate(
        total=Count("pk"), served=Count("pk", filter=~Q(management_mode=ManagementMode.NONE))
    )
    return Ratio(totals["served"], totals["total"])


def _committees_in_office(scope: Scope, on: datetime.date):
    return scoped_to(OwnersCommittee.objects.filter(active_q(on), kind=CommitteeKind.OWNERS_COMMITTEE), scope)


def red_committees(scope: Scope, *, on: datetime.date | None = None) -> Ratio:
    """Red owners' committees (per the rules of each compound's jurisdiction) / those in office."""
    committees = _committees_in_office(scope, _today(on))
    return Ratio(with_roster_counts(committees).filter(red_q()).count(), committees.count())


def party_work_coverage(scope: Scope, *, on: datetime.date | None = None) -> WorkCoverage:
    """Target 1: companies and owners' committees with an own party organisation, a joint branch
    or a party-building instructor in post."""
    on = _today(on)
    instructors = PartyInstructor.objects.filter(in_post_q(on))
    company_covered = (
        Q(Exists(PartyOrg.objects.filter(kind=PartyOrgKind.COMPANY_ORG, company=OuterRef("pk"))))
        | Q(Exists(PartyOrg.objects.filter(kind=PartyOrgKind.JOINT_BRANCH, covered_companies=OuterRef("pk"))))
        | Q(Exists(instructors.filter(companies=OuterRef("pk"))))
    )
    companies = scoped_to(PropertyCompany.objects.all(), scope).aggregate(
        total=Count("pk"), covered=Count("pk", filter=company_covered)
    )
    committee_covered = Q(_has_branch("compound_id")) | Q(
        Exists(instructors.filter(committees=OuterRef("pk")))
    )
    committees = _committees_in_office(scope, on).aggregate(
        total=Count("pk"), covered=Count("pk", filter=committee_covered)
    )
    return WorkCoverage(
        companies=Ratio(companies["covered"], companies["total"]),
        committees=Ratio(committees["covered"], committees["total"]),
    )


# ------------------------------------------------------------ all of them
def figures(scope: Scope, *, on: datetime.date | None = None) -> Figures:
    """Every headline figure for a scope on a day (about twenty queries, none per row)."""
    on = _today(on)
    return Figures(
        on=on,
        secretaries_in_post=secretaries_in_post(scope, on=on),
        public_welfare_companies=public_welfare_companies(scope),
        fallback=fallback(scope),
        pairings=pairings(scope),
        five_star_company_orgs=five_star_company_orgs(scope),
        old_compound_coverage=old_compound_coverage(scope),
        branch_coverage=branch_coverage(scope),
        industry_party_orgs=industry_party_orgs(scope),
        red_committees=red_committees(scope, on=on),
        party_work_coverage=party_work_coverage(scope, on=on),
        rated_company_orgs=rated_company_orgs(scope),
    )
