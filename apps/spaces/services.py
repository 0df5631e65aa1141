"""Writes of 公共用房: the ledger, documents, recovery cases, service centres, rooms and bookings.

Every service checks the actor's permission and scope itself (actor=None is the system: the demo
and management commands). No two holding bookings of a room overlap: the room row is locked
(select_for_update; SQLite serialises writers with IMMEDIATE transactions) before the overlap
check, and on PostgreSQL an exclusion constraint (migration 0002) refuses what slips through.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.core.audit import diff, snapshot
from apps.core.errors import ConflictError, DomainError, ForbiddenError
from apps.core.scoping import scoped
from apps.core.services import compare_and_set, event_record, record_create, record_update
from apps.spaces.choices import HOLDING, BookingStatus, RecoveryStatus, SpaceStatus
from apps.spaces.models import (
    Booking,
    BookingSeries,
    PublicSpace,
    RecoveryCase,
    Room,
    ServiceCentre,
    SpaceDocument,
    SpaceRules,
)
from apps.spaces.selectors import norms_changed

WEEKDAYS = "一二三四五六日"


# ------------------------------------------------------------------ permission and scope
def _require(actor, perm: str, obj=None, message: str = "您的角色无权执行此操作") -> None:
    """actor None = the system. Otherwise the permission, and the object inside the actor's scope."""
    if actor is None:
        return
    if not actor.has_perm(perm):
        raise ForbiddenError(message)
    if obj is not None and obj.pk is not None:
        if not scoped(type(obj).objects.filter(pk=obj.pk), actor).exists():
            raise ForbiddenError("该记录不在您的管辖范围内")


def _require_compound(actor, compound) -> None:
    if actor is None or compound is None:
        return
    from apps.registry.models import Compound

    if not scoped(Compound.objects.filter(pk=compound.pk), actor).exists():
        raise ForbiddenError("该小区不在您的管辖范围内")


# ------------------------------------------------------------------ rules
def rules_create(*, actor, data: dict) -> SpaceRules:
    _require(actor, "spaces.add_spacerules")
    rules = record_create(model=SpaceRules, data=data, actor=actor)
    transaction.on_commit(norms_changed)
    return rules


def rules_update(*, rules: SpaceRules, actor, data: dict) -> SpaceRules:
    _require(actor, "spaces.change_spacerules", rules)
    rules = record_update(obj=rules, data=data, actor=actor)
    transaction.on_commit(norms_changed)
    return rules


# ------------------------------------------------------------------ ledger
def _space_data(data: dict, space: PublicSpace | None = None) -> dict:
    data = dict(data)
    if data.get("status") and data["status"] != SpaceStatus.OCCUPIED:
        data.setdefault("occupant_kind", "")
    decision = data.get("owners_decision")
    compound = data.get("compound") or (space.compound if space is not None else None)
    if decision is not None and compound is not None:
        # the same rule as a pairing's market contract (apps/programs): same compound, passed
        from apps.voting.selectors import decision_link_problem

        problem = decision_link_problem(decision, compound_id=compound.pk)
        if problem:
            raise ValidationError({"owners_decision": problem})
    return data


def space_create(*, actor, data: dict) -> PublicSpace:
    """Record a public space of a compound."""
    _require(actor, "spaces.add_publicspace")
    _require_compound(actor, data.get("compound"))
    space = record_create(model=PublicSpace, data=_space_data(data), actor=actor)
    transaction.on_commit(norms_changed)
    return space


def space_update(*, space: PublicSpace, actor, data: dict) -> PublicSpace:
    _require(actor, "spaces.change_publicspace", space)
    if "compound" in data and data["compound"] != space.compound:
        _require_compound(actor, data["compound"])
    space = record_update(obj=space, data=_space_data(data, space), actor=actor)
    transaction.on_commit(norms_changed)
    return space


@transaction.atomic
def document_add(*, actor, kind: str, title: str, upload, space=None, recovery=None) -> SpaceDocument:
    """Attach a PDF or image to a space or a recovery case (content-checked by validate_document)."""
    owner = space or recovery
    if owner is None:
        raise DomainError("文件须属于一处公共用房或一件清理案件")
    perm = "spaces.change_publicspace" if space is not None else "spaces.change_recoverycase"
    _require(actor, perm, owner)
    doc = SpaceDocument(space=space, recovery=recovery, kind=kind, title=title, file=upload)
    doc.full_clean()
    doc.save()
    event_record(actor=actor, verb="spacedocument.create", obj=doc, changes=diff({}, snapshot(doc)))
    return doc


