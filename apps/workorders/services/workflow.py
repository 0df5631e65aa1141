"""The workflow verbs after intake: one service per verb, each a compare-and-set transition that
writes exactly one audit Event, moves the rollup counters and queues its notifications for
after commit. See docs/workorders.md for the state machine."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404

from apps.core.errors import DomainError
from apps.core.sql import row_by_pk
from apps.workdays.calendar import CalendarMissing
from apps.workorders import deadlines, notify, photos, policy, rollups
from apps.workorders.choices import (
    OPEN,
    AssignmentOutcome,
    EscalationReason,
    ExtensionState,
    PhotoStage,
    Satisfaction,
    SlaCard,
    Status,
)
from apps.workorders.models import Assignment, CallBack, WorkOrder
from apps.workorders.services.common import (
    NO_HANDLER,
    check_eligible,
    clean_text,
    ended_fields,
    handler_fields,
    now_or,
    order_limits,
    stage_fields,
    stage_for,
    threshold_reached,
    transition,
)


@transaction.atomic
def workorder_accept(
    *, order: WorkOrder, actor, note: str = "", now: datetime.datetime | None = None
) -> WorkOrder:
    """The community (compound branch) reports in: the order is accepted and waits for dispatch.
    The accept limit covers acceptance and dispatch together, so the deadline runs on."""
    backdate, now = now is not None, now_or(now)
    policy.check("accept", order, actor)
    note = clean_text(note, label="受理意见", required=False)
    on_time = deadlines.on_time(now, order.accept_due_at)
    transition(
        order=order,
        actor=actor,
        verb="accept",
        to=Status.ACCEPTED,
        now=now,
        backdate=backdate,
        note=note,
        fields={"accepted_at": now, "accept_on_time": on_time},
    )
    notify.workorder_event("accept", order)
    rollups.count("accepted", order, order=order, at=now)
    return order


@transaction.atomic
def workorder_dispatch(
    *, order: WorkOrder, actor, handler, instructions: str = "", now: datetime.datetime | None = None
) -> WorkOrder:
    """The desk sends the order to a handling unit, which must sign for it ("report in")."""
    backdate, now = now is not None, now_or(now)
    policy.check("dispatch", order, actor)
    check_eligible(order, handler, on=now.date())
    instructions = clean_text(instructions, label="派单意见", required=False)
    limits = order_limits(order)
    sign_stage = stage_for(order, Status.DISPATCHED, start=now, limits=limits)
    assignment = Assignment.objects.create(
        order=order,
        kind=handler_fields(handler)["handler_kind"],
        county_code=order.county_code,
        level=order.level,
        dispatched_at=now,
        dispatched_by=actor,
        instructions=instructions,
        sign_due_at=sign_stage.due_at,
        resolve_due_at=_due_or_none(now, limits.resolve),
        return_until=_due_or_none(now, deadlines.return_limit()),
        **{k.removeprefix("handler_"): v for k, v in handler_fields(handler).items() if k != "handler_kind"},
    )
    transition(
        order=order,
        actor=actor,
        verb="dispatch",
        to=Status.DISPATCHED,
        now=now,
        backdate=backdate,
        note=instructions,
        fields={
            **handler_fields(handler),
            "current_assignment_id": assignment.pk,
            **stage_fields(sign_stage, start=now, now=now),
        },
        extra_changes={"assignment": [None, assignment.pk]},
    )
    notify.workorder_event("dispatch", order, instructions=instructions)
    rollups.count("dispatched", assignment, order=order, at=now, unit=assignment.unit_key)
    return order


def _due_or_none(start, limit):
    from apps.workdays.calendar import CalendarMissing

    try:
        return deadlines.due_after(start, limit)
    except CalendarMissing:
        return None


def _current(order: WorkOrder) -> Assignment:
    """The order's current assignment, read fresh (every verb after dispatch reads it: by the
    statement of apps/core/sql.py, the same instance as `Assignment.objects.get`)."""
    if order.current_assignment_id is None:
        raise DomainError("工单没有当前派单记录")
    assignment = row_by_pk(Assignment, order.current_assignment_id)
    if assignment is None:
        raise Assignment.DoesNotExist(f"Assignment {order.current_assignment_id} does not exist")
    return assignment


@transaction.atomic
def workorder_sign(
    *, order: WorkOrder, actor, note: str = "", now: datetime.datetime | None = None
) -> WorkOrder:
    """The handling unit signs for the order; its resolve deadline runs from the dispatch."""
    backdate, now = now is not None, now_or(now)
    policy.check("sign", order, actor)
    note = clean_text(note, label="签收意见", required=False)
    assignment = _current(order)
    on_time = deadlines.on_time(now, assignment.sign_due_at)
    resolve_stage = stage_for(
        order, Status.SIGNED, start=assignment.dispatched_at, limits=order_limits(order)
    )
    Assignment.objects.filter(pk=assignment.pk).update(
        signed_at=now, signed_by=actor, sign_on_time=on_time, resolve_due_at=resolve_stage.due_at
    )
    assignment.signed_at, assignment.sign_on_time = now, on_time
    transition(
        order=order,
        actor=actor,
        verb="sign",
        to=Status.SIGNED,
        now=now,
        backdate=backdate,
        note=note,
        fields=stage_fields(resolve_stage, start=assignment.dispatched_at, now=now),
    )
    notify.workorder_event("sign", order)
    rollups.count("signed", assignment, order=order, at=now, unit=assignment.unit_key)
    return order


@transaction.atomic
def workorder_return(
    *, order: WorkOrder, actor, reason: str, now: datetime.datetime | None = None
) -> WorkOrder:
    """The unit sends a mis-assigned order back to the desk (退单), within the return limit;
    the desk dispatches again. Repeated returns escalate (菏泽条例 第28条: no second transfer)."""
    backdate, now = now is not None, now_or(now)
    policy.check("return", order, actor)
    reason = clean_text(reason, label="退单理由")
    assignment = _current(order)
    if assignment.is_rework:
        raise DomainError("重办的工单不能退单（首接负责）")
    if assignment.return_until is not None and now >= assignment.return_until:
        raise DomainError(
            f"已超过退单时限（派单后{settings.WORKORDER_RETURN_LIMIT_WORKING_DAYS}个工作日内），请按首接负责制办理"
        )
    Assignment.objects.filter(pk=assignment.pk).update(
        outcome=AssignmentOutcome.RETURNED, returned_at=now, return_reason=reason, ended_at=now
    )
    returns = order.return_count + 1
    trigger = (
        EscalationReason.REFUSED
        if threshold_reached(order, returns, settings.WORKORDER_ESCALATE_AFTER_RETURNS, Status.ACCEPTED)
        else ""
    )
    stage = stage_for(order, Status.ACCEPTED, start=now, limits=order_limits(order))
    transition(
        order=order,
        actor=actor,
        verb="return",
        to=Status.ACCEPTED,
        now=now,
        backdate=backdate,
        note=reason,
        fields={
            **NO_HANDLER,
            "current_assignment_id": None,
            "return_count": returns,
            **stage_fields(stage, start=now, now=now, trigger=trigger),
        },
    )
    notify.workorder_event("return", order, reason=reason)
    rollups.count("returned", assignment, order=order, at=now, unit=assignment.unit_key)
    return order


@transaction.atomic
def workorder_resolve(
    *, order: WorkOrder, actor, note: str, photo_files=(), now: datetime.datetime | None = None
) -> WorkOrder:
    """The unit reports the work done, with a note and photo evidence; the community calls back."""
    backdate, now = now is not None, now_or(now)
    policy.check("resolve", order, actor)
    note = clean_text(note, label="办理情况")
    try:
        checked = photos.check_photos(photo_files)
    except ValidationError as exc:
        raise DomainError("；".join(exc.messages), field_errors={"photos": exc.messages}) from exc
    if order.category.evidence_required and not checked:
        raise DomainError(
            f"“{order.category}”类诉求办结时须上传至少1张现场照片",
            field_errors={"photos": ["请上传现场照片"]},
        )
    assignment = _current(order)
    on_time = deadlines.on_time(now, assignment.resolve_due_at)
    Assignment.objects.filter(pk=assignment.pk).update(
        outcome=AssignmentOutcome.RESOLVED,
        resolved_at=now,
        resolved_by=actor,
        resolution_note=note,
        resolve_on_time=on_time,
        ended_at=now,
    )
    assignment.resolved_at, assignment.resolve_on_time = now, on_time
    stage = stage_for(order, Status.RESOLVED, start=now, limits=None)
    with photos.files_removed_on_failure() as saved:
        photos.save_photos(
            order=order,
            stage=PhotoStage.RESOLUTION,
            photos=checked,
            actor=actor,
            now=now,
            assignment=assignment,
            into=saved,
        )
        transition(
            order=order,
            actor=actor,
            verb="resolve",
            to=Status.RESOLVED,
            now=now,
            backdate=backdate,
            note=note,
            fields=stage_fields(stage, start=now, now=now),
            extra_changes={"photos": [None, [p.pk for p in saved]]} if saved else None,
        )
        notify.workorder_event("resolve", order)
        rollups.count("resolved", assignment, order=order, at=now, unit=assignment.unit_key)
    return order


@transaction.atomic
def workorder_callback(
    *,
    order: WorkOrder,
    actor,
    reached: bool,
    contacted: bool | None = None,
    solved: bool | None = None,
    satisfaction: str = "",
    note: str = "",
    now: datetime.datetime | None = None,
) -> CallBack:
    """The community calls the reporter back (回访), or the reporter rates the handling. A call
    that does not reach the reporter is recorded but is not a valid call-back."""
    backdate, now = now is not None, now_or(now)
    policy.check("callback", order, actor)
    by_reporter = policy.is_reporter(actor, order)
    if by_reporter:
        reached = True
    note = clean_text(note, label="您的意见" if by_reporter else "回访记录", required=False)
    if reached:
        missing = [
            label for value, label in ((contacted, "是否联系过您"), (solved, "问题是否解决")) if value is None
        ]
        if satisfaction not in Satisfaction.values:
            missing.append("满意度")
        if missing:
            raise DomainError(
                f"请填写：{'、'.join(missing)}", field_errors={"satisfaction": ["请完整填写回访结果"]}
            )
    else:
        contacted, solved, satisfaction = None, None, ""
    callback = CallBack.objects.create(
        order=order,
        assignment_id=order.current_assignment_id,
        created_at=now,
        by=actor,
        by_reporter=by_reporter,
        reached=reached,
        contacted=contacted,
        solved=solved,
        satisfaction=satisfaction,
        note=note,
    )
    result = Satisfaction(satisfaction).label if satisfaction else "未联系上诉求人"
    transition(
        order=order,
        actor=actor,
        verb="callback",
        to=Status.CALLED_BACK,
        now=now,
        backdate=backdate,
        note=note,
        fields={"stage_started_at": now, **{k: v for k, v in ended_fields(now).items() if k != "ended_at"}},
        extra_changes={
            "callback": [
                None,
                {
                    "reached": reached,
                    "contacted": contacted,
                    "solved": solved,
                    "satisfaction": satisfaction,
                    "by_reporter": by_reporter,
                },
            ]
        },
    )
    unit = _current(order).unit_key if order.current_assignment_id else None
    notify.workorder_event("callback", order, result=result, by_reporter=by_reporter)
    rollups.count("called_back", callback, order=order, at=now, unit=unit)
    return callback


def latest_callback(order: WorkOrder) -> CallBack | None:
    return order.callbacks.order_by("-created_at", "-id").first()


@transaction.atomic
def workorder_close(
    *, order: WorkOrder, actor, note: str = "", now: datetime.datetime | None = None
) -> WorkOrder:
    """Close after a call-back that found the reporter content (or could not reach them)."""
    backdate, now = now is not None, now_or(now)
    policy.check("close", order, actor)
    callback = latest_callback(order)
    if callback is not None and not callback.is_acceptable:
        raise DomainError("回访显示问题未解决或诉求人不满意，不能结案；请重办或升级督办")
    note = clean_text(note, label="结案意见", required=False)
    transition(
        order=order,
        actor=actor,
        verb="close",
        to=Status.CLOSED,
        now=now,
        backdate=backdate,
        note=note,
        fields=ended_fields(now),
    )
    notify.workorder_event("close", order)
    rollups.count("ended", order, order=order, at=now)
    return order


@transaction.atomic
def workorder_reopen(
    *, order: WorkOrder, actor, note: str, now: datetime.datetime | None = None
) -> WorkOrder:
    """Rework (重办) after a dissatisfied or unsolved call-back (济南热线条例 第27条): the same unit
    gets the order again with fresh deadlines and may not return it. Repeated rework escalates."""
    backdate, now = now is not None, now_or(now)
    policy.check("reopen", order, actor)
    note = clean_text(note, label="重办要求")
    callback = latest_callback(order)
    if callback is None or callback.is_acceptable:
        raise DomainError("回访结果为已解决且未表示不满意，无需重办")
    previous = _current(order)
    limits = order_limits(order)
    sign_stage = stage_for(order, Status.DISPATCHED, start=now, limits=limits)
    assignment = Assignment.objects.create(
        order=order,
        kind=previous.kind,
        company_id=previous.company_id,
        committee_id=previous.committee_id,
        department_id=previous.department_id,
        county_code=order.county_code,
        level=order.level,
        is_rework=True,
        dispatched_at=now,
        dispatched_by=actor,
        instructions=note,
        sign_due_at=sign_stage.due_at,
        resolve_due_at=_due_or_none(now, limits.resolve),
        return_until=None,
    )
    reworks = order.rework_count + 1
    trigger = (
        EscalationReason.BADLY_HANDLED
        if threshold_reached(order, reworks, settings.WORKORDER_ESCALATE_AFTER_REWORKS, Status.DISPATCHED)
        else ""
    )
    transition(
        order=order,
        actor=actor,
        verb="reopen",
        to=Status.DISPATCHED,
        now=now,
        backdate=backdate,
        note=note,
        fields={
            "current_assignment_id": assignment.pk,
            "rework_count": reworks,
            **stage_fields(sign_stage, start=now, now=now, trigger=trigger),
        },
        extra_changes={"assignment": [previous.pk, assignment.pk]},
    )
    notify.workorder_event("reopen", order, note=note)
    rollups.count("dispatched", assignment, order=order, at=now, unit=assignment.unit_key)
    return order


@transaction.atomic
def workorder_merge(
    *, order: WorkOrder, actor, target: WorkOrder, note: str = "", now: datetime.datetime | None = None
) -> WorkOrder:
    """Merge a duplicate into another open order of the same community. Enough duplicates
    escalate the target (repeated reports)."""
    backdate, now = now is not None, now_or(now)
    policy.check("merge", order, actor)
    if target is None or (actor is not None and not policy.can_see(actor, target)):
        raise Http404(policy.NOT_FOUND)
    if target.pk == order.pk:
        raise DomainError("不能合并到工单自身")
    if target.region_code != order.region_code:
        raise DomainError("只能合并到同一社区的工单", field_errors={"target": ["只能合并到同一社区的工单"]})
    # Lock both rows in id order, so that A→B and B→A at once cannot deadlock.
    rows = {
        o.pk: o
        for o in WorkOrder.objects.select_for_update().filter(pk__in=[order.pk, target.pk]).order_by("pk")
    }
    fresh_target = rows[target.pk]
    if fresh_target.status not in OPEN or fresh_target.merged_into_id:
        raise DomainError("目标工单已结束，不能合并", field_errors={"target": ["目标工单已结束"]})
    note = clean_text(note, label="合并说明", required=False)
    transition(
        order=order,
        actor=actor,
        verb="merge",
        to=Status.MERGED,
        now=now,
        backdate=backdate,
        note=note,
        fields={"merged_into_id": target.pk, "end_reason": note, **ended_fields(now)},
        extra_changes={"target_code": [None, target.tracking_code]},
    )
    duplicates = fresh_target.duplicate_count + 1
    target_fields = {"duplicate_count": duplicates}
    if threshold_reached(
        fresh_target, duplicates, settings.WORKORDER_ESCALATE_AFTER_DUPLICATES, fresh_target.status
    ):
        target_fields.update(escalate_at=now, escalate_reason=EscalationReason.REPEATED)
    WorkOrder.objects.filter(pk=target.pk).update(**target_fields)
    for key, value in target_fields.items():
        setattr(target, key, value)
    notify.workorder_event("merge", order, target_code=target.tracking_code)
    rollups.count("ended", order, order=order, at=now)
    return order


@transaction.atomic
def workorder_reject(
    *, order: WorkOrder, actor, reason: str, now: datetime.datetime | None = None
) -> WorkOrder:
    """Declare a request invalid (不予受理), with the reason the reporter is told."""
    backdate, now = now is not None, now_or(now)
    policy.check("reject", order, actor)
    reason = clean_text(reason, label="不予受理的理由")
    transition(
        order=order,
        actor=actor,
        verb="reject",
        to=Status.REJECTED,
        now=now,
        backdate=backdate,
        note=reason,
        fields={"end_reason": reason, **ended_fields(now)},
    )
    notify.workorder_event("reject", order, reason=reason)
    rollups.count("ended", order, order=order, at=now)
    return order


# ------------------------------------------------------------------ 延期: more time to resolve
@transaction.atomic
def workorder_extend(
    *, order: WorkOrder, actor, days: int, reason: str, now: datetime.datetime | None = None
) -> WorkOrder:
    """The handling unit asks for more time (延期申请), before its resolve deadline, once per
    dispatch, at most WORKORDER_EXTENSION_MAX_WORKING_DAYS working days. The desk that
    dispatched decides (`workorder_approve_extension`); until then the deadline stands."""
    backdate, now = now is not None, now_or(now)
    policy.check("extend", order, actor)
    limit = settings.WORKORDER_EXTENSION_MAX_WORKING_DAYS
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= limit:
        message = f"延期天数应为1至{limit}个工作日"
        raise DomainError(message, field_errors={"days": [message]})
    reason = clean_text(reason, label="延期理由")
    if order.due_at is None:
        raise DomainError("本环节的办结期限尚未确定（放假安排未录入），暂不能申请延期")
    if now >= order.due_at:
        raise DomainError("已超过办结期限，不能再申请延期，请尽快办结")
    assignment = _current(order)
    Assignment.objects.filter(pk=assignment.pk).update(
        extension_state=ExtensionState.PENDING,
        extension_days=days,
        extension_reason=reason,
        extension_requested_at=now,
        extension_requested_by=actor,
        extension_decided_at=None,
        extension_decided_by=None,
        extension_decision_note="",
    )
    transition(
        order=order,
        actor=actor,
        verb="extend",
        to=Status.SIGNED,
        now=now,
        backdate=backdate,
        note=reason,
        extra_changes={"extension": [None, {"days": days}]},
    )
    notify.workorder_event("extend", order, reason=reason, days=days)
    return order


@transaction.atomic
def workorder_approve_extension(
    *,
    order: WorkOrder,
    actor,
    approve: bool,
    note: str = "",
    now: datetime.datetime | None = None,
) -> WorkOrder:
    """The desk approves the unit's request — the resolve deadline moves on by the days asked,
    counted in working days from the old deadline, and its cards are recomputed — or refuses it
    with a reason (the unit may ask again)."""
    backdate, now = now is not None, now_or(now)
    policy.check("approve_extension", order, actor)
    note = clean_text(note, label="审批意见", required=not approve)
    assignment = _current(order)
    fields: dict = {}
    decided = {
        "extension_decided_at": now,
        "extension_decided_by": actor,
        "extension_decision_note": note,
    }
    if approve:
        old_due = assignment.resolve_due_at or order.due_at
        if old_due is None:
            raise DomainError("本环节的办结期限尚未确定（放假安排未录入），暂不能审批延期")
        try:
            times = deadlines.extended_times(due=old_due, days=assignment.extension_days, level=order.level)
        except CalendarMissing as exc:
            raise DomainError(f"{exc.year}年的放假安排尚未录入，无法计算延期后的期限，请先录入") from exc
        fields = {"due_at": times.due_at, "warn_at": times.warn_at, "sla_card": times.card(now)}
        if order.escalate_reason in ("", EscalationReason.OVERDUE):
            # a pending escalation for another reason (repeated reports ...) is not cancelled
            fields["escalate_at"] = times.escalate_at
            fields["escalate_reason"] = EscalationReason.OVERDUE if times.escalate_at else ""
        if fields["sla_card"] != order.sla_card:
            fields["card_changed_at"] = now if fields["sla_card"] != SlaCard.NONE else None
        Assignment.objects.filter(pk=assignment.pk).update(
            extension_state=ExtensionState.APPROVED,
            resolve_due_before_extension=old_due,
            resolve_due_at=times.due_at,
            **decided,
        )
    else:
        Assignment.objects.filter(pk=assignment.pk).update(extension_state=ExtensionState.REFUSED, **decided)
    transition(
        order=order,
        actor=actor,
        verb="approve_extension",
        to=Status.SIGNED,
        now=now,
        backdate=backdate,
        note=note,
        fields=fields,
        extra_changes={"extension": [None, {"approved": approve, "days": assignment.extension_days}]},
    )
    notify.workorder_event(
        "approve_extension", order, approved=approve, days=assignment.extension_days, note=note
    )
    return order
