"""Reads of 公共用房, scoped to the user: the ledger, norms per compound and the region's shortfall
list, recovery totals per region and year, room availability and usage statistics."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import ExtractYear
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from apps.core.scoping import scope_of, scoped
from apps.spaces.choices import HOLDING, USED, BookingStatus, RecoveryStatus, RoomUse
from apps.spaces.models import (
    Booking,
    PublicSpace,
    RecoveryCase,
    Room,
    ServiceCentre,
    SpaceDocument,
    SpaceRules,
)
from apps.spaces.norms import CompoundNorms, RulesBook, SpaceFacts, check_compound

RECOVERED = (RecoveryStatus.RECOVERED, RecoveryStatus.HANDED_OVER, RecoveryStatus.CONVERTED)


def space_list_for(*, user) -> QuerySet[PublicSpace]:
    return scoped(PublicSpace.objects.select_related("compound__community"), user)


def document_list_for(*, user) -> QuerySet[SpaceDocument]:
    return scoped(SpaceDocument.objects.all(), user)


def recovery_list_for(*, user) -> QuerySet[RecoveryCase]:
    return scoped(RecoveryCase.objects.select_related("compound__community", "space", "centre"), user)


def centre_list_for(*, user) -> QuerySet[ServiceCentre]:
    return scoped(ServiceCentre.objects.select_related("compound__community"), user)


def room_list_for(*, user) -> QuerySet[Room]:
    return scoped(Room.objects.select_related("centre__compound"), user)


def booking_list_for(*, user) -> QuerySet[Booking]:
    return scoped(Booking.objects.select_related("room__centre__compound", "booker"), user)


def rules_list_for(*, user) -> QuerySet[SpaceRules]:
    return scoped(SpaceRules.objects.select_related("region"), user)


# ------------------------------------------------------------------ norms
def facts_of(space: PublicSpace) -> SpaceFacts:
    return SpaceFacts(
        kind=space.kind,
        floor_area=space.floor_area,
        clear_height=space.clear_height,
        floor=space.floor,
        above_ground=space.above_ground,
        has_lift=space.has_lift,
        is_residential=space.is_residential,
        room_type=space.room_type,
        name=space.name,
    )


def compound_norms(compound, *, book: RulesBook | None = None) -> CompoundNorms:
    book = book or RulesBook()
    spaces = [facts_of(s) for s in PublicSpace.objects.filter(compound=compound)]
    return check_compound(
        total_floor_area=compound.total_floor_area,
        households=compound.households,
        spaces=spaces,
        rules=book.for_code(compound.community_id),
    )


@dataclass
class CompoundNormsRow:
    compound: object
    norms: CompoundNorms

    @property
    def cells(self) -> dict:
        """norm code → its result."""
        return {r.code: r for r in self.norms.results}


SPACE_FIELDS = (
    "compound_id",
    "kind",
    "floor_area",
    "clear_height",
    "floor",
    "above_ground",
    "has_lift",
    "is_residential",
    "room_type",
    "name",
)


def norms_for(
    *, user, region: str = "", compound_ids=None, missed_only: bool = False
) -> list[CompoundNormsRow]:
    """Norms of every compound in the user's scope (optionally inside a region): three queries."""
    from apps.registry.models import Compound

    compounds = scoped(Compound.objects.select_related("community"), user).order_by("code")
    if region:
        compounds = compounds.filter(community__pk__startswith=_prefix(region))
    if compound_ids is not None:
        compounds = compounds.filter(pk__in=compound_ids)
    compounds = list(compounds)
    by_compound: dict[int, list[SpaceFacts]] = defaultdict(list)
    ids = [c.pk for c in compounds]
    rows = PublicSpace.objects.filter(compound_id__in=ids).values_list(*SPACE_FIELDS) if ids else []
    if len(ids) > 2000:  # the IN list would be long: read the scope's spaces instead
        rows = space_list_for(user=user).values_list(*SPACE_FIELDS)
    for cid, *rest in rows:
        by_compound[cid].append(SpaceFacts(*rest))
    book = RulesBook()
    out = []
    for c in compounds:
        norms = check_compound(
            total_floor_area=c.total_floor_area,
            households=c.households,
            spaces=by_compound.get(c.pk, []),
            rules=book.for_code(c.community_id),
        )
        if missed_only and norms.met:
            continue
        out.append(CompoundNormsRow(c, norms))
    return out


