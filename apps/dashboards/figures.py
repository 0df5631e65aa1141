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

Every function also takes `by=<prefix length>` for a region scope: the same figure for each child
region at once (6 = per county, 9 = per street, 12 = per community; 4 = per city of a province),
as a `ByGroup` keyed by the child's code prefix. It runs the same queries with a GROUP BY on the
prefix of the row's region column, so `f(scope, by=n)[child.prefix] == f(region_scope(child.code))`
— a ranking of children costs what one figure costs, not one figure per child. The grouped
result also knows the figure of the whole scope (`ByGroup.total`): the groups partition the rows
in scope, so counts and sums are added up over every group; the few figures that are not sums
(companies counted once however many children they serve) are counted directly, on demand.

The conditions that decide coverage (`company_covered_q`, `committee_covered_q`, `OLD_SERVED_Q`,
`rated_q`) are public so that the dashboard's gap lists select exactly the rows these figures
count as missing.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

from django.conf import settings
from django.db.models import BooleanField, Case, Count, Exists, OuterRef, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce, Substr
from django.utils import timezone

from apps.committees.choices import CommitteeKind
from apps.committees.models import OwnersCommittee
from apps.committees.selectors import active_q, red_q, with_roster_counts
from apps.core.scoping import Scope, scoped_to
from apps.party.choices import PartyOrgKind
from apps.party.models import PartyInstructor, PartyOrg, RedCollarSecretary, in_post_q
from apps.party.selectors import latest_rating_subquery
from apps.regions.choices import RegionLevel
from apps.registry.choices import CompanyKind, ManagementMode
from apps.registry.models import Compound, PropertyCompany


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


class ByGroup(dict):
    """{child region prefix: figure}. A child without any row gets the figure of no rows.

    `total` is the same figure for the whole scope: given as a value (summed over the groups),
    or as a function that counts it directly, called once when first asked for."""

    def __init__(self, values: dict, empty, total):
        super().__init__(values)
        self.empty = empty
        self._total = total

    def __missing__(self, key):
        return self.empty

    @property
    def total(self):
        if callable(self._total):
            self._total = self._total()
        return self._total


def _additive(aggregate) -> bool:
    """A COUNT or SUM of the rows, or COALESCE(SUM, 0): the whole is the sum of the groups.
    COUNT(DISTINCT …) is not."""
    if isinstance(aggregate, Coalesce):
        first, *rest = aggregate.get_source_expressions()
        return _additive(first) and all(isinstance(e, Value) and e.value == 0 for e in rest)
    return isinstance(aggregate, Count | Sum) and not aggregate.distinct


def _tally(qs: QuerySet, field: str, by: int | None, convert: Callable[[dict], object], **aggregates):
    """`convert(qs.aggregate(**aggregates))`, or with `by`, the same per prefix of `field`. The
    total of a grouped tally is the sum over all its groups (every row in scope is in exactly one
    group), or counted directly when an aggregate is not a sum."""
    if by is None:
        return convert(qs.aggregate(**aggregates))
    rows = list(
        qs.order_by()
        .annotate(_group=Substr(field, 1, by))
        .values("_group")
        .annotate(**aggregates)
        .values("_group", *aggregates)
    )
    if all(_additive(a) for a in aggregates.values()):
        total = convert({name: sum(row[name] or 0 for row in rows) for name in aggregates})
    else:
        total = lambda: convert(qs.aggregate(**aggregates))  # noqa: E731
    return ByGroup(
        {row.pop("_group"): convert(row) for row in rows}, convert(dict.fromkeys(aggregates, 0)), total
    )


def _combine(convert: Callable, *parts):
    """Join figures computed separately: `convert(*values)`, or per group when grouped (the
    total, too, is joined from the parts' totals, when first asked for)."""
    if not isinstance(parts[0], ByGroup):
        return convert(*parts)
    keys = set().union(*parts)
    return ByGroup(
        {k: convert(*(p[k] for p in parts)) for k in keys},
        convert(*(p.empty for p in parts)),
        lambda: convert(*(p.total for p in parts)),
    )


def _count(qs: QuerySet, field: str, by: int | None):
    return _tally(qs, field, by, lambda t: t["n"], n=Count("pk"))


# ------------------------------------------------------------ people and organisations
def secretaries_in_post(scope: Scope, *, on: datetime.date | None = None, by: int | None = None) -> int:
    """Red-collar secretaries (红领书记) in post on a day."""
    return _count(scoped_to(RedCollarSecretary.objects.filter(in_post_q(_today(on))), scope), "community", by)


def public_welfare_companies(scope: Scope, *, by: int | None = None) -> int:
    """State-owned public-welfare property companies registered in the region."""
    companies = PropertyCompany.objects.filter(kind=CompanyKind.PUBLIC_WELFARE)
    if scope.region_prefix:
        companies = companies.filter(region__pk__startswith=scope.region_prefix)
    else:
        companies = scoped_to(companies, scope)
    return _count(companies, "region", by)


