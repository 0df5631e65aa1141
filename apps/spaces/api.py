"""Open API for 公共用房: /api/v1/spaces/... — the ledger, the norms per compound, recovery cases and
totals, rooms with their day's availability, and bookings (create, approve, cancel, check in).
Scoped like the pages; bookers' names are masked unless the booking is the caller's own."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.http import Http404
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja import Status as Answer

from apps.core.api import PageParams, RegionCode, in_region_q, page_schema, paginate, require_perm
from apps.core.api import responses as answers
from apps.core.scoping import get_scoped_or_404
from apps.core.validators import mask_name
from apps.spaces import selectors, services
from apps.spaces.choices import BookingStatus, RecoveryStatus, RoomUse, SpaceKind, SpaceStatus
from apps.spaces.models import Booking, PublicSpace, RecoveryCase, Room
from apps.spaces.norms import NORM_CODES

router = Router(tags=["公共用房"])


class SpaceCompoundRef(Schema):
    id: int
    code: str
    name: str


def _compound(c) -> dict:
    return {"id": c.pk, "code": c.code, "name": c.name}


# ------------------------------------------------------------------ spaces
class SpaceOut(Schema):
    id: int
    compound: SpaceCompoundRef
    kind: SpaceKind
    kind_label: str
    name: str
    room_type: str
    building: str
    floor: int
    above_ground: bool
    has_lift: bool
    is_residential: bool
    floor_area: Decimal = Field(..., description="建筑面积（㎡）")
    clear_height: Decimal = Field(..., description="室内层高（m）")
    status: SpaceStatus
    status_label: str
    occupant_name: str
    occupied_since: datetime.date | None


SpacePage = page_schema(SpaceOut, "SpacePage")


class SpaceFilters(PageParams):
    region: RegionCode | None = None
    compound: int | None = Field(None, ge=1, le=2**62)
    kind: SpaceKind | None = None
    status: SpaceStatus | None = None


def space_out(s: PublicSpace) -> dict:
    return {
        "id": s.pk,
        "compound": _compound(s.compound),
        "kind": s.kind,
        "kind_label": s.get_kind_display(),
        "name": s.name,
        "room_type": s.room_type,
        "building": s.building,
        "floor": s.floor,
        "above_ground": s.above_ground,
        "has_lift": s.has_lift,
        "is_residential": s.is_residential,
        "floor_area": s.floor_area,
        "clear_height": s.clear_height,
        "status": s.status,
        "status_label": s.get_status_display(),
        "occupant_name": s.occupant_name,
        "occupied_since": s.occupied_since,
    }


@router.get("/spaces/spaces", response=answers(SpacePage), summary="公共用房台账")
def space_list(request, filters: Query[SpaceFilters]):
    user = request.auth
    require_perm(user, "spaces.view_publicspace")
    qs = selectors.space_list_for(user=user).order_by("compound_id", "kind", "id")
    if filters.region:
        qs = qs.filter(in_region_q(PublicSpace, filters.region))
    if filters.compound:
        qs = qs.filter(compound_id=filters.compound)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.status:
        qs = qs.filter(status=filters.status)
    return paginate(qs, filters, space_out)


@router.get("/spaces/spaces/{int:space_id}", response=answers(SpaceOut, detail=True), summary="公共用房详情")
def space_detail(request, space_id: int):
    user = request.auth
    space = get_scoped_or_404(selectors.space_list_for(user=user), user, pk=space_id)
    require_perm(user, "spaces.view_publicspace")
    return space_out(space)


# ------------------------------------------------------------------ norms
class NormOut(Schema):
    code: str = Field(..., description="property_area / committee_office / government / community")
    label: str
    required: Decimal = Field(..., description="应有面积（㎡）")
    actual: Decimal = Field(..., description="现有（计入）面积（㎡）")
    met: bool
    gap: Decimal = Field(..., description="缺口（㎡），达标为0")
    note: str


class CompoundNormsOut(Schema):
    compound: SpaceCompoundRef
    total_floor_area: Decimal
    households: int
    met: bool = Field(..., description="全部达标")
    results: list[NormOut]
    excluded: list[str] = Field(..., description="不计入物业服务用房的房屋及原因")
    rules_source: str


NormsPage = page_schema(CompoundNormsOut, "CompoundNormsPage")


class NormsFilters(PageParams):
    region: RegionCode | None = None
    compound: int | None = Field(None, ge=1, le=2**62)
    missed_only: bool = Field(False, description="只返回有未达标项的小区")


def norms_out(row) -> dict:
    c, n = row.compound, row.norms
    return {
        "compound": _compound(c),
        "total_floor_area": c.total_floor_area,
        "households": c.households,
        "met": n.met,
        "results": [r.__dict__ for r in n.results],
        "excluded": [f"{name}：{'；'.join(reasons)}" for name, reasons in n.excluded],
        "rules_source": n.rules.source if n.rules else "",
    }


@router.get("/spaces/norms", response=answers(NormsPage), summary="小区公共用房配置核查（达标/缺口）")
def norms_list(request, filters: Query[NormsFilters]):
    user = request.auth
    require_perm(user, "spaces.view_publicspace")
    rows = selectors.norms_for(
        user=user,
        region=filters.region or "",
        compound_ids=[filters.compound] if filters.compound else None,
        missed_only=filters.missed_only,
    )
    start = (filters.page - 1) * filters.page_size
    return {
        "count": len(rows),
        "page": filters.page,
        "page_size": filters.page_size,
        "results": [norms_out(r) for r in rows[start : start + filters.page_size]],
    }


# ------------------------------------------------------------------ recoveries
class RecoveryOut(Schema):
    id: int
    compound: SpaceCompoundRef
    status: RecoveryStatus
    status_label: str
    occupant_kind: str
    occupant_name: str
    occupied_area: Decimal
    occupied_since: datetime.date | None
    found_on: datetime.date
    departments: list[str]
    action_started_on: datetime.date | None
    action_ended_on: datetime.date | None
    recovered_on: datetime.date | None
    recovered_area: Decimal | None = Field(None, description="收回面积（㎡）")
    assessed_value: Decimal | None = Field(None, description="评估价值（元）")
    handed_to: str
    handed_to_name: str
    handed_over_on: datetime.date | None
    centre_id: int | None
    converted_on: datetime.date | None


RecoveryPage = page_schema(RecoveryOut, "RecoveryPage")


class RecoveryFilters(PageParams):
    region: RegionCode | None = None
    status: RecoveryStatus | None = None
    year: int | None = Field(None, ge=2000, le=2100, description="收回年份")


def recovery_out(r: RecoveryCase) -> dict:
    return {
        "id": r.pk,
        "compound": _compound(r.compound),
        "status": r.status,
        "status_label": r.get_status_display(),
        "occupant_kind": r.occupant_kind,
        "occupant_name": r.occupant_name,
        "occupied_area": r.occupied_area,
        "occupied_since": r.occupied_since,
        "found_on": r.found_on,
        "departments": [d.name for d in r.departments.all()],
        "action_started_on": r.action_started_on,
        "action_ended_on": r.action_ended_on,
        "recovered_on": r.recovered_on,
        "recovered_area": r.recovered_area,
        "assessed_value": r.assessed_value,
        "handed_to": r.handed_to,
        "handed_to_name": r.handed_to_name,
        "handed_over_on": r.handed_over_on,
        "centre_id": r.centre_id,
        "converted_on": r.converted_on,
    }


@router.get("/spaces/recoveries", response=answers(RecoveryPage), summary="公共用房清理案件")
def recovery_list(request, filters: Query[RecoveryFilters]):
    user = request.auth
    require_perm(user, "spaces.view_recoverycase")
    qs = selectors.recovery_list_for(user=user).prefetch_related("departments").order_by("-found_on", "-id")
    if filters.region:
        qs = qs.filter(in_region_q(RecoveryCase, filters.region))
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.year:
        qs = qs.filter(recovered_on__year=filters.year)
    return paginate(qs, filters, recovery_out)


class TotalsOut(Schema):
    region_code: str
    region_name: str
    year: int | None
    compounds: int = Field(..., description="腾出公共用房的小区数")
    cases: int
    area: Decimal = Field(..., description="Σ收回面积（㎡）")
    value: Decimal = Field(..., description="Σ评估价值（元）")


class TotalsFilters(Schema):
    by: int = Field(6, description="汇总层级：4 市、6 县区、9 街道")
    year: int | None = Field(None, ge=2000, le=2100)


@router.get(
    "/spaces/recoveries/totals", response=answers(list[TotalsOut]), summary="清理收回汇总（按区划、年份）"
)
def recovery_totals(request, filters: Query[TotalsFilters]):
    user = request.auth
    require_perm(user, "spaces.view_recoverycase")
    by = filters.by if filters.by in (4, 6, 9) else 6
    return [t.__dict__ for t in selectors.recovery_totals(user=user, by=by, year=filters.year)]


# ------------------------------------------------------------------ rooms and bookings
class RoomOut(Schema):
    id: int
    centre_id: int
    centre: str
    compound: SpaceCompoundRef
    name: str
    uses: list[RoomUse]
    capacity: int
    opens_at: str = Field(..., pattern=r"^\d{2}:\d{2}$", description="每日开放时间（北京时间 HH:MM）")
    closes_at: str = Field(..., pattern=r"^\d{2}:\d{2}$", description="每日关闭时间（北京时间 HH:MM）")
    open_weekdays: list[int] = Field(..., description="0=周一 … 6=周日")
    requires_approval: bool


RoomPage = page_schema(RoomOut, "RoomPage")


def room_out(r: Room) -> dict:
    return {
        "id": r.pk,
        "centre_id": r.centre_id,
        "centre": r.centre.name,
        "compound": _compound(r.centre.compound),
        "name": r.name,
        "uses": r.uses,
        "capacity": r.capacity,
        "opens_at": r.opens_at.strftime("%H:%M"),
        "closes_at": r.closes_at.strftime("%H:%M"),
        "open_weekdays": r.open_weekdays,
        "requires_approval": r.requires_approval,
    }


@router.get("/spaces/rooms", response=answers(RoomPage), summary="可预约的活动室")
def room_list(request, filters: Query[PageParams]):
    user = request.auth
    require_perm(user, "spaces.view_room")
    qs = selectors.room_list_for(user=user).filter(is_active=True).order_by("centre_id", "name")
    return paginate(qs, filters, room_out)


class SlotOut(Schema):
    starts_at: datetime.datetime
    ends_at: datetime.datetime


class BookingOut(Schema):
    id: int
    room_id: int
    title: str
    use: RoomUse
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    status: BookingStatus
    status_label: str
    booker: str = Field(..., description="团体名，或预约人（他人脱敏）")
    mine: bool
    attendees: int
    series_id: int | None


class AvailabilityOut(Schema):
    room: RoomOut
    day: datetime.date
    free: list[SlotOut]
    bookings: list[BookingOut]


def booking_out(b: Booking, user) -> dict:
    mine = b.booker_id == user.pk
    return {
        "id": b.pk,
        "room_id": b.room_id,
        "title": b.title,
        "use": b.use,
        "starts_at": b.starts_at,
        "ends_at": b.ends_at,
        "status": b.status,
        "status_label": b.get_status_display(),
        "booker": b.group_name or (b.booker.display_name if mine else mask_name(b.booker.display_name)),
        "mine": mine,
        "attendees": b.attendees,
        "series_id": b.series_id,
    }


@router.get(
    "/spaces/rooms/{int:room_id}/availability",
    response=answers(AvailabilityOut, detail=True),
    summary="活动室某日的空闲时段与预约",
)
def room_availability(request, room_id: int, day: datetime.date | None = None):
    user = request.auth
    room = get_scoped_or_404(selectors.room_list_for(user=user), user, pk=room_id)
    require_perm(user, "spaces.view_room")
    day = day or timezone.localdate()
    bookings = selectors.day_bookings(room, day)
    return {
        "room": room_out(room),
        "day": day,
        "free": [s.__dict__ for s in selectors.free_slots(room, day, bookings)],
        "bookings": [booking_out(b, user) for b in bookings],
    }


BookingPage = page_schema(BookingOut, "BookingPage")


class BookingFilters(PageParams):
    room: int | None = Field(None, ge=1, le=2**62)
    status: BookingStatus | None = None
    mine: bool = Field(False, description="只看自己的预约")


@router.get("/spaces/bookings", response=answers(BookingPage), summary="活动室预约")
def booking_list(request, filters: Query[BookingFilters]):
    user = request.auth
    require_perm(user, "spaces.view_booking")
    qs = selectors.booking_list_for(user=user).order_by("-starts_at", "-id")
    if filters.room:
        qs = qs.filter(room_id=filters.room)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.mine:
        qs = qs.filter(booker=user)
    return paginate(qs, filters, lambda b: booking_out(b, user))


class BookingIn(Schema):
    room: int = Field(..., ge=1, le=2**62)
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    use: RoomUse
    title: str = Field(..., min_length=1, max_length=60)
    group_name: str = Field("", max_length=60)
    attendees: int = Field(1, ge=1, le=1000)


WRITE_ANSWERS = {k: v for k, v in answers(None, detail=True, extra=(409,)).items() if k != 200}


@router.post("/spaces/bookings", response={201: BookingOut, **WRITE_ANSWERS}, summary="预约活动室")
def booking_create(request, payload: BookingIn):
    user = request.auth
    room = Room.objects.filter(pk=payload.room).first()
    if room is None:
        raise Http404("未找到该活动室，或不在您的范围内。")
    room = get_scoped_or_404(selectors.room_list_for(user=user), user, pk=room.pk)
    booking = services.booking_create(
        actor=user,
        room=room,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        use=payload.use,
        title=payload.title,
        group_name=payload.group_name,
        attendees=payload.attendees,
    )
    return Answer(201, booking_out(booking, user))


class NoteIn(Schema):
    note: str = Field("", max_length=200)


def _verb(request, booking_id: int, service, payload: NoteIn | None = None):
    user = request.auth
    booking = get_scoped_or_404(selectors.booking_list_for(user=user), user, pk=booking_id)
    kwargs = {"note": payload.note} if payload is not None else {}
    booking = service(booking=booking, actor=user, **kwargs)
    return booking_out(booking, user)


VERB_ANSWERS = answers(BookingOut, detail=True, extra=(409,))


@router.post("/spaces/bookings/{int:booking_id}/approve", response=VERB_ANSWERS, summary="审批通过预约")
def booking_approve(request, booking_id: int, payload: NoteIn):
    return _verb(request, booking_id, services.booking_approve, payload)


@router.post(
    "/spaces/bookings/{int:booking_id}/reject", response=VERB_ANSWERS, summary="审批不通过（须填理由）"
)
def booking_reject(request, booking_id: int, payload: NoteIn):
    return _verb(request, booking_id, services.booking_reject, payload)


@router.post("/spaces/bookings/{int:booking_id}/cancel", response=VERB_ANSWERS, summary="取消预约")
def booking_cancel(request, booking_id: int, payload: NoteIn):
    return _verb(request, booking_id, services.booking_cancel, payload)


@router.post("/spaces/bookings/{int:booking_id}/check-in", response=VERB_ANSWERS, summary="签到")
def booking_check_in(request, booking_id: int):
    return _verb(request, booking_id, services.booking_check_in)


__all__ = ["NORM_CODES", "router"]