# ------------------------------------------------------------------ recovery cases
def recovery_create(*, actor, data: dict, departments=None) -> RecoveryCase:
    """An occupation found (发现占用): occupant, area, since."""
    _require(actor, "spaces.add_recoverycase")
    _require_compound(actor, data.get("compound"))
    payload = {**data, "status": RecoveryStatus.FOUND}
    if departments:
        payload["departments"] = list(departments)
    return record_create(model=RecoveryCase, data=payload, actor=actor, verb="recoverycase.found")


def _step(case: RecoveryCase, *, actor, expected, new, data: dict, verb: str) -> RecoveryCase:
    _require(actor, "spaces.change_recoverycase", case)
    before = snapshot(case)
    fields, m2m = {k: v for k, v in data.items() if k != "departments"}, data.get("departments")
    for name, value in fields.items():
        setattr(case, name, value)
    case.status = new
    case.full_clean()
    compare_and_set(
        RecoveryCase,
        pk=case.pk,
        expected=expected,
        new=new,
        extra={**fields, "updated_at": timezone.now()},
        message="该清理案件已被他人推进，请刷新后重试。",
    )
    changes = diff(before, snapshot(case))
    if m2m is not None:
        case.departments.set(m2m)
        changes["departments"] = [[], [d.pk for d in m2m]]
    event_record(actor=actor, verb=verb, obj=case, changes=changes)
    return case


@transaction.atomic
def recovery_act(
    *, case: RecoveryCase, actor, departments, started_on: datetime.date, ended_on=None, note: str = ""
) -> RecoveryCase:
    """The joint action (联合清理): departments involved, dates."""
    if not departments:
        raise ValidationError({"departments": "请选择参与联合清理的部门"})
    return _step(
        case,
        actor=actor,
        expected=[RecoveryStatus.FOUND, RecoveryStatus.ACTION],
        new=RecoveryStatus.ACTION,
        data={
            "departments": list(departments),
            "action_started_on": started_on,
            "action_ended_on": ended_on,
            "action_note": note,
        },
        verb="recoverycase.action",
    )


@transaction.atomic
def recovery_recover(
    *, case: RecoveryCase, actor, recovered_on: datetime.date, recovered_area, assessed_value=None
) -> RecoveryCase:
    """The rooms are back (收回): recovered area, assessed value in yuan. A value needs an area."""
    if recovered_area in (None, ""):
        if assessed_value not in (None, ""):
            raise ValidationError({"recovered_area": "填写评估价值时必须填写收回面积"})
        raise ValidationError({"recovered_area": "请填写收回面积"})
    area = Decimal(str(recovered_area))
    if area <= 0:
        raise ValidationError({"recovered_area": "收回面积必须大于0"})
    value = None if assessed_value in (None, "") else Decimal(str(assessed_value))
    if value is not None and value < 0:
        raise ValidationError({"assessed_value": "评估价值不能小于0"})
    case = _step(
        case,
        actor=actor,
        expected=[RecoveryStatus.FOUND, RecoveryStatus.ACTION],
        new=RecoveryStatus.RECOVERED,
        data={"recovered_on": recovered_on, "recovered_area": area, "assessed_value": value},
        verb="recoverycase.recover",
    )
    if case.space_id and case.space.status == SpaceStatus.OCCUPIED:
        record_update(
            obj=case.space,
            data={
                "status": SpaceStatus.VACANT,
                "occupant_name": "",
                "occupant_kind": "",
                "occupied_since": None,
            },
            actor=actor,
            note="清理收回",
        )
    return case


@transaction.atomic
def recovery_hand_over(
    *, case: RecoveryCase, actor, handed_to: str, handed_to_name: str, handed_over_on: datetime.date
) -> RecoveryCase:
    """Hand-over to the compound's party branch or owners' committee."""
    if not handed_to_name:
        raise ValidationError({"handed_to_name": "请填写接收组织"})
    return _step(
        case,
        actor=actor,
        expected=RecoveryStatus.RECOVERED,
        new=RecoveryStatus.HANDED_OVER,
        data={"handed_to": handed_to, "handed_to_name": handed_to_name, "handed_over_on": handed_over_on},
        verb="recoverycase.hand_over",
    )


