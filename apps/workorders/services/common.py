"""Shared machinery of the work-order services: the compare-and-set transition that writes
exactly one audit Event, stage deadlines, and handler eligibility."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from apps.core.audit import json_value
from apps.core.errors import DomainError
from apps.core.models import Event
from apps.core.services import compare_and_set, event_record, validation_message
from apps.workdays.calendar import WorkCalendar
from apps.workorders import deadlines
from apps.workorders.choices import (
    ESCALATABLE,
    EscalationReason,
    HandlerKind,
    Level,
    SlaCard,
    Status,
)
from apps.workorders.deadlines import NO_STAGE, StageTimes
from apps.workorders.models import WorkOrder
from apps.workorders.models.categories import StageLimits

CONFLICT = "该工单已被他人处理或状态已变化，请刷新后重试。"
AUDITED = (
    "status",
    "level",
    "handler_kind",
    "handler_company_id",
    "handler_committee_id",
    "handler_department_id",
    "due_at",
    "sla_card",
    "merged_into_id",
    "return_count",
    "rework_count",
    "escalation_count",
)


def now_or(now: datetime.datetime | None) -> datetime.datetime:
    return now or timezone.now()


def city_code(order: WorkOrder) -> str:
    return order.region_code[:4] + "00"


def order_limits(order: WorkOrder) -> StageLimits:
    return deadlines.limits_for(category=order.category, urgency=order.urgency, city_code=city_code(order))


def stage_for(
    order: WorkOrder,
    status: str,
    *,
    start: datetime.datetime,
    limits: StageLimits | None,
    cal: WorkCalendar | None = None,
) -> StageTimes:
    """Deadline/warning/escalation times of the stage an order enters with `status`."""
    if status in (Status.SUBMITTED, Status.ACCEPTED):
        cap = deadlines.joint_accept_cap() if order.is_joint else None
        return deadlines.stage_times(start=start, limit=limits.accept, level=order.level, cap=cap, cal=cal)
    if status == Status.DISPATCHED:
        return deadlines.stage_times(start=start, limit=limits.sign, level=order.level, cal=cal)
    if status == Status.SIGNED:
        return deadlines.stage_times(start=start, limit=limits.resolve, level=order.level, cal=cal)
    if status == Status.RESOLVED:
        return deadlines.stage_times(
            start=start, limit=deadlines.callback_limit(), level=order.level, escalatable=False, cal=cal
        )
    return NO_STAGE


def stage_fields(times: StageTimes, *, start, now, trigger: str = "") -> dict:
    """Order fields for a new stage. `trigger` (an EscalationReason) asks the sweep to escalate
    at once (repeated reports, refusals, bad handling)."""
    fields = {
        "stage_started_at": start,
        "due_at": times.due_at,
        "warn_at": times.warn_at,
        "escalate_at": times.escalate_at,
        "escalate_reason": EscalationReason.OVERDUE if times.escalate_at else "",
        "sla_card": times.card(now),
        "card_changed_at": None,
        "calendar_missing": times.calendar_missing,
    }
    if trigger:
        fields["escalate_at"] = now
        fields["escalate_reason"] = trigger
    if fields["sla_card"] != SlaCard.NONE:
        fields["card_changed_at"] = now
    return fields


def ended_fields(now) -> dict:
    return {
        "due_at": None,
        "warn_at": None,
        "escalate_at": None,
        "escalate_reason": "",
        "sla_card": SlaCard.NONE,
        "card_changed_at": None,
        "calendar_missing": False,
        "ended_at": now,
    }


def threshold_reached(order: WorkOrder, count: int, setting: int, status: str) -> bool:
    """A count rule (repeats, returns, reworks) escalates from the community level only."""
    return bool(setting) and count >= setting and order.level == Level.COMMUNITY and status in ESCALATABLE


def transition(
    *,
    order: WorkOrder,
    actor,
    verb: str,
    to: str,
    now: datetime.datetime,
    backdate: bool,
    fields: dict | None = None,
    note: str = "",
    extra_changes: dict | None = None,
) -> Event:
    """Compare-and-set the order from the version the caller saw to the next one, apply
    `fields`, and write the one audit Event of this transition. ConflictError if somebody
    else moved first (two clicks at once: exactly one wins)."""
    fields = dict(fields or {})
    before = {k: json_value(getattr(order, k)) for k in AUDITED}
    db_fields = {**fields, "status": to, "updated_at": now}
    compare_and_set(
        WorkOrder,
        pk=order.pk,
        field="version",
        expected=order.version,
        new=order.version + 1,
        extra=db_fields,
        message=CONFLICT,
    )
    for key, value in db_fields.items():
        setattr(order, key, value)
    order.version += 1
    after = {k: json_value(getattr(order, k)) for k in AUDITED}
    changes = {k: [before[k], after[k]] for k in AUDITED if before[k] != after[k]}
    changes.update(extra_changes or {})
    return record(order=order, actor=actor, verb=verb, changes=changes, note=note, now=now, backdate=backdate)


def record(*, order, actor, verb: str, changes: dict, note: str, now, backdate: bool) -> Event:
    # the demo replays history at past times: its events carry the replayed time
    return event_record(
        actor=actor,
        verb=f"workorder.{verb}",
        obj=order,
        changes=changes,
        note=note,
        at=now if backdate else None,
    )


def clean_text(value: str, *, label: str, required: bool = True, max_length: int = 2000) -> str:
    text = (value or "").strip()
    if required and not text:
        raise DomainError(f"请填写{label}", field_errors={"note": [f"请填写{label}"]})
    if len(text) > max_length:
        raise DomainError(f"{label}不能超过{max_length}字")
    return text


def raise_validation(exc: ValidationError):
    raise DomainError(validation_message(exc), field_errors=getattr(exc, "message_dict", None)) from exc


# ------------------------------------------------------------------ handling units
def handler_kind_of(unit) -> str:
    from apps.committees.models import OwnersCommittee
    from apps.registry.choices import DepartmentKind
    from apps.registry.models import Department, PropertyCompany

    if isinstance(unit, PropertyCompany):
        return HandlerKind.COMPANY
    if isinstance(unit, OwnersCommittee):
        return HandlerKind.COMMITTEE
    if isinstance(unit, Department):
        return (
            HandlerKind.STREET_OFFICE if unit.kind == DepartmentKind.STREET_OFFICE else HandlerKind.DEPARTMENT
        )
    raise DomainError("处理单位类型不正确")


def handler_fields(unit) -> dict:
    kind = handler_kind_of(unit)
    return {
        "handler_kind": kind,
        "handler_company_id": unit.pk if kind == HandlerKind.COMPANY else None,
        "handler_committee_id": unit.pk if kind == HandlerKind.COMMITTEE else None,
        "handler_department_id": unit.pk
        if kind in (HandlerKind.STREET_OFFICE, HandlerKind.DEPARTMENT)
        else None,
    }


NO_HANDLER = {
    "handler_kind": "",
    "handler_company_id": None,
    "handler_committee_id": None,
    "handler_department_id": None,
}


def department_region_codes(region_code: str) -> list[str]:
    """The regions whose departments cover a community: itself, its street, county, city, province."""
    return [region_code, region_code[:9], region_code[:6], region_code[:4] + "00", region_code[:2] + "0000"]


def eligible_handlers(order: WorkOrder, *, on: datetime.date | None = None) -> list:
    """Units the desk may dispatch this order to: the compound's company and any company
    registered in its county (fallback / public-welfare companies); the compound's active
    owners' committee; departments (street offices included) whose region contains the
    compound. Three queries."""
    from apps.committees.models import OwnersCommittee
    from apps.registry.models import Department, PropertyCompany

    on = on or timezone.localdate()
    compound = order.compound
    companies = list(
        PropertyCompany.objects.filter(Q(pk=compound.company_id) | Q(region_id=order.county_code)).order_by(
            "name", "id"
        )
    )
    committees = [
        c
        for c in OwnersCommittee.objects.filter(compound_id=compound.pk, term_start__lte=on, term_end__gte=on)
        if c.is_active(on)
    ]
    departments = list(
        Department.objects.filter(region_id__in=department_region_codes(order.region_code)).order_by(
            "region_id", "name"
        )
    )
    return [*companies, *committees, *departments]


def is_eligible(order: WorkOrder, unit, *, on: datetime.date | None = None) -> bool:
    """The rule of eligible_handlers for one unit, without a query."""
    from apps.committees.models import OwnersCommittee
    from apps.registry.models import Department, PropertyCompany

    on = on or timezone.localdate()
    if isinstance(unit, PropertyCompany):
        return unit.pk == order.compound.company_id or unit.region_id == order.county_code
    if isinstance(unit, OwnersCommittee):
        return unit.compound_id == order.compound_id and unit.is_active(on)
    if isinstance(unit, Department):
        return unit.region_id in department_region_codes(order.region_code)
    return False


def check_eligible(order: WorkOrder, unit, *, on=None) -> None:
    kind = handler_kind_of(unit)
    if not is_eligible(order, unit, on=on):
        raise DomainError(
            f"所选{HandlerKind(kind).label}“{unit}”不在本工单的辖区内，不能派单",
            field_errors={"handler": ["所选处理单位不在本工单的辖区内"]},
        )


def suggested_handler(order: WorkOrder, *, candidates: list | None = None):
    """The category's default unit for this order, if one exists: the compound's company or
    committee, the street office of its street, or a department of the category's kind (the
    nearest region first). Pass `candidates` (eligible_handlers) to save the queries."""
    from apps.registry.choices import DepartmentKind

    kind = order.category.default_handler_kind
    candidates = eligible_handlers(order) if candidates is None else candidates
    if kind == HandlerKind.COMPANY:
        return next(
            (u for u in candidates if handler_kind_of(u) == kind and u.pk == order.compound.company_id), None
        )
    if kind == HandlerKind.COMMITTEE:
        return next((u for u in candidates if handler_kind_of(u) == kind), None)
    wanted = (
        DepartmentKind.STREET_OFFICE
        if kind == HandlerKind.STREET_OFFICE
        else order.category.default_department_kind
    )
    departments = [
        u
        for u in candidates
        if handler_kind_of(u) in (HandlerKind.STREET_OFFICE, HandlerKind.DEPARTMENT) and u.kind == wanted
    ]
    departments.sort(key=lambda d: -len(d.region_id))  # street before county before city
    return departments[0] if departments else None