@dataclass
class Shortfall:
    """A region's shortfall list (公共用房配置缺口): the rows and, per norm, the compounds missing it."""

    rows: list[CompoundNormsRow]
    counts: list[tuple[str, int]]  # (norm label, compounds that miss it)

    @property
    def total(self) -> int:
        return len(self.rows)


def shortfall_for(*, user, region: str = "", show_all: bool = False) -> Shortfall:
    """What /spaces/norms/ and the dashboard panel show: the compounds of the user's scope inside
    `region` that miss a norm (all of them with `show_all`)."""
    from apps.spaces.norms import NORM_CODES, NORM_LABELS

    rows = norms_for(user=user, region=region, missed_only=not show_all)
    counts = [(NORM_LABELS[code], sum(1 for r in rows if not r.cells[code].met)) for code in NORM_CODES]
    return Shortfall(rows=rows, counts=counts)


# The norms of a whole scope cost a few hundred ms for a city (~1,000 compounds): the home card and
# the dashboard card count them at most every SPACES_TILE_CACHE_SECONDS per scope and region, and
# a change of the ledger or the rules (spaces.services) starts a new generation at once.
NORMS_GENERATION_KEY = "spaces:norms:generation"


def norms_generation() -> int:
    return cache.get_or_set(NORMS_GENERATION_KEY, 1, None)


def norms_changed() -> None:
    """Called by the services after a change of a space or of the rules: cached counts are stale."""
    try:
        cache.incr(NORMS_GENERATION_KEY)
    except ValueError:  # not set yet (or evicted): nothing cached under the old generation counts
        cache.set(NORMS_GENERATION_KEY, 2, None)


def _scope_key(user) -> str:
    scope = scope_of(user)
    return f"{scope.region_prefix}:{scope.company_id}:{scope.compound_id}:{scope.everything}"


def shortfall_cached(*, user, region: str = "") -> Shortfall:
    """`shortfall_for(user=, region=)` for the cards, cached per scope, region and generation."""
    key = f"spaces:shortfall:{norms_generation()}:{_scope_key(user)}:{region}"
    shortfall = cache.get(key)
    if shortfall is None:
        shortfall = shortfall_for(user=user, region=region)
        cache.set(key, shortfall, settings.SPACES_TILE_CACHE_SECONDS)
    return shortfall


def _prefix(code: str) -> str:
    from apps.core.api import region_prefix_of

    return region_prefix_of(code)


# ------------------------------------------------------------------ recovery totals
@dataclass
class RecoveryTotals:
    region_code: str
    region_name: str
    year: int | None
    compounds: int
    cases: int
    area: Decimal
    value: Decimal


def recovery_totals(*, user, by: int = 6, year: int | None = None) -> list[RecoveryTotals]:
    """Recovered cases summed per region (code prefix of length `by`: 4 city, 6 county, 9 street)
    and year of recovery: distinct compounds, Σ recovered area, Σ assessed value."""
    from django.db.models.functions import Substr

    from apps.regions.models import Region

    qs = recovery_list_for(user=user).filter(status__in=RECOVERED, recovered_on__isnull=False)
    if year:
        qs = qs.filter(recovered_on__year=year)
    rows = (
        qs.annotate(region_key=Substr("compound__community_id", 1, by), year=ExtractYear("recovered_on"))
        .values("region_key", "year")
        .annotate(
            compounds=Count("compound_id", distinct=True),
            cases=Count("id"),
            area=Sum("recovered_area"),
            value=Sum("assessed_value"),
        )
        .order_by("region_key", "year")
    )
    rows = list(rows)
    codes = {r["region_key"] + ("00" if by == 4 else "") for r in rows}
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    return [
        RecoveryTotals(
            region_code=r["region_key"] + ("00" if by == 4 else ""),
            region_name=names.get(r["region_key"] + ("00" if by == 4 else ""), r["region_key"]),
            year=r["year"],
            compounds=r["compounds"],
            cases=r["cases"],
            area=r["area"] or Decimal(0),
            value=r["value"] or Decimal(0),
        )
        for r in rows
    ]