def _served(scope: Scope, mode: str, by: int | None) -> Served:
    return _tally(
        scoped_to(Compound.objects.filter(management_mode=mode), scope),
        "community",
        by,
        lambda t: Served(**t),
        compounds=Count("pk"),
        households=Coalesce(Sum("households"), 0),
        companies=Count("company", distinct=True),
    )


def fallback(scope: Scope, *, by: int | None = None) -> Served:
    """Compounds under public-welfare fallback management (兜底) and the companies backing them."""
    return _served(scope, ManagementMode.FALLBACK, by)


def pairings(scope: Scope, *, by: int | None = None) -> Served:
    """Compounds taken by the hand by a large company (大手牵小手), and those companies."""
    return _served(scope, ManagementMode.PAIRING, by)


def company_orgs(scope: Scope) -> QuerySet[PartyOrg]:
    """Company party organisations in scope, annotated with their latest rating's stars."""
    return scoped_to(PartyOrg.objects.filter(kind=PartyOrgKind.COMPANY_ORG), scope).annotate(
        latest_stars=latest_rating_subquery("stars")
    )


def rated_q() -> Q:
    """Target 3 is met by an organisation (annotated by `company_orgs`) rated high enough lately."""
    return Q(latest_stars__gte=settings.RATING_TARGET_MIN_STARS)


def five_star_company_orgs(scope: Scope, *, by: int | None = None) -> int:
    """Company party organisations whose latest rating is five stars."""
    return _count(company_orgs(scope).filter(latest_stars=5), "region", by)


def rated_company_orgs(scope: Scope, *, by: int | None = None) -> Ratio:
    """Target 3: company party organisations whose latest rating is >= RATING_TARGET_MIN_STARS."""
    return _tally(
        company_orgs(scope),
        "region",
        by,
        lambda t: Ratio(t["rated"], t["total"]),
        total=Count("pk"),
        rated=Count("pk", filter=rated_q()),
    )


def industry_party_orgs(scope: Scope, *, by: int | None = None) -> IndustryOrgs:
    """Property-industry party organisations at city and at county level."""
    return _tally(
        scoped_to(PartyOrg.objects.filter(kind=PartyOrgKind.INDUSTRY_COMMITTEE), scope),
        "region",
        by,
        lambda t: IndustryOrgs(city_level=t["city"], county_level=t["county"]),
        city=Count("pk", filter=Q(region__level=RegionLevel.CITY)),
        county=Count("pk", filter=Q(region__level=RegionLevel.COUNTY)),
    )


def branch_eligible_q() -> Q:
    return Q(resident_party_members__gte=settings.BRANCH_MIN_PARTY_MEMBERS)


def has_branch_q(compound_ref: str = "pk") -> Q:
    """The compound (a Compound row, or `compound_ref` of another row) has formed a party branch.

    `IN (the branches' compounds)` rather than a correlated EXISTS: PostgreSQL hashes the few
    branches once instead of probing them per compound, and inside COUNT(…) FILTER an EXISTS was
    estimated so costly that every province count was JIT-compiled (≈ 20 ms of the 45 ms).
    The subquery never yields NULL, so the negation (`exclude`) stays exact."""
    branches = PartyOrg.objects.filter(kind=PartyOrgKind.COMPOUND_BRANCH, compound__isnull=False)
    return Q(**{f"{compound_ref}__in": branches.values("compound_id")})


def branch_coverage(scope: Scope, *, by: int | None = None) -> BranchCoverage:
    """Compounds eligible for a party branch vs those that have formed one."""
    eligible = _tally(
        scoped_to(Compound.objects.filter(branch_eligible_q()), scope),
        "community",
        by,
        lambda t: (t["eligible"], t["formed"]),
        eligible=Count("pk"),
        formed=Count("pk", filter=has_branch_q()),
    )
    branches = _count(
        scoped_to(PartyOrg.objects.filter(kind=PartyOrgKind.COMPOUND_BRANCH), scope), "region", by
    )
    return _combine(lambda e, b: BranchCoverage(e[0], e[1], b), eligible, branches)


# ------------------------------------------------------------ compounds and committees
OLD_SERVED_Q = ~Q(management_mode=ManagementMode.NONE)  # target 2: any property service


def old_compound_coverage(scope: Scope, *, by: int | None = None) -> Ratio:
    """Target 2: old compounds with any property service / all old compounds."""
    return _tally(
        scoped_to(Compound.objects.filter(is_old=True), scope),
        "community",
        by,
        lambda t: Ratio(t["served"], t["total"]),
        total=Count("pk"),
        served=Count("pk", filter=OLD_SERVED_Q),
    )


def old_compounds_by_mode(scope: Scope) -> dict[str, int]:
    """Old compounds per management mode (how target 2 is met), every mode present."""
    rows = (
        scoped_to(Compound.objects.filter(is_old=True), scope)
        .order_by()
        .values("management_mode")
        .annotate(n=Count("pk"))
    )
    counts = {row["management_mode"]: row["n"] for row in rows}
    return {mode: counts.get(mode, 0) for mode in ManagementMode.values}


