"""Reads of the governance dashboard: which region a user may open, its figures with the same
figures for each child region (the ranking), the compounds of a community, the rows behind
each figure (the gap lists), and the layout of the county tile map.

Everything counts rows through apps/dashboards/figures.py; nothing here re-states a rule.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Avg, Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, Substr
from django.http import Http404

from apps.committees.choices import CommitteeKind
from apps.committees.models import OwnersCommittee
from apps.committees.selectors import active_q, red_q, with_roster_counts
from apps.core.scoping import PREFIX_LENGTH, Scope, get_scoped_or_404, region_scope, scope_of, scoped_to
from apps.dashboards import figures as fig
from apps.dashboards.models import RegionBoundary
from apps.party.choices import PartyOrgKind
from apps.party.models import PartyOrg, RedCollarSecretary, in_post_q
from apps.party.selectors import latest_rating_subquery
from apps.regions.choices import RegionLevel
from apps.regions.models import Region
from apps.registry.choices import CompanyKind, ManagementMode
from apps.registry.models import Compound, PropertyCompany
from apps.workorders.metrics import Metrics


# ------------------------------------------------------------ which region
def dashboard_region_for(*, user, code: str | None) -> Region:
    """The region a user's dashboard shows: `code` when it lies inside the user's scope, else
    (no code) the user's own region — a superuser's default is the first province. A code
    outside the scope, or unknown, is a 404 (the same answer for both)."""
    scope = scope_of(user)
    if not code:
        if scope.region_code:
            code = scope.region_code
        elif scope.everything:
            code = (
                Region.objects.filter(level=RegionLevel.PROVINCE)
                .order_by("code")
                .values_list("pk", flat=True)
                .first()
            )
        if not code:
            raise Http404("您的账号没有可查看的区划。")
    return get_scoped_or_404(Region.objects.select_related("parent"), user, pk=str(code)[:12])


def ancestor_codes(code: str) -> list[str]:
    """Codes of the regions above a code, from the province down (no query: codes nest)."""
    candidates = [code[:2] + "0000", code[:4] + "00", code[:6], code[:9]]
    out = []
    for candidate in candidates:
        if candidate != code and candidate not in out and code.startswith(candidate.rstrip("0")):
            out.append(candidate)
    return out


def path_for(*, user, region: Region) -> list[Region]:
    """The breadcrumb: the regions above `region` that the user may open, then the region."""
    scope = scope_of(user)
    codes = [c for c in ancestor_codes(region.code) if scope.contains_code(c)]
    above = list(Region.objects.filter(code__in=codes).order_by("code")) if codes else []
    return [*above, region]


# ------------------------------------------------------------ coverage of a region
@dataclass
class ChildRow:
    region: Region
    figures: fig.Figures
    orders: Metrics = field(default_factory=Metrics)  # work orders of the period (views fill it in)


@dataclass
class Coverage:
    region: Region
    on: datetime.date
    figures: fig.Figures
    children: list[ChildRow]
    child_level: str | None  # RegionLevel of the children, or None (a community: compounds)

    @property
    def scope(self) -> Scope:
        return region_scope(self.region.code)


def child_regions(region: Region) -> list[Region]:
    return list(Region.objects.filter(parent=region).order_by("code"))


def coverage(*, region: Region, on: datetime.date) -> Coverage:
    """The figures of a region and of each child region: one grouped pass per child level, and
    the region's own figures summed from that pass (`ByGroup.total`) rather than counted again."""
    scope = region_scope(region.code)
    children = child_regions(region)
    rows = []
    total = None
    for length in sorted({PREFIX_LENGTH[c.level] for c in children}):
        grouped = fig.figures(scope, on=on, by=length)
        rows += [ChildRow(c, grouped[c.prefix]) for c in children if PREFIX_LENGTH[c.level] == length]
        total = grouped.total
    rows.sort(key=lambda row: row.region.code)
    levels = {c.level for c in children}
    return Coverage(
        region=region,
        on=on,
        figures=total if total is not None else fig.figures(scope, on=on),
        children=rows,
        child_level=levels.pop() if len(levels) == 1 else None,
    )


