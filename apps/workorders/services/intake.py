"""Intake (诉求提交): a resident, staff on a resident's behalf, a grid worker, the hotline or
an Open311 client files a request."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404

from apps.core.audit import diff, snapshot
from apps.core.errors import DomainError, ForbiddenError
from apps.core.roles import OFFICIAL_ROLES, Role
from apps.core.scoping import scope_of
from apps.core.sql import insert_row
from apps.core.validators import check_mobile, normalize_mobile
from apps.workorders import notify, photos, rollups
from apps.workorders.choices import Channel, Level, PhotoStage, Status, Urgency
from apps.workorders.models import Category, WorkOrder
from apps.workorders.services.common import (
    now_or,
    order_limits,
    raise_validation,
    record,
    stage_fields,
    stage_for,
)

STAFF_CHANNELS = (Channel.STAFF, Channel.GRID, Channel.HOTLINE)
SYSTEM_CHANNELS = (Channel.HOTLINE, Channel.OPEN311)
# An official's API client (a hotline system) files through Open311 as itself.
OFFICIAL_CHANNELS = (*STAFF_CHANNELS, Channel.OPEN311)
# Not validated by full_clean at intake: the tracking code (a default), and the relations, which
# the service receives as instances just read from the database (a query each otherwise).
INTAKE_LOADED = ["tracking_code", "compound", "building", "unit", "category", "reporter_user", "created_by"]


def compound_allowed(actor, compound) -> bool:
    """Residents and committee members file for their own compound; officials for compounds in
    their region; the system (actor None) anywhere."""
    if actor is None:
        return True
    scope = scope_of(actor)
    if scope.everything:
        return True
    if actor.role in (Role.RESIDENT, Role.COMMITTEE):
        return scope.compound_id == compound.pk
    if actor.role in OFFICIAL_ROLES:
        return compound.community_id.startswith(scope.region_prefix)
    return False


def _channel_for(actor, channel: str | None) -> str:
    if actor is None:
        if channel not in SYSTEM_CHANNELS:
            raise DomainError("系统接入的诉求须注明来源渠道（热线或Open311）")
        return channel
    if actor.role in (Role.RESIDENT, Role.COMMITTEE):
        return Channel.RESIDENT_APP
    channel = channel or Channel.STAFF
    if channel not in OFFICIAL_CHANNELS:
        raise DomainError("来源渠道不正确", field_errors={"channel": ["请选择代报、网格员或热线"]})
    return channel


# Filed on somebody's behalf by staff or a grid worker: the call-back needs the reporter's phone
# (not for an anonymous report, nor from the hotline, whose system keeps the caller's number).
PHONE_NEEDED_CHANNELS = (Channel.STAFF, Channel.GRID)


def intake_rules(
    *,
    actor,
    compound,
    category: Category,
    description: str,
    urgency: str = Urgency.NORMAL,
    channel: str | None = None,
    building=None,
    unit=None,
    reporter_phone: str = "",
    is_anonymous: bool = False,
    joint_owner_count: int = 0,
) -> tuple[str, str, str]:
    """Every rule a whistle's content must satisfy, in one place: the intake service applies
    them, and a form may call them to show the refusal before anything is sent (so no adapter —
    a page, the REST API, Open311, an import or a command — can file what they refuse).
    Permission, the compound's scope and the photos are the service's own checks. Raises
    DomainError naming the field; returns (channel, description, phone) as the order stores them.
    `reporter_phone`: the phone as given (a resident's defaults to their account's)."""
    channel = _channel_for(actor, channel)
    if not category.is_active:
        raise DomainError(
            f"诉求分类“{category}”已停用，请选择其他分类", field_errors={"category": ["该分类已停用"]}
        )
    if urgency not in Urgency.values:
        raise DomainError("紧急程度不正确")
    text = (description or "").strip()
    if not text:
        raise DomainError("请填写诉求内容", field_errors={"description": ["请填写诉求内容"]})
    if len(text) > settings.WORKORDER_DESCRIPTION_MAX_LENGTH:
        raise DomainError(f"诉求内容不能超过{settings.WORKORDER_DESCRIPTION_MAX_LENGTH}字")
    if building is not None and building.compound_id != compound.pk:
        raise DomainError("所选楼栋不属于该小区", field_errors={"building": ["所选楼栋不属于该小区"]})
    if unit is not None and (
        unit.compound_id != compound.pk or (building is not None and unit.building_id != building.pk)
    ):
        raise DomainError("所选房屋不属于该小区或楼栋", field_errors={"unit": ["所选房屋不属于该小区或楼栋"]})
    if joint_owner_count < 0:
        raise DomainError("联名业主人数不能为负数")
    phone = normalize_mobile(reporter_phone)
    if phone and check_mobile(phone):
        raise DomainError(check_mobile(phone), field_errors={"reporter_phone": [check_mobile(phone)]})
    if channel in PHONE_NEEDED_CHANNELS and not is_anonymous and not phone:
        message = "代报诉求请填写诉求人手机号，以便回访"
        raise DomainError(message, field_errors={"reporter_phone": [message]})
    return channel, text, phone


def reports_for_self(actor) -> bool:
    """Residents and owners'-committee members report for themselves (they are owners): they
    follow and rate their own orders. Officials file on somebody's behalf."""
    return actor is not None and actor.role in (Role.RESIDENT, Role.COMMITTEE)


