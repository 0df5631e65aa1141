"""Reads of the programmes, scoped to the user, and the coverage figures "as of" any day.

Coverage is derived from the arrangement in force on the day (not from Compound.management_mode,
which only holds today's): an old compound counts in the mode of its arrangement on that day, or
as unserved. One grouped query per figure whatever the size of the region.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Case, CharField, Count, Exists, F, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce, ExtractYear, Substr
from django.urls import reverse
from django.utils import timezone

from apps.core.scoping import Scope, region_scope, scope_of, scoped, scoped_to
from apps.programs.choices import AgreementStatus, ArrangementMode, SubsidyStatus
from apps.programs.models import (
    FallbackAgreement,
    Inspection,
    PairingAgreement,
    PlannerCapacity,
    ServiceArrangement,
    SubsidyApplication,
    in_force_q,
)
from apps.registry.models import CompanyKind, Compound, PropertyCompany

NONE = "none"


def arrangement_list_for(*, user):
    return scoped(ServiceArrangement.objects.select_related("compound", "company"), user)


def fallback_list_for(*, user):
    return scoped(FallbackAgreement.objects.select_related("compound", "company"), user)


def pairing_list_for(*, user):
    return scoped(PairingAgreement.objects.select_related("compound", "company", "owners_decision"), user)


def subsidy_list_for(*, user):
    return scoped(SubsidyApplication.objects.select_related("compound", "company"), user)


def inspection_list_for(*, user):
    return scoped(Inspection.objects.select_related("agreement__compound", "agreement__company"), user)


def compounds_for(scope: Scope):
    return scoped_to(Compound.objects.all(), scope)


# ------------------------------------------------------------ coverage as of a day
def mode_on_subquery(on: datetime.date):
    """The compound's mode on the day: that of its arrangement in force; for a compound that has
    never had an arrangement (registered with a mode after the data migration, through the
    registry's own form), its registered mode from the day it was registered. NULL: none."""
    in_force = Subquery(
        ServiceArrangement.objects.filter(in_force_q(on), compound_id=OuterRef("pk")).values("mode")[:1]
    )
    legacy = Case(
        When(
            ~Exists(ServiceArrangement.objects.filter(compound_id=OuterRef("pk")))
            & Q(created_at__date__lte=on)
            & ~Q(management_mode=NONE),
            then=F("management_mode"),
        ),
        default=Value(None),
        output_field=CharField(),
    )
    return Coalesce(in_force, legacy)


@dataclass(frozen=True)
class Coverage:
    on: datetime.date
    total: int
    by_mode: dict[str, int]  # every ArrangementMode value + "none"

    @property
    def served(self) -> int:
        return self.total - self.by_mode.get(NONE, 0)

    @property
    def percent(self) -> float | None:
        return round(100 * self.served / self.total, 1) if self.total else None

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.served == self.total


def coverage_by_mode(scope: Scope, *, on: datetime.date | None = None, old_only: bool = True) -> Coverage:
    """Old compounds of the scope per mode of the arrangement in force on `on` (RULES.md §3 target 2)."""
    on = on or timezone.localdate()
    qs = compounds_for(scope)
    if old_only:
        qs = qs.filter(is_old=True)
    rows = qs.order_by().annotate(m=mode_on_subquery(on)).values("m").annotate(n=Count("pk"))
    counts = {(row["m"] or NONE): row["n"] for row in rows}
    by_mode = {mode: counts.get(mode, 0) for mode in [*ArrangementMode.values, NONE]}
    return Coverage(on=on, total=sum(by_mode.values()), by_mode=by_mode)


def coverage_by_child(scope: Scope, *, by: int, on: datetime.date | None = None) -> dict[str, Coverage]:
    """The same per child region (prefix length `by` of the community code), one query."""
    on = on or timezone.localdate()
    rows = (
        compounds_for(scope)
        .filter(is_old=True)
        .order_by()
        .annotate(m=mode_on_subquery(on), g=Substr("community", 1, by))
        .values("g", "m")
        .annotate(n=Count("pk"))
    )
    grouped: dict[str, dict[str, int]] = {}
    for row in rows:
        grouped.setdefault(row["g"], {})[row["m"] or NONE] = row["n"]
    return {
        g: Coverage(
            on=on, total=sum(c.values()), by_mode={m: c.get(m, 0) for m in [*ArrangementMode.values, NONE]}
        )
        for g, c in grouped.items()
    }


def month_ends(last: datetime.date, months: int) -> list[datetime.date]:
    """The last day of each of `months` months up to `last`'s month (oldest first)."""
    out = []
    day = last
    for _ in range(months):
        out.append(day)
        day = day.replace(day=1) - datetime.timedelta(days=1)
    return list(reversed(out))


# ------------------------------------------------------------ the overview's figures
@dataclass(frozen=True)
class Overview:
    coverage: Coverage
    welfare_companies: int  # public-welfare companies backing fallback compounds on the day
    fallback_compounds: int
    pairing_compounds: int
    pairing_households: int
    subsidies_paid: Decimal
    subsidies_pending: int
    transitions_due: int
    failed_inspections: int  # inspections that failed in the last three months
    agreements_with_notice: int


def overview(scope: Scope, *, on: datetime.date | None = None) -> Overview:
    from django.conf import settings

    on = on or timezone.localdate()
    coverage = coverage_by_mode(scope, on=on)
    in_force = scoped_to(ServiceArrangement.objects.filter(in_force_q(on)), scope)
    fallback = in_force.filter(mode=ArrangementMode.FALLBACK).aggregate(
        n=Count("compound", distinct=True),
        companies=Count("company", distinct=True, filter=Q(company__kind=CompanyKind.PUBLIC_WELFARE)),
    )
    pairing = in_force.filter(mode=ArrangementMode.PAIRING).aggregate(
        n=Count("compound", distinct=True), households=Sum("compound__households")
    )
    subsidies = scoped_to(SubsidyApplication.objects.all(), scope).aggregate(
        paid=Sum("disbursed_amount", filter=Q(status=SubsidyStatus.DISBURSED)),
        pending=Count("pk", filter=Q(status__in=[SubsidyStatus.APPLIED, SubsidyStatus.APPROVED])),
    )
    due = scoped_to(
        PairingAgreement.objects.filter(
            status=AgreementStatus.SIGNED,
            outcome="",
            transition_date__gte=on,
            transition_date__lte=on + datetime.timedelta(days=settings.PAIRING_REMINDER_DAYS),
        ),
        scope,
    ).count()
    since = (on.replace(day=1) - datetime.timedelta(days=62)).replace(day=1)
    failed = scoped_to(Inspection.objects.filter(passed=False, period__gte=since), scope).count()
    notices = scoped_to(FallbackAgreement.objects.filter(notice_sent_on__isnull=False), scope).count()
    return Overview(
        coverage=coverage,
        welfare_companies=fallback["companies"],
        fallback_compounds=fallback["n"],
        pairing_compounds=pairing["n"],
        pairing_households=pairing["households"] or 0,
        subsidies_paid=subsidies["paid"] or Decimal("0"),
        subsidies_pending=subsidies["pending"],
        transitions_due=due,
        failed_inspections=failed,
        agreements_with_notice=notices,
    )


def subsidy_totals(scope: Scope) -> list[dict]:
    """Disbursed subsidies per county, programme and year."""
    rows = (
        scoped_to(SubsidyApplication.objects.filter(status=SubsidyStatus.DISBURSED), scope)
        .order_by()
        .annotate(county=Substr("compound__community", 1, 6), year=ExtractYear("period"))
        .values("county", "programme", "year")
        .annotate(total=Sum("disbursed_amount"), n=Count("pk"))
        .order_by("county", "programme", "year")
    )
    return list(rows)


def unserved_old_compounds(scope: Scope, *, on: datetime.date | None = None):
    """Old compounds in scope without service on the day and without a pairing draft (what the
    planner works on)."""
    on = on or timezone.localdate()
    drafts = PairingAgreement.objects.filter(compound_id=OuterRef("pk"), status=AgreementStatus.DRAFT)
    return (
        compounds_for(scope)
        .filter(is_old=True)
        .annotate(mode_on=mode_on_subquery(on))
        .filter(mode_on__isnull=True)
        .exclude(Exists(drafts))
        .order_by("code")
    )


def home_tiles(user) -> list[dict]:
    if not user.has_perm("programs.view_coverage"):
        return []
    scope = scope_of(user)
    if not scope.region_prefix and not scope.everything:
        return []
    coverage = coverage_by_mode(scope)
    return [
        {
            "label": "老旧小区物业服务覆盖率",
            "value": f"{coverage.percent}%" if coverage.percent is not None else "—",
            "url": reverse("programs_overview"),
            "sub": f"{coverage.served}/{coverage.total} 个老旧小区有物业服务",
        }
    ]


def welfare_companies(scope: Scope):
    return scoped_to(PropertyCompany.objects.filter(kind=CompanyKind.PUBLIC_WELFARE), scope)


# ------------------------------------------------------------ planner capacities
def default_capacity(county_code: str) -> int:
    """The planner's capacity of a company the county has set nothing for: the nearest region's
    value in PLANNER_CAPACITY_BY_REGION (county → city → province), else PLANNER_DEFAULT_CAPACITY."""
    by_region = settings.PLANNER_CAPACITY_BY_REGION
    for length in (6, 4, 2):
        value = by_region.get(county_code[:length])
        if value is not None:
            return int(value)
    return settings.PLANNER_DEFAULT_CAPACITY


def planner_companies(county_code: str):
    """The market companies the county's planner proposes (registered in or serving the county)."""
    return scoped_to(
        PropertyCompany.objects.filter(kind=CompanyKind.MARKET), region_scope(county_code)
    ).order_by("pk")


def planner_capacities(county_code: str) -> dict[int, int]:
    """company id → the capacity the county stored for it."""
    return dict(PlannerCapacity.objects.filter(county_id=county_code).values_list("company_id", "capacity"))


def decision_for_link(*, user, pk) -> object | None:
    """One owners' decision the user can see (any status: the service says why it cannot back a change)."""
    from apps.voting.selectors import decision_list_for

    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return decision_list_for(user=user).filter(pk=pk).prefetch_related("matters").first()