def committees_in_office(scope: Scope, on: datetime.date) -> QuerySet[OwnersCommittee]:
    """Owners' committees (not 物管会) in office on a day: the committees of targets 1 and red."""
    return scoped_to(OwnersCommittee.objects.filter(active_q(on), kind=CommitteeKind.OWNERS_COMMITTEE), scope)


def red_committees(scope: Scope, *, on: datetime.date | None = None, by: int | None = None) -> Ratio:
    """Red owners' committees (per the rules of each compound's jurisdiction) / those in office."""
    committees = committees_in_office(scope, _today(on))
    red = _count(with_roster_counts(committees).filter(red_q()), "compound__community", by)
    return _combine(Ratio, red, _count(committees, "compound__community", by))


def company_covered_q(on: datetime.date) -> Q:
    """A property company has an own party organisation, is covered by a joint branch, or has a
    party-building instructor in post (target 1)."""
    instructors = PartyInstructor.objects.filter(in_post_q(on))
    return (
        Q(Exists(PartyOrg.objects.filter(kind=PartyOrgKind.COMPANY_ORG, company=OuterRef("pk"))))
        | Q(Exists(PartyOrg.objects.filter(kind=PartyOrgKind.JOINT_BRANCH, covered_companies=OuterRef("pk"))))
        | Q(Exists(instructors.filter(companies=OuterRef("pk"))))
    )


def committee_covered_q(on: datetime.date) -> Q:
    """An owners' committee's compound has a party branch, or an instructor in post guides it."""
    instructors = PartyInstructor.objects.filter(in_post_q(on))
    return has_branch_q("compound_id") | Q(Exists(instructors.filter(committees=OuterRef("pk"))))


def _companies_by(scope: Scope, on: datetime.date, by: int) -> ByGroup:
    """Target 1 for companies per child region. A company counts in every child it is registered
    in or serves a compound in (PropertyCompany.scope_q), so the groups overlap: two queries,
    joined here, one row per company and one per (company, child) served."""
    covered = Case(
        When(company_covered_q(on), then=Value(True)), default=Value(False), output_field=BooleanField()
    )
    companies = scoped_to(PropertyCompany.objects.all(), scope).annotate(covered=covered)
    served = defaultdict(set)
    pairs = (
        scoped_to(Compound.objects.filter(company__isnull=False), scope)
        .order_by()
        .annotate(_group=Substr("community", 1, by))
        .values_list("company_id", "_group")
        .distinct()
    )
    for company_id, group in pairs:
        served[company_id].add(group)
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    whole = [0, 0]  # each company in scope once
    for pk, region_id, is_covered in companies.values_list("pk", "region_id", "covered"):
        whole[0] += bool(is_covered)
        whole[1] += 1
        for group in served[pk] | {region_id[:by]}:
            totals[group][0] += bool(is_covered)
            totals[group][1] += 1
    return ByGroup({g: Ratio(c, t) for g, (c, t) in totals.items()}, Ratio(0, 0), Ratio(*whole))


def party_work_coverage(
    scope: Scope, *, on: datetime.date | None = None, by: int | None = None
) -> WorkCoverage:
    """Target 1: companies and owners' committees with an own party organisation, a joint branch
    or a party-building instructor in post."""
    on = _today(on)
    if by is None:
        companies = _tally(
            scoped_to(PropertyCompany.objects.all(), scope),
            "region",
            None,
            lambda t: Ratio(t["covered"], t["total"]),
            total=Count("pk"),
            covered=Count("pk", filter=company_covered_q(on)),
        )
    else:
        companies = _companies_by(scope, on, by)
    committees = _tally(
        committees_in_office(scope, on),
        "compound__community",
        by,
        lambda t: Ratio(t["covered"], t["total"]),
        total=Count("pk"),
        covered=Count("pk", filter=committee_covered_q(on)),
    )
    return _combine(lambda a, b: WorkCoverage(companies=a, committees=b), companies, committees)


# ------------------------------------------------------------ all of them
def figures(scope: Scope, *, on: datetime.date | None = None, by: int | None = None) -> Figures:
    """Every headline figure for a scope on a day (about twenty queries, none per row); with `by`,
    for every child region at once (a `ByGroup` of Figures, the same number of queries)."""
    on = _today(on)
    parts = {
        "secretaries_in_post": secretaries_in_post(scope, on=on, by=by),
        "public_welfare_companies": public_welfare_companies(scope, by=by),
        "fallback": fallback(scope, by=by),
        "pairings": pairings(scope, by=by),
        "five_star_company_orgs": five_star_company_orgs(scope, by=by),
        "old_compound_coverage": old_compound_coverage(scope, by=by),
        "branch_coverage": branch_coverage(scope, by=by),
        "industry_party_orgs": industry_party_orgs(scope, by=by),
        "red_committees": red_committees(scope, on=on, by=by),
        "party_work_coverage": party_work_coverage(scope, on=on, by=by),
        "rated_company_orgs": rated_company_orgs(scope, by=by),
    }
    names = list(parts)
    return _combine(lambda *values: Figures(on=on, **dict(zip(names, values, strict=True))), *parts.values())