def recovery_summary(*, user=None, scope=None, region: str = "") -> dict:
    """Σ over a user's scope or a Scope (`region_scope(code)`), optionally inside a region:
    compounds with rooms recovered, cases, Σ recovered area, Σ assessed value (FIGURES.md)."""
    from apps.core.scoping import scoped_to

    base = RecoveryCase.objects.all()
    qs = (scoped_to(base, scope) if scope is not None else scoped(base, user)).filter(status__in=RECOVERED)
    if region:
        qs = qs.filter(compound__community__pk__startswith=_prefix(region))
    agg = qs.aggregate(
        compounds=Count("compound_id", distinct=True),
        cases=Count("id"),
        area=Sum("recovered_area"),
        value=Sum("assessed_value"),
    )
    return {
        "compounds": agg["compounds"] or 0,
        "cases": agg["cases"] or 0,
        "area": agg["area"] or Decimal(0),
        "value": agg["value"] or Decimal(0),
    }


# ------------------------------------------------------------------ rooms: availability and usage
def day_bookings(room: Room, day: datetime.date) -> list[Booking]:
    tz = timezone.get_default_timezone()
    start = datetime.datetime.combine(day, datetime.time.min, tzinfo=tz)
    end = start + datetime.timedelta(days=1)
    return list(
        Booking.objects.filter(room=room, status__in=HOLDING, starts_at__lt=end, ends_at__gt=start)
        .select_related("booker")
        .order_by("starts_at")
    )


@dataclass
class FreeSlot:
    starts_at: datetime.datetime
    ends_at: datetime.datetime


def free_slots(room: Room, day: datetime.date, bookings: list[Booking] | None = None) -> list[FreeSlot]:
    """The open periods of a day not held by any booking."""
    if day.weekday() not in (room.open_weekdays or []):
        return []
    tz = timezone.get_default_timezone()
    cursor = datetime.datetime.combine(day, room.opens_at, tzinfo=tz)
    closes = datetime.datetime.combine(day, room.closes_at, tzinfo=tz)
    out = []
    for b in bookings if bookings is not None else day_bookings(room, day):
        starts, ends = b.starts_at.astimezone(tz), b.ends_at.astimezone(tz)
        if starts > cursor:
            out.append(FreeSlot(cursor, min(starts, closes)))
        cursor = max(cursor, ends)
    if cursor < closes:
        out.append(FreeSlot(cursor, closes))
    return out