@transaction.atomic
def recovery_convert(
    *, case: RecoveryCase, actor, centre: ServiceCentre, converted_on: datetime.date
) -> RecoveryCase:
    """The recovered rooms became a service centre's rooms."""
    if centre.compound_id != case.compound_id:
        raise ValidationError({"centre": "服务中心须在同一小区"})
    return _step(
        case,
        actor=actor,
        expected=RecoveryStatus.HANDED_OVER,
        new=RecoveryStatus.CONVERTED,
        data={"centre": centre, "converted_on": converted_on},
        verb="recoverycase.convert",
    )


# ------------------------------------------------------------------ centres and rooms
def centre_create(*, actor, data: dict) -> ServiceCentre:
    _require(actor, "spaces.add_servicecentre")
    _require_compound(actor, data.get("compound"))
    return record_create(model=ServiceCentre, data=data, actor=actor)


def room_create(*, actor, data: dict) -> Room:
    _require(actor, "spaces.add_room", data.get("centre"))
    return record_create(model=Room, data=data, actor=actor)


def room_update(*, room: Room, actor, data: dict) -> Room:
    _require(actor, "spaces.change_room", room)
    return record_update(obj=room, data=data, actor=actor)


# ------------------------------------------------------------------ bookings
TZ = datetime.timezone(datetime.timedelta(hours=8))


def _local(value: datetime.datetime) -> datetime.datetime:
    if timezone.is_naive(value):
        raise ValidationError({"starts_at": "时间须带时区"})
    return value.astimezone(timezone.get_default_timezone())


def slot_problems(room: Room, starts_at: datetime.datetime, ends_at: datetime.datetime) -> dict[str, str]:
    """Field errors of a slot against the room's opening hours (no database access)."""
    start, end = _local(starts_at), _local(ends_at)
    if end <= start:
        return {"ends_at": "结束时间必须晚于开始时间"}
    if (end - start) > datetime.timedelta(hours=settings.SPACES_BOOKING_MAX_HOURS):
        return {"ends_at": f"单次预约不超过{settings.SPACES_BOOKING_MAX_HOURS}小时"}
    if start.date() != end.date():
        return {"ends_at": "预约须在同一天内"}
    if start.weekday() not in (room.open_weekdays or []):
        return {"starts_at": f"{room.name}周{WEEKDAYS[start.weekday()]}不开放"}
    if start.time() < room.opens_at or end.time() > room.closes_at:
        return {"starts_at": f"超出开放时间：{room.name}每日{room.opens_at:%H:%M}–{room.closes_at:%H:%M}开放"}
    return {}


def overlapping(room_id: int, starts_at, ends_at, *, exclude_pk=None):
    qs = Booking.objects.filter(
        room_id=room_id, status__in=HOLDING, starts_at__lt=ends_at, ends_at__gt=starts_at
    )
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs


def _lock_room(room: Room) -> Room:
    return Room.objects.select_for_update().select_related("centre__compound").get(pk=room.pk)


def _insert_booking(booking: Booking) -> None:
    try:
        with transaction.atomic():
            booking.save()
    except IntegrityError as exc:  # PostgreSQL's exclusion constraint: somebody booked first
        raise ConflictError("该时段刚刚被他人预约，请选择其他时段。") from exc


def _check_booker(actor, room: Room, *, now: datetime.datetime, starts_at: datetime.datetime) -> None:
    _require(actor, "spaces.add_booking", room, message="您的角色无权预约活动室")
    if not room.is_active:
        raise DomainError(f"{room.name}暂停预约")
    if actor is not None:
        if starts_at < now:
            raise ValidationError({"starts_at": "不能预约已经过去的时段"})
        if starts_at > now + datetime.timedelta(days=settings.SPACES_BOOKING_HORIZON_DAYS):
            raise ValidationError({"starts_at": f"最多提前{settings.SPACES_BOOKING_HORIZON_DAYS}天预约"})


