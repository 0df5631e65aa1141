"""Pairing planner (结对规划): which market companies should adopt which unserved old compounds.

A global assignment, solved by scipy.optimize.linear_sum_assignment (Hungarian / Jonker-Volgenant)
on a compounds × company-slots cost matrix: each company is expanded into as many columns as it
has free slots (capacity the county sets, minus compounds it already adopts). A pair farther
than PLANNER_MAX_DISTANCE_KM, or with a company whose location is unknown, costs BIG; BIG exceeds
any sum of feasible costs, so the optimum first covers as many compounds as possible and then
minimises the total distance. Ties are broken by the company's rating (higher first) and load
(lower first) with weights far below one metre.

A compound without coordinates is not guessed: it is listed apart, for the officer to place.
A company's location is the centre of the compounds it already serves that have coordinates.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linear_sum_assignment

EARTH_KM = 6371.0088
RATING_WEIGHT = 1e-4  # km per star: a tie-break only
LOAD_WEIGHT = 1e-5  # km per compound already adopted


@dataclass(frozen=True)
class Site:
    id: int
    name: str
    lat: float | None
    lon: float | None
    households: int = 0


@dataclass(frozen=True)
class Adopter:
    id: int
    name: str
    lat: float | None
    lon: float | None
    stars: int | None = None
    load: int = 0
    capacity: int = 3

    @property
    def slots(self) -> int:
        return max(self.capacity - self.load, 0)


@dataclass(frozen=True)
class Proposal:
    site: Site
    adopter: Adopter | None
    distance_km: float | None


@dataclass
class Plan:
    proposals: list[Proposal]  # one per site with coordinates, assigned or not
    no_coordinates: list[Site]
    adopters: list[Adopter]
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)
    # site id → every adopter within reach, nearest first: what the officer may switch a row to
    options: dict[int, list[tuple[Adopter, float]]] = field(default_factory=dict)

    @property
    def assigned(self) -> list[Proposal]:
        return [p for p in self.proposals if p.adopter is not None]

    @property
    def total_km(self) -> float:
        return sum(p.distance_km or 0 for p in self.assigned)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_KM * math.asin(math.sqrt(a))


def _distances(placed: list[Site], adopters: list[Adopter]) -> np.ndarray:
    """Haversine km, sites × adopters, vectorised; inf where the adopter has no location."""
    lat1 = np.radians(np.array([float(s.lat) for s in placed]))[:, None]
    lon1 = np.radians(np.array([float(s.lon) for s in placed]))[:, None]
    known = np.array([a.lat is not None and a.lon is not None for a in adopters])
    lat2 = np.radians(np.array([float(a.lat) if k else 0.0 for a, k in zip(adopters, known, strict=True)]))[
        None, :
    ]
    lon2 = np.radians(np.array([float(a.lon) if k else 0.0 for a, k in zip(adopters, known, strict=True)]))[
        None, :
    ]
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    km = 2 * EARTH_KM * np.arcsin(np.sqrt(a))
    return np.where(known[None, :], km, np.inf)


def solve(sites: list[Site], adopters: list[Adopter], *, max_km: float) -> Plan:
    """The pure planner: no database, deterministic for the same input."""
    import time

    started = time.perf_counter()
    placed = [s for s in sites if s.lat is not None and s.lon is not None]
    unplaced = [s for s in sites if s.lat is None or s.lon is None]
    slots = [a for a in adopters for _ in range(a.slots)]
    plan = Plan(proposals=[], no_coordinates=unplaced, adopters=adopters)
    if not placed or not slots:
        plan.proposals = [Proposal(s, None, None) for s in placed]
        plan.seconds = time.perf_counter() - started
        return plan
    distance = _distances(placed, adopters)
    feasible = distance <= max_km
    bonus = np.array([-(a.stars or 0) * RATING_WEIGHT + a.load * LOAD_WEIGHT for a in adopters])
    per_adopter = np.where(feasible, distance + bonus, 0.0)
    big = (max_km + 1.0) * (len(placed) + 1)
    per_adopter = np.where(feasible, per_adopter, big)
    column_of = np.array([j for j, a in enumerate(adopters) for _ in range(a.slots)])
    cost = per_adopter[:, column_of]
    rows, cols = linear_sum_assignment(cost)
    chosen: dict[int, int] = {}
    for i, c in zip(rows, cols, strict=True):
        j = int(column_of[c])
        if feasible[i, j]:
            chosen[int(i)] = j
    for i, s in enumerate(placed):
        reach = sorted((float(distance[i, j]), j) for j in range(len(adopters)) if feasible[i, j])
        plan.options[s.id] = [(adopters[j], round(km, 3)) for km, j in reach]
        j = chosen.get(i)
        plan.proposals.append(
            Proposal(
                s,
                adopters[j] if j is not None else None,
                round(float(distance[i, j]), 3) if j is not None else None,
            )
        )
    plan.seconds = time.perf_counter() - started
    return plan


# ------------------------------------------------------------ from the database
def inputs_for_county(
    county_code: str, *, capacities: dict[int, int] | None = None, on: datetime.date | None = None
) -> tuple[list[Site], list[Adopter]]:
    """The county's unserved old compounds and its market companies, with locations and loads.
    Capacities: those the county stored (PlannerCapacity), else the jurisdiction's default;
    `capacities` (company id → n) replaces the stored ones (tests, benchmarks)."""
    from django.db.models import Avg, Count, Q

    from apps.core.scoping import region_scope
    from apps.party.models import PartyOrg, PartyOrgKind
    from apps.party.selectors import latest_rating_subquery
    from apps.programs.choices import ArrangementMode
    from apps.programs.models import ServiceArrangement, in_force_q
    from apps.programs.selectors import (
        default_capacity,
        planner_capacities,
        planner_companies,
        unserved_old_compounds,
    )

    capacities = planner_capacities(county_code) if capacities is None else capacities
    default = default_capacity(county_code)
    scope = region_scope(county_code)
    sites = [
        Site(c.pk, c.name, c.latitude, c.longitude, c.households)
        for c in unserved_old_compounds(scope, on=on).only(
            "pk", "name", "latitude", "longitude", "households"
        )
    ]
    companies = list(
        planner_companies(county_code).annotate(
            lat=Avg("compounds__latitude", filter=Q(compounds__latitude__isnull=False)),
            lon=Avg("compounds__longitude", filter=Q(compounds__longitude__isnull=False)),
        )
    )
    ids = [c.pk for c in companies]
    stars = dict(
        PartyOrg.objects.filter(kind=PartyOrgKind.COMPANY_ORG, company_id__in=ids)
        .annotate(s=latest_rating_subquery("stars"))
        .values_list("company_id", "s")
    )
    from django.utils import timezone

    day = on or timezone.localdate()
    loads = dict(
        ServiceArrangement.objects.filter(in_force_q(day), mode=ArrangementMode.PAIRING, company_id__in=ids)
        .values("company_id")
        .annotate(n=Count("pk"))
        .values_list("company_id", "n")
    )
    adopters = [
        Adopter(
            c.pk,
            c.name,
            float(c.lat) if c.lat is not None else None,
            float(c.lon) if c.lon is not None else None,
            stars.get(c.pk),
            loads.get(c.pk, 0),
            capacities.get(c.pk, default),
        )
        for c in companies
    ]
    return sites, adopters


def plan_for_county(
    county_code: str, *, capacities: dict[int, int] | None = None, on: datetime.date | None = None
) -> Plan:
    from django.conf import settings

    sites, adopters = inputs_for_county(county_code, capacities=capacities, on=on)
    return solve(sites, adopters, max_km=settings.PLANNER_MAX_DISTANCE_KM)