@transaction.atomic
def workorder_submit(
    *,
    actor,
    compound,
    category: Category,
    description: str,
    urgency: str = Urgency.NORMAL,
    channel: str | None = None,
    building=None,
    unit=None,
    reporter_name: str = "",
    reporter_phone: str = "",
    is_anonymous: bool = False,
    joint_owner_count: int = 0,
    photo_files=(),
    is_generated: bool = False,
    now: datetime.datetime | None = None,
) -> WorkOrder:
    """File a request; it waits for the community to accept it ("report in"). The reporter gets
    a tracking code. Photos are checked before anything is written."""
    backdate, now = now is not None, now_or(now)
    if actor is not None and not actor.has_perm("workorders.submit_workorder"):
        raise ForbiddenError("您没有提交诉求的权限")
    if compound is None or not compound_allowed(actor, compound):
        raise Http404("未找到该小区，或不在您的辖区内。")
    reporter_user = None
    if reports_for_self(actor):
        reporter_user = actor
        reporter_name = reporter_name or actor.full_name
        reporter_phone = reporter_phone or actor.phone
    channel, text, phone = intake_rules(
        actor=actor,
        compound=compound,
        category=category,
        description=description,
        urgency=urgency,
        channel=channel,
        building=building,
        unit=unit,
        reporter_phone=reporter_phone,
        is_anonymous=is_anonymous,
        joint_owner_count=joint_owner_count,
    )
    try:
        checked = photos.check_photos(photo_files)
    except ValidationError as exc:
        raise DomainError("；".join(exc.messages), field_errors={"photos": exc.messages}) from exc

    order = WorkOrder(
        compound=compound,
        building=building,
        unit=unit,
        region_code=compound.community_id,
        category=category,
        urgency=urgency,
        description=text,
        channel=channel,
        reporter_user=reporter_user,
        reporter_name=(reporter_name or "").strip()[:50],
        reporter_phone=phone,
        is_anonymous=is_anonymous,
        joint_owner_count=joint_owner_count,
        is_joint=joint_owner_count >= settings.WORKORDER_JOINT_MIN_OWNERS,
        created_by=actor if actor is not None and reporter_user is None else None,
        status=Status.SUBMITTED,
        level=Level.COMMUNITY,
        submitted_at=now,
        updated_at=now,
        is_generated=is_generated,
    )
    times = stage_for(order, Status.SUBMITTED, start=now, limits=order_limits(order))
    for key, value in stage_fields(times, start=now, now=now).items():
        setattr(order, key, value)
    order.accept_due_at = times.due_at
    try:
        # Field validation; the check constraints are the database's (one query each otherwise).
        # The related rows were given as loaded instances: no query to see that they exist.
        order.full_clean(exclude=INTAKE_LOADED, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        raise_validation(exc)
    insert_row(order)  # the busiest INSERT: as order.save(), without rebuilding the statement
    with photos.files_removed_on_failure() as stored:
        photos.save_photos(
            order=order, stage=PhotoStage.INTAKE, photos=checked, actor=actor, now=now, into=stored
        )
        after = snapshot(order)
        for hidden in ("reporter_name", "reporter_phone", "description"):
            after.pop(hidden, None)  # personal data stays out of the audit log
        record(
            order=order,
            actor=actor,
            verb="submit",
            changes=diff({}, after),
            note="",
            now=now,
            backdate=backdate,
        )
        notify.workorder_event("submit", order)
        if times.missing_year:
            from apps.workdays.calendar import CalendarMissing

            notify.workorder_event(
                "calendar_missing", order, message=CalendarMissing(times.missing_year).message
            )
        rollups.count("submitted", order, order=order, at=now)
    return order