@transaction.atomic
def booking_create(
    *,
    actor,
    room: Room,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    use: str,
    title: str,
    booker=None,
    group_name: str = "",
    attendees: int = 1,
    is_generated: bool = False,
) -> Booking:
    """Book one slot. Refused outside opening hours or over another holding booking."""
    now = timezone.now()
    _check_booker(actor, room, now=now, starts_at=starts_at)
    problems = slot_problems(room, starts_at, ends_at)
    if problems:
        raise ValidationError(problems)
    if use not in (room.uses or []):
        raise ValidationError({"use": f"{room.name}不提供该用途，可选：{room.uses_display}"})
    if attendees and attendees > room.capacity:
        raise ValidationError({"attendees": f"人数超过{room.name}容纳人数{room.capacity}人"})
    room = _lock_room(room)  # serialises bookings of this room
    clash = overlapping(room.pk, starts_at, ends_at).first()
    if clash is not None:
        raise ConflictError(f"该时段与已有预约“{clash}”冲突，请选择其他时段。")
    booking = Booking(
        room=room,
        booker=booker or actor,
        group_name=group_name,
        use=use,
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        attendees=attendees or 1,
        status=BookingStatus.PENDING if room.requires_approval else BookingStatus.APPROVED,
        is_generated=is_generated,
    )
    booking.full_clean()
    _insert_booking(booking)
    event_record(actor=actor, verb="booking.create", obj=booking, changes=diff({}, snapshot(booking)))
    return booking


def is_holiday(day: datetime.date) -> bool:
    """A weekday that is not a working day: a statutory holiday (weekend series are kept)."""
    from apps.workdays.calendar import CalendarMissing, is_workday

    if day.weekday() >= 5:
        return False
    try:
        return not is_workday(day)
    except CalendarMissing:
        return False


@dataclass
class SeriesReport:
    created: list[Booking] = field(default_factory=list)
    holidays: list[datetime.date] = field(default_factory=list)
    conflicts: list[tuple[datetime.date, str]] = field(default_factory=list)  # (day, the booking in the way)
    closed: list[tuple[datetime.date, str]] = field(default_factory=list)

    @property
    def text(self) -> str:
        parts = [f"已预约{len(self.created)}次"]
        if self.holidays:
            parts.append("节假日跳过：" + "、".join(f"{d:%m-%d}" for d in self.holidays))
        if self.conflicts:
            parts.append("与已有预约冲突跳过：" + "、".join(f"{d:%m-%d}（{t}）" for d, t in self.conflicts))
        if self.closed:
            parts.append("不开放跳过：" + "、".join(f"{d:%m-%d}" for d, _ in self.closed))
        return "；".join(parts)

    def as_json(self) -> dict:
        return {
            "created": [b.pk for b in self.created],
            "holidays": [d.isoformat() for d in self.holidays],
            "conflicts": [[d.isoformat(), t] for d, t in self.conflicts],
            "closed": [[d.isoformat(), t] for d, t in self.closed],
        }


@transaction.atomic
def booking_series_create(
    *,
    actor,
    room: Room,
    weekday: int,
    start_time: datetime.time,
    end_time: datetime.time,
    first_date: datetime.date,
    last_date: datetime.date,
    use: str,
    title: str,
    group_name: str = "",
    attendees: int = 1,
    booker=None,
    skip_holidays: bool = True,
    on_conflict: str = "skip",
    is_generated: bool = False,
) -> tuple[BookingSeries, SeriesReport]:
    """A weekly activity: one booking per week from first_date to last_date on `weekday`.

    Statutory holidays are skipped; a week whose slot is taken is skipped and reported
    (on_conflict="skip") or the whole series is refused and nothing saved (on_conflict="refuse").
    """
    if last_date < first_date:
        raise ValidationError({"last_date": "截止日期不能早于首次日期"})
    if (last_date - first_date).days > 7 * settings.SPACES_SERIES_MAX_WEEKS:
        raise ValidationError({"last_date": f"周期预约最长{settings.SPACES_SERIES_MAX_WEEKS}周"})
    if end_time <= start_time:
        raise ValidationError({"end_time": "结束时间必须晚于开始时间"})
    if not 0 <= weekday <= 6:
        raise ValidationError({"weekday": "请选择周一至周日"})
    now = timezone.now()
    _require(actor, "spaces.add_booking", room, message="您的角色无权预约活动室")
    if use not in (room.uses or []):
        raise ValidationError({"use": f"{room.name}不提供该用途，可选：{room.uses_display}"})
    room = _lock_room(room)
    series = record_create(
        model=BookingSeries,
        data={
            "room": room,
            "booker": booker or actor,
            "group_name": group_name,
            "use": use,
            "title": title,
            "weekday": weekday,
            "start_time": start_time,
            "end_time": end_time,
            "first_date": first_date,
            "last_date": last_date,
        },
        actor=actor,
    )
    report = SeriesReport()
    tz = timezone.get_default_timezone()
    day = first_date + datetime.timedelta(days=(weekday - first_date.weekday()) % 7)
    while day <= last_date:
        starts = datetime.datetime.combine(day, start_time, tzinfo=tz)
        ends = datetime.datetime.combine(day, end_time, tzinfo=tz)
        if skip_holidays and is_holiday(day):
            report.holidays.append(day)
        elif problems := slot_problems(room, starts, ends):
            report.closed.append((day, next(iter(problems.values()))))
        elif actor is not None and starts < now:
            report.closed.append((day, "已过去"))
        elif clash := overlapping(room.pk, starts, ends).first():
            report.conflicts.append((day, str(clash)))
        else:
            booking = Booking(
                room=room,
                booker=booker or actor,
                group_name=group_name,
                use=use,
                title=title,
                starts_at=starts,
                ends_at=ends,
                attendees=attendees or 1,
                status=BookingStatus.PENDING if room.requires_approval else BookingStatus.APPROVED,
                series=series,
                is_generated=is_generated,
            )
            booking.full_clean()
            _insert_booking(booking)
            report.created.append(booking)
        day += datetime.timedelta(days=7)
    if report.conflicts and on_conflict == "refuse":
        raise ConflictError("周期预约与已有预约冲突，未保存：" + report.text)
    if not report.created:
        raise ConflictError("周期预约没有可用的时段，未保存：" + report.text)
    series.report = report.as_json()
    series.save(update_fields=["report"])
    event_record(actor=actor, verb="bookingseries.report", obj=series, note=report.text)
    return series, report


