"""The SLA sweep (`manage.py sla_sweep`, cron every minute): red and yellow cards, automatic
escalation, deadlines that waited for a missing calendar year, and the calendar alert.

Set-based and idempotent: each step walks a partial index that holds only the rows with
something to do (so a sweep with nothing to do reads nothing), in batches; each batch is one
transaction that locks its rows with SKIP LOCKED on PostgreSQL, so two sweeps running at once
share the work instead of doing it twice, and re-checks its condition in the UPDATE itself.
Card changes are not transitions: they change neither status nor version, so they never make
an official's click fail.
"""

from __future__ import annotations

import datetime
import logging
import time
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from apps.workdays.calendar import WorkCalendar, calendar_coverage_warning, default_calendar
from apps.workorders import notify
from apps.workorders.choices import (
    ESCALATABLE,
    OPEN,
    EscalationReason,
    Level,
    SlaCard,
    Status,
    level_region_code,
)
from apps.workorders.models import Assignment, WorkOrder
from apps.workorders.services.common import order_limits, record, stage_fields, stage_for
from apps.workorders.services.escalation import escalate_rows

log = logging.getLogger(__name__)

OPEN_VALUES = sorted(OPEN)


@dataclass
class SweepReport:
    red: int = 0
    yellow: int = 0
    escalated: int = 0
    deadlines_set: int = 0
    calendar_warning: str = ""
    notified: Counter = field(default_factory=Counter)
    seconds: dict = field(default_factory=dict)  # per step, for the command's output and benchmarks

    @property
    def changed(self) -> int:
        return self.red + self.yellow + self.escalated + self.deadlines_set

    def __str__(self):
        text = (
            f"红牌 {self.red}，黄牌 {self.yellow}，升级督办 {self.escalated}，补算期限 {self.deadlines_set}"
        )
        return text + (f"；警告：{self.calendar_warning}" if self.calendar_warning else "")


def _locked(qs):
    """Rows of this batch, locked; rows another sweep holds are skipped (PostgreSQL)."""
    if connection.features.has_select_for_update_skip_locked:
        return qs.select_for_update(skip_locked=True, of=("self",))
    return qs  # SQLite: writers are serialised by the database lock