def _ratio(booked: Decimal, open_: Decimal) -> Decimal:
    if not open_:
        return Decimal(0)
    return (booked / open_ * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class RoomUsage:
    room: Room
    open_hours: Decimal
    booked_hours: Decimal
    by_use: dict[str, Decimal] = field(default_factory=dict)
    bookings: int = 0
    checked_in: int = 0

    @property
    def percent(self) -> Decimal:
        return _ratio(self.booked_hours, self.open_hours)

    def by_use_rows(self) -> list[tuple[str, Decimal, Decimal]]:
        labels = dict(RoomUse.choices)
        return [
            (labels.get(u, u), h.quantize(Decimal("0.1")), _ratio(h, self.open_hours))
            for u, h in sorted(self.by_use.items(), key=lambda kv: -kv[1])
        ]


def open_hours(room: Room, start: datetime.date, end: datetime.date) -> Decimal:
    """Hours the room is open on the days [start, end)."""
    days = sum(
        1
        for i in range((end - start).days)
        if (start + datetime.timedelta(days=i)).weekday() in room.open_weekdays
    )
    return room.open_hours_per_day() * days


def usage_for(rooms: list[Room], start: datetime.date, end: datetime.date) -> list[RoomUsage]:
    """Hours booked ÷ hours open per room over [start, end), and by use (one query)."""
    tz = timezone.get_default_timezone()
    lo = datetime.datetime.combine(start, datetime.time.min, tzinfo=tz)
    hi = datetime.datetime.combine(end, datetime.time.min, tzinfo=tz)
    usage = {r.pk: RoomUsage(r, open_hours(r, start, end), Decimal(0)) for r in rooms}
    rows = Booking.objects.filter(
        room_id__in=list(usage), status__in=USED, starts_at__lt=hi, ends_at__gt=lo
    ).values_list("room_id", "use", "starts_at", "ends_at", "status")
    for room_id, use, s, e, status in rows:
        hours = Decimal((min(e, hi) - max(s, lo)).total_seconds()) / Decimal(3600)
        u = usage[room_id]
        u.booked_hours += hours
        u.by_use[use] = u.by_use.get(use, Decimal(0)) + hours
        u.bookings += 1
        u.checked_in += status == BookingStatus.CHECKED_IN
    return list(usage.values())


@dataclass
class CentreUsage:
    centre: ServiceCentre
    rooms: list[RoomUsage]

    @property
    def open_hours(self) -> Decimal:
        return sum((r.open_hours for r in self.rooms), Decimal(0))

    @property
    def booked_hours(self) -> Decimal:
        return sum((r.booked_hours for r in self.rooms), Decimal(0))

    @property
    def percent(self) -> Decimal:
        return _ratio(self.booked_hours, self.open_hours)

    def by_use_rows(self):
        total: dict[str, Decimal] = defaultdict(Decimal)
        for r in self.rooms:
            for u, h in r.by_use.items():
                total[u] += h
        labels = dict(RoomUse.choices)
        return [
            (labels.get(u, u), h.quantize(Decimal("0.1")), _ratio(h, self.open_hours))
            for u, h in sorted(total.items(), key=lambda kv: -kv[1])
        ]


def centre_usage(centre: ServiceCentre, start: datetime.date, end: datetime.date) -> CentreUsage:
    rooms = list(centre.rooms.all())
    return CentreUsage(centre, usage_for(rooms, start, end))


def default_period(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """The last 30 days and the next 30: a term of bookings around today."""
    today = today or timezone.localdate()
    return today - datetime.timedelta(days=30), today + datetime.timedelta(days=31)


# ------------------------------------------------------------------ home tiles
def home_tiles(user) -> list[dict]:
    tiles = []
    if user.has_perm("spaces.view_recoverycase"):
        s = recovery_summary(user=user)
        if s["cases"]:
            tiles.append(
                {
                    "label": "收回公共用房",
                    "value": f"{s['area'] / 10000:.1f}万㎡",
                    "url": _url("recovery_totals"),
                    "sub": f"{s['compounds']}个小区，价值{s['value'] / 100_000_000:.1f}亿元",
                }
            )
    scope = scope_of(user)
    if user.has_perm("spaces.view_publicspace") and not scope.compound_id:
        missed = shortfall_cached(user=user).total
        if missed:
            tiles.append(
                {
                    "label": "公共用房配置未达标小区",
                    "value": missed,
                    "url": _url("space_norms"),
                    "sub": "物业服务用房、政务管理用房、社区服务设施",
                }
            )
    if user.has_perm("spaces.view_booking") and user.has_perm("spaces.approve_booking"):
        pending = booking_list_for(user=user).filter(status=BookingStatus.PENDING).count()
        if pending:
            tiles.append(
                {"label": "待审批预约", "value": pending, "url": _url("booking_list") + "?status=pending"}
            )
    return tiles


def _url(name: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


def pending_q() -> Q:
    return Q(status=BookingStatus.PENDING)