def _decide(booking: Booking, *, actor, expected, new, perm: str, verb: str, extra=None, note="") -> Booking:
    _require(actor, perm, booking)
    compare_and_set(
        Booking,
        pk=booking.pk,
        expected=expected,
        new=new,
        extra={**(extra or {}), "updated_at": timezone.now()},
        message="该预约已被他人处理，请刷新后重试。",
    )
    before = booking.status
    booking.refresh_from_db()
    event_record(actor=actor, verb=verb, obj=booking, changes={"status": [before, new]}, note=note)
    return booking


@transaction.atomic
def booking_approve(*, booking: Booking, actor, note: str = "") -> Booking:
    return _decide(
        booking,
        actor=actor,
        expected=BookingStatus.PENDING,
        new=BookingStatus.APPROVED,
        perm="spaces.approve_booking",
        verb="booking.approve",
        extra={"decided_by": actor, "decision_note": note},
        note=note,
    )


@transaction.atomic
def booking_reject(*, booking: Booking, actor, note: str) -> Booking:
    if not note:
        raise ValidationError({"decision_note": "请填写不通过的理由"})
    return _decide(
        booking,
        actor=actor,
        expected=BookingStatus.PENDING,
        new=BookingStatus.REJECTED,
        perm="spaces.approve_booking",
        verb="booking.reject",
        extra={"decided_by": actor, "decision_note": note},
        note=note,
    )


@transaction.atomic
def booking_cancel(*, booking: Booking, actor, note: str = "") -> Booking:
    """The booker cancels their own booking; the centre's managers may cancel any."""
    own = actor is not None and booking.booker_id == actor.pk
    return _decide(
        booking,
        actor=actor,
        expected=[BookingStatus.PENDING, BookingStatus.APPROVED],
        new=BookingStatus.CANCELLED,
        perm="spaces.add_booking" if own else "spaces.approve_booking",
        verb="booking.cancel",
        note=note,
    )


@transaction.atomic
def booking_check_in(*, booking: Booking, actor, at: datetime.datetime | None = None) -> Booking:
    """Check-in: from shortly before the start until the end of the slot."""
    at = at or timezone.now()
    own = actor is not None and booking.booker_id == actor.pk
    opens = booking.starts_at - datetime.timedelta(minutes=settings.SPACES_CHECKIN_EARLY_MINUTES)
    if not opens <= at <= booking.ends_at:
        raise DomainError(
            f"签到时间为活动开始前{settings.SPACES_CHECKIN_EARLY_MINUTES}分钟至结束，请在活动时段内签到"
        )
    return _decide(
        booking,
        actor=actor,
        expected=BookingStatus.APPROVED,
        new=BookingStatus.CHECKED_IN,
        perm="spaces.add_booking" if own else "spaces.checkin_booking",
        verb="booking.check_in",
        extra={"checked_in_at": at},
    )
