"""Escalation (升级督办, "whistle up"): community → street → county → city.

One code path for a single escalation by an official and for the sweep's batches: the order
goes back to the dispatch desk of the next level up (status 待派单), the current dispatch is
withdrawn, and the higher level dispatches to departments that must report in. Set-based, so
that the sweep escalates thousands of orders with a handful of statements.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import F

from apps.core.audit import json_value
from apps.core.errors import ConflictError, DomainError
from apps.core.models import Event
from apps.workdays.calendar import WorkCalendar
from apps.workorders import counting, notify, policy, rollups
from apps.workorders.choices import NEXT_LEVEL, AssignmentOutcome, EscalationReason, Level, Status
from apps.workorders.models import Assignment, Escalation, WorkOrder
from apps.workorders.services.common import (
    CONFLICT,
    NO_HANDLER,
    city_code,
    clean_text,
    now_or,
    order_limits,
    stage_fields,
    stage_for,
)


@transaction.atomic
def workorder_escalate(
    *, order: WorkOrder, actor, reason: str, note: str = "", now: datetime.datetime | None = None
) -> WorkOrder:
    """An official (the desk or a higher level) escalates the order one level up."""
    now = now_or(now)
    policy.check("escalate", order, actor)
    if reason not in EscalationReason.values:
        raise DomainError("请选择升级督办的原因", field_errors={"reason": ["请选择原因"]})
    if order.level == Level.CITY:
        raise DomainError("工单已由市级督办，不能继续升级")
    note = clean_text(note, label="督办说明", required=False)
    old_unit = order.handler_key
    escalate_rows(
        [order],
        actor=actor,
        reasons={order.pk: reason},
        note=note,
        now=now,
        expect_version=True,
    )
    notify.workorder_event("escalate", order, reason=EscalationReason(reason).label, old_unit=old_unit)
    return order


def escalate_rows(
    orders: list[WorkOrder],
    *,
    actor,
    reasons: dict[int, str],
    note: str = "",
    now: datetime.datetime,
    expect_version: bool = False,
    cal: WorkCalendar | None = None,
) -> list[tuple[WorkOrder, tuple | None]]:
    """Escalate the given orders (loaded with their category; locked by the caller, or checked
    by version when `expect_version`). Returns (order, previous unit) pairs. Call inside a
    transaction."""
    if not orders:
        return []
    limits_cache: dict[tuple, object] = {}
    times_cache: dict[tuple, object] = {}  # every order here starts its new stage at `now`
    groups: dict[tuple, list[WorkOrder]] = defaultdict(list)
    planned: dict[int, dict] = {}
    for order in orders:
        if order.level == Level.CITY or order.status not in policy.ALLOWED_FROM["escalate"]:
            raise DomainError(f"工单{order.pk}不能升级")
        key = (order.category_id, order.urgency, city_code(order))
        if key not in limits_cache:
            limits_cache[key] = order_limits(order)
        old_level = order.level
        times_key = (key, order.is_joint, old_level)
        if times_key not in times_cache:
            order.level = NEXT_LEVEL[old_level]  # the stage is the new level's dispatch stage
            times_cache[times_key] = stage_for(
                order, Status.ACCEPTED, start=now, limits=limits_cache[key], cal=cal
            )
            order.level = old_level
        times = times_cache[times_key]
        fields = {
            "status": Status.ACCEPTED,
            "level": NEXT_LEVEL[old_level],
            **NO_HANDLER,
            "current_assignment_id": None,
            **stage_fields(times, start=now, now=now),
            "updated_at": now,
        }
        planned[order.pk] = fields
        groups[tuple(sorted((k, json_value(v)) for k, v in fields.items()))].append(order)

    for members in groups.values():
        ids = [o.pk for o in members]
        fields = planned[ids[0]]
        qs = WorkOrder.objects.filter(pk__in=ids)
        if expect_version:
            (only,) = members
            qs = qs.filter(version=only.version)
        updated = qs.update(**fields, version=F("version") + 1, escalation_count=F("escalation_count") + 1)
        if updated != len(ids):
            raise ConflictError(CONFLICT)

    withdrawn = [o.current_assignment_id for o in orders if o.current_assignment_id]
    if withdrawn:
        Assignment.objects.filter(pk__in=withdrawn).update(outcome=AssignmentOutcome.WITHDRAWN, ended_at=now)

    actor_id = actor.pk if actor is not None and getattr(actor, "pk", None) else None
    content_type = ContentType.objects.get_for_model(WorkOrder)
    escalations, events, results = [], [], []
    region_rows, unit_rows = [], []
    month = rollups.month_of(now)
    for order in orders:
        fields = planned[order.pk]
        old = {
            "status": order.status,
            "level": order.level,
            "handler_kind": order.handler_kind,
            "due_at": json_value(order.due_at),
            "escalation_count": order.escalation_count,
        }
        old_unit, assignment_id = order.handler_key, order.current_assignment_id
        reason = reasons[order.pk]
        escalations.append(
            Escalation(
                order_id=order.pk,
                from_level=order.level,
                to_level=fields["level"],
                reason=reason,
                note=note,
                at=now,
                actor_id=actor_id,
                assignment_id=assignment_id,
            )
        )
        for key, value in fields.items():
            setattr(order, key, value)
        order.version += 1
        order.escalation_count += 1
        new = {
            "status": order.status,
            "level": order.level,
            "handler_kind": order.handler_kind,
            "due_at": json_value(order.due_at),
            "escalation_count": order.escalation_count,
        }
        changes = {k: [old[k], new[k]] for k in old if old[k] != new[k]}
        changes["reason"] = [None, reason]
        events.append(
            Event(
                actor_id=actor_id,
                verb="workorder.escalate",
                content_type=content_type,
                object_id=str(order.pk),
                object_repr=str(order)[:200],
                region_code=order.region_code,
                changes=changes,
                note=note or EscalationReason(reason).label,
                created_at=now,
            )
        )
        counts = counting.counts("escalated", escalations[-1])
        for level, length in rollups.STORED_LEVELS:
            region_rows.append(((level, order.region_code[:length], month, order.category_id), counts))
        if old_unit is not None:
            unit_rows.append(((old_unit[0], old_unit[1], order.county_code, month), counts))
        results.append((order, old_unit))

    Escalation.objects.bulk_create(escalations)
    Event.objects.bulk_create(events)
    rollups.upsert_region(region_rows)
    rollups.upsert_unit(unit_rows)
    return results