def sla_sweep(
    *, now: datetime.datetime | None = None, batch: int | None = None, cal: WorkCalendar | None = None
) -> SweepReport:
    now = now or timezone.now()
    batch = batch or settings.WORKORDER_SWEEP_BATCH
    report = SweepReport()
    recipients: Counter = Counter()  # (key, card) → orders, for one digest per user
    cal = cal or default_calendar()
    clock = time.monotonic()

    def lap(name):
        nonlocal clock
        report.seconds[name] = round(time.monotonic() - clock, 3)
        clock = time.monotonic()

    report.deadlines_set = _fill_missing_deadlines(now=now, batch=batch, cal=cal)
    lap("deadlines")
    report.red = _cards(now=now, batch=batch, card=SlaCard.RED, recipients=recipients)
    lap("red")
    report.yellow = _cards(now=now, batch=batch, card=SlaCard.YELLOW, recipients=recipients)
    lap("yellow")
    report.escalated = _escalate(now=now, batch=max(1, batch // 4), cal=cal, recipients=recipients)
    lap("escalate")
    report.notified = _digests(recipients)
    lap("notify")
    warning = calendar_coverage_warning(
        timezone.localdate(now), cal, days_before_year_end=settings.WORKDAY_COVERAGE_WARNING_DAYS
    )
    if warning:
        report.calendar_warning = warning
        notify.coverage_alert(warning)
    return report


# ------------------------------------------------------------------ cards
def _card_filter(card: str, now) -> Q:
    if card == SlaCard.RED:
        return Q(sla_card__in=[SlaCard.NONE, SlaCard.YELLOW], due_at__lte=now)
    return Q(sla_card=SlaCard.NONE, warn_at__lte=now, due_at__gt=now)


def _cards(*, now, batch: int, card: str, recipients: Counter) -> int:
    total = 0
    cond = _card_filter(card, now) & Q(status__in=OPEN_VALUES)
    while True:
        with transaction.atomic():
            rows = list(
                _locked(WorkOrder.objects.filter(cond))
                .order_by()
                .values_list(
                    "id",
                    "region_code",
                    "level",
                    "handler_company_id",
                    "handler_committee_id",
                    "handler_department_id",
                )[:batch]
            )
            if not rows:
                break
            ids = [r[0] for r in rows]
            updated = WorkOrder.objects.filter(cond, pk__in=ids).update(sla_card=card, card_changed_at=now)
            total += updated
            for _pk, region_code, level, company, committee, department in rows:
                recipients[(_responsible(region_code, level, company, committee, department), card)] += 1
        if len(rows) < batch:
            break
    return total


def _responsible(region_code, level, company, committee, department) -> tuple:
    """Who a card is for: the handling unit if the order is with one, else the desk."""
    if company:
        return ("company", company)
    if committee:
        return ("committee", committee)
    if department:
        return ("department", department)
    return ("desk", level, level_region_code(region_code, level))


# ------------------------------------------------------------------ escalation
def _escalate(*, now, batch: int, cal, recipients: Counter) -> int:
    # Nothing escalates past the city: clear stray marks there (none are set by the services).
    WorkOrder.objects.filter(escalate_at__lte=now, level=Level.CITY).update(
        escalate_at=None, escalate_reason=""
    )
    cond = Q(escalate_at__lte=now, status__in=sorted(ESCALATABLE)) & ~Q(level=Level.CITY)
    total = 0
    while True:
        with transaction.atomic():
            orders = list(
                _locked(WorkOrder.objects.filter(cond))
                .select_related("category")
                .order_by("escalate_at", "id")[:batch]
            )
            if not orders:
                break
            reasons = {o.pk: o.escalate_reason or EscalationReason.OVERDUE for o in orders}
            results = escalate_rows(orders, actor=None, reasons=reasons, now=now, cal=cal)
            total += len(results)
            for order, old_unit in results:
                recipients[
                    (("desk", order.level, level_region_code(order.region_code, order.level)), "escalated")
                ] += 1
                if old_unit:
                    recipients[(old_unit, "withdrawn")] += 1
        if len(orders) < batch:
            break
    return total


# ------------------------------------------------------------------ deadlines after a missing year
def _fill_missing_deadlines(*, now, batch: int, cal) -> int:
    """Orders whose deadlines waited for a year's holiday notice: compute them once it is in."""
    done, last_id = 0, 0
    while True:
        with transaction.atomic():
            orders = list(
                _locked(
                    WorkOrder.objects.filter(calendar_missing=True, status__in=OPEN_VALUES, pk__gt=last_id)
                )
                .select_related("category", "compound", "current_assignment")
                .order_by("id")[:batch]
            )
            for order in orders:
                done += _fill_one(order, now=now, cal=cal)
        if len(orders) < batch:
            return done
        last_id = orders[-1].pk


def _fill_one(order: WorkOrder, *, now, cal) -> int:
    limits = order_limits(order)
    times = stage_for(order, order.status, start=order.stage_started_at, limits=limits, cal=cal)
    if times.due_at is None and order.due_at is None:
        return 0  # still missing
    fields = stage_fields(times, start=order.stage_started_at, now=now)
    if order.escalate_reason and order.escalate_reason != EscalationReason.OVERDUE and order.escalate_at:
        fields["escalate_at"], fields["escalate_reason"] = order.escalate_at, order.escalate_reason
    if (
        order.status in (Status.SUBMITTED, Status.ACCEPTED)
        and order.accept_due_at is None
        and order.escalation_count == 0
        and order.return_count == 0
    ):
        fields["accept_due_at"] = times.due_at
    changed = {k: v for k, v in fields.items() if getattr(order, k) != v}
    if not changed:
        return 0
    updated = WorkOrder.objects.filter(pk=order.pk, version=order.version).update(**changed)
    if not updated:
        return 0
    assignment = order.current_assignment
    if assignment is not None and order.status in (Status.DISPATCHED, Status.SIGNED):
        _fill_assignment(order, assignment, limits=limits, cal=cal)
    before = {k: str(getattr(order, k)) for k in changed}
    for key, value in changed.items():
        setattr(order, key, value)
    record(
        order=order,
        actor=None,
        verb="deadline_set",
        changes={k: [before[k], str(v)] for k, v in changed.items()},
        note="放假安排录入后补算期限",
        now=now,
        backdate=False,
    )
    return 1


def _fill_assignment(order, assignment: Assignment, *, limits, cal) -> None:
    from apps.workdays.calendar import CalendarMissing
    from apps.workorders import deadlines

    updates = {}
    for name, limit in (
        ("sign_due_at", limits.sign),
        ("resolve_due_at", limits.resolve),
        ("return_until", None if assignment.is_rework else deadlines.return_limit()),
    ):
        if limit is None or getattr(assignment, name) is not None:
            continue
        try:
            updates[name] = deadlines.due_after(assignment.dispatched_at, limit, cal)
        except CalendarMissing:
            continue
    if updates:
        Assignment.objects.filter(pk=assignment.pk).update(**updates)


# ------------------------------------------------------------------ notifications
TITLES = {
    SlaCard.RED: "您有 {n} 件工单已超期（红牌），请尽快办理",
    SlaCard.YELLOW: "您有 {n} 件工单即将到期（黄牌）",
    "escalated": "有 {n} 件工单升级督办至您处，请派单",
    "withdrawn": "您单位有 {n} 件超期工单已升级督办，派单收回",
}


def _digests(recipients: Counter) -> Counter:
    """One inbox message per user and kind: 'N 件工单 ...'."""
    sent: Counter = Counter()
    by_kind: dict[str, Counter] = {}
    for (key, kind), n in recipients.items():
        users = _users_for(key)
        per_user = by_kind.setdefault(kind, Counter())
        for pk in users:
            per_user[pk] += n
    for kind, per_user in by_kind.items():
        notify.digest(dict(per_user), kind=f"workorder.sweep.{kind}", title_format=TITLES[kind])
        sent[kind] = len(per_user)
    return sent


def _users_for(key: tuple) -> list[int]:
    if key[0] == "desk":
        _desk, level, code = key
        return list(notify.region_users(code, level).values_list("pk", flat=True))
    return list(notify.unit_users(key).values_list("pk", flat=True))