# ------------------------------------------------------------ the compounds of a community
def compound_rows(*, region: Region, on: datetime.date) -> QuerySet[Compound]:
    """Each compound of a region with the facts behind every coverage figure, for the ranking
    at community level (one query)."""
    committees = OwnersCommittee.objects.filter(
        active_q(on), kind=CommitteeKind.OWNERS_COMMITTEE, compound=OuterRef("pk")
    )
    covered = OwnersCommittee.objects.filter(
        active_q(on),
        fig.committee_covered_q(on),
        kind=CommitteeKind.OWNERS_COMMITTEE,
        compound=OuterRef("pk"),
    )
    red = with_roster_counts(
        OwnersCommittee.objects.filter(active_q(on), kind=CommitteeKind.OWNERS_COMMITTEE)
    ).filter(red_q(), compound=OuterRef("pk"))
    return (
        scoped_to(Compound.objects.select_related("company"), region_scope(region.code))
        .annotate(
            has_branch=Exists(
                PartyOrg.objects.filter(kind=PartyOrgKind.COMPOUND_BRANCH, compound=OuterRef("pk"))
            ),
            has_committee=Exists(committees),
            committee_covered=Exists(covered),
            red_committee=Exists(red),
        )
        .order_by("code")
    )


# ------------------------------------------------------------ the rows behind the figures
def old_compounds_unserved(scope: Scope) -> QuerySet[Compound]:
    """Target 2's gap: old compounds with no property service."""
    return scoped_to(
        Compound.objects.filter(is_old=True)
        .exclude(fig.OLD_SERVED_Q)
        .select_related("community__parent__parent"),
        scope,
    )


def companies_uncovered(scope: Scope, on: datetime.date) -> QuerySet[PropertyCompany]:
    """Target 1's gap among companies: no own party organisation, joint branch or instructor.
    Annotated with the number of compounds each serves inside the scope."""
    served = (
        Compound.objects.filter(company=OuterRef("pk"))
        .filter(Compound.scope_q(scope))
        .order_by()
        .values("company")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return scoped_to(
        PropertyCompany.objects.exclude(fig.company_covered_q(on))
        .select_related("region")
        .annotate(compounds_here=Coalesce(Subquery(served, output_field=IntegerField()), 0)),
        scope,
    )


def committees_uncovered(scope: Scope, on: datetime.date) -> QuerySet[OwnersCommittee]:
    """Target 1's gap among owners' committees in office: no compound branch, no instructor."""
    return (
        fig.committees_in_office(scope, on)
        .exclude(fig.committee_covered_q(on))
        .select_related("compound__community__parent")
    )


def company_orgs_below_target(scope: Scope) -> QuerySet[PartyOrg]:
    """Target 3's gap: company party organisations unrated, or rated below the bar lately."""
    return (
        fig.company_orgs(scope)
        .filter(Q(latest_stars__isnull=True) | Q(latest_stars__lt=settings.RATING_TARGET_MIN_STARS))
        .annotate(latest_year=latest_rating_subquery("year"))
        .select_related("company", "region")
    )


def five_star_orgs(scope: Scope) -> QuerySet[PartyOrg]:
    return (
        fig.company_orgs(scope)
        .filter(latest_stars=5)
        .annotate(latest_year=latest_rating_subquery("year"))
        .select_related("company", "region")
    )


def compounds_without_branch(scope: Scope) -> QuerySet[Compound]:
    """Compounds eligible for a party branch that have not formed one."""
    return scoped_to(
        Compound.objects.filter(fig.branch_eligible_q())
        .exclude(fig.has_branch_q())
        .select_related("community__parent__parent"),
        scope,
    )


def red_committee_list(scope: Scope, on: datetime.date) -> QuerySet[OwnersCommittee]:
    return (
        with_roster_counts(fig.committees_in_office(scope, on))
        .filter(red_q())
        .select_related("compound__community__parent")
    )


def secretaries_in_post(scope: Scope, on: datetime.date) -> QuerySet[RedCollarSecretary]:
    return scoped_to(
        RedCollarSecretary.objects.filter(in_post_q(on)).select_related("community__parent__parent"), scope
    )


def secretaries_registered(code: str) -> bool:
    """Has the region ever had a red-collar secretary (in post or since left)? Heze, for one, does
    not dispatch them (the seed article names the practice for Linyi only)."""
    return scoped_to(RedCollarSecretary.objects.all(), region_scope(code)).exists()


def welfare_companies(scope: Scope) -> QuerySet[PropertyCompany]:
    """Public-welfare companies registered in the region or backing a compound there, with the
    fallback compounds and households they back inside the region."""
    backed = Compound.objects.filter(management_mode=ManagementMode.FALLBACK).filter(Compound.scope_q(scope))
    inside = Q(compounds__in=backed)
    companies = PropertyCompany.objects.filter(kind=CompanyKind.PUBLIC_WELFARE).filter(
        Q(region__pk__startswith=scope.region_prefix) | Q(Exists(backed.filter(company=OuterRef("pk"))))
    )
    return (
        companies.select_related("region")
        .annotate(
            fallback_compounds=Count("compounds", filter=inside),
            fallback_households=Coalesce(Sum("compounds__households", filter=inside), 0),
        )
        .order_by("region_id", "name")
    )


def pairing_compounds(scope: Scope) -> QuerySet[Compound]:
    return scoped_to(
        Compound.objects.filter(management_mode=ManagementMode.PAIRING).select_related(
            "community__parent", "company"
        ),
        scope,
    )


# ------------------------------------------------------------ the map
@dataclass
class Tile:
    region: Region
    x: int
    y: int


def tiles(*, region: Region, children: list[Region]) -> list[Tile]:
    """A tile grid of the children (one square each), roughly where they lie: rows by the mean
    latitude of their compounds, north first, and west to east within a row. Children without
    located compounds go last, in code order."""
    if not children:
        return []
    length = PREFIX_LENGTH[children[0].level]
    centres = {
        row["_group"]: (row["lat"], row["lon"])
        for row in Compound.objects.filter(
            community__pk__startswith=region.prefix, latitude__isnull=False, longitude__isnull=False
        )
        .order_by()
        .annotate(_group=Substr("community", 1, length))
        .values("_group")
        .annotate(lat=Avg("latitude"), lon=Avg("longitude"))
    }
    located = sorted((c for c in children if c.prefix in centres), key=lambda c: -float(centres[c.prefix][0]))
    unlocated = [c for c in children if c.prefix not in centres]
    columns = max(1, math.ceil(math.sqrt(len(children))))
    out = []
    for start in range(0, len(located), columns):
        row = sorted(located[start : start + columns], key=lambda c: float(centres[c.prefix][1]))
        out += [Tile(c, x, start // columns) for x, c in enumerate(row)]
    first = math.ceil(len(located) / columns)
    out += [Tile(c, i % columns, first + i // columns) for i, c in enumerate(unlocated)]
    return out


def boundaries_of(regions: list[Region]) -> QuerySet[RegionBoundary]:
    return RegionBoundary.objects.filter(region__in=regions).select_related("region").order_by("region_id")


MAX_POINTS = 5000


def compound_points(*, region: Region) -> list[dict]:
    """The located compounds of a region for the map (at most MAX_POINTS + 1, nearest first by
    code): name, coordinates, management mode, old-compound flag. One query."""
    rows = (
        scoped_to(Compound.objects.all(), region_scope(region.code))
        .filter(latitude__isnull=False, longitude__isnull=False)
        .order_by("code")
        .values("pk", "name", "latitude", "longitude", "management_mode", "is_old")[: MAX_POINTS + 1]
    )
    return list(rows)


def compound_count(*, region: Region) -> int:
    return scoped_to(Compound.objects.all(), region_scope(region.code)).count()


def boundary_count(regions: list[Region]) -> int:
    return RegionBoundary.objects.filter(region__in=regions).count()
