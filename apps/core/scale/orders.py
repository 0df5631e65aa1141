"""Work orders of a scale data set: each order's life is replayed in memory with the services'
own deadline rules (`stage_for`, `stage_fields`, `on_time`), then written with COPY.

The state of an order is the state after the last step that happened before `now`: steps are
simulated forward from the submission and cut at `now`, so old orders are finished and recent
ones wait at every step of the workflow (the queues). Orders of the last `open_days` days are
also, with some probability, stalled at a random step (a backlog for the sweep).

Verbs replayed: submit, accept, dispatch, sign, return (once at most), resolve, call-back,
reopen (rework, once at most), close, reject. Not replayed: merge and escalate (the sweep
escalates what is overdue on its first run), photos, and the audit events and notifications
(the timeline of a generated order shows its records, not events). Actors are left empty.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from django.conf import settings
from django.db import connection

from apps.core.scale.bulk import Progress, copy_text, loading, next_ids
from apps.core.scale.places import Places
from apps.workdays import calendar as cal_mod
from apps.workdays.calendar import CalendarMissing
from apps.workorders import deadlines
from apps.workorders.choices import AssignmentOutcome, HandlerKind, Level, LimitUnit, Status
from apps.workorders.models import Category
from apps.workorders.models.orders import TRACKING_ALPHABET
from apps.workorders.services.common import ended_fields, stage_fields

H = datetime.timedelta(hours=1)
ORDER_COLUMNS = (
    "id",
    "tracking_code",
    "compound_id",
    "region_code",
    "category_id",
    "urgency",
    "description",
    "channel",
    "reporter_name",
    "reporter_phone",
    "is_anonymous",
    "joint_owner_count",
    "is_joint",
    "status",
    "version",
    "level",
    "handler_kind",
    "handler_company_id",
    "handler_department_id",
    "current_assignment_id",
    "end_reason",
    "submitted_at",
    "accepted_at",
    "accept_due_at",
    "accept_on_time",
    "ended_at",
    "stage_started_at",
    "due_at",
    "warn_at",
    "escalate_at",
    "escalate_reason",
    "sla_card",
    "card_changed_at",
    "calendar_missing",
    "return_count",
    "rework_count",
    "escalation_count",
    "duplicate_count",
    "is_generated",
    "created_at",
    "updated_at",
)
ASSIGNMENT_COLUMNS = (
    "id",
    "order_id",
    "kind",
    "company_id",
    "department_id",
    "county_code",
    "level",
    "is_rework",
    "outcome",
    "dispatched_at",
    "instructions",
    "sign_due_at",
    "resolve_due_at",
    "return_until",
    "signed_at",
    "sign_on_time",
    "returned_at",
    "return_reason",
    "resolved_at",
    "resolution_note",
    "resolve_on_time",
    "ended_at",
    "extension_state",
    "extension_reason",
    "extension_decision_note",
)
CALLBACK_COLUMNS = (
    "order_id",
    "assignment_id",
    "created_at",
    "by_reporter",
    "reached",
    "contacted",
    "solved",
    "satisfaction",
    "note",
)
DESCRIPTIONS = (
    "楼道堆放杂物，影响通行，请尽快处理。",
    "小区内车辆乱停乱放，消防通道被占用。",
    "顶楼房屋漏水，墙面发霉，请派人维修。",
    "绿化带无人修剪，杂草丛生。",
    "电梯经常停运，老人上下楼困难。",
    "楼道内私拉电线给电动车充电，存在火灾隐患。",
    "充电桩损坏，无法使用。",
    "小区监控不亮，夜间不安全。",
    "公共用房被占用，请核实。",
    "物业费收费标准不清楚，要求公示。",
    "邻居装修噪音扰民。",
    "有住户在楼顶违章搭建。",
    "停水停电没有提前通知。",
    "下水道堵塞，污水外溢，情况紧急。",
)


def tracking_code(order_id: int, salt: int) -> str:
    """Unique (a bijection of the id modulo 2**50) and not sequential, in the tracking alphabet."""
    x = (order_id * 0x2545F4914F6CDD1D + salt) % (1 << 50)
    return "".join(TRACKING_ALPHABET[(x >> (5 * i)) & 31] for i in range(10))


class Stages:
    """`stage_for` with a cache: a day-based deadline depends only on the local start date."""

    def __init__(self):
        self.cache: dict[tuple, deadlines.StageTimes] = {}

    def times(self, start: datetime.datetime, limit, *, level: str, escalatable: bool = True, cap=None):
        if limit.unit == LimitUnit.HOURS:
            try:
                return self._hours(start, limit, level=level, escalatable=escalatable, cap=cap)
            except CalendarMissing:
                return deadlines.stage_times(
                    start=start, limit=limit, level=level, escalatable=escalatable, cap=cap
                )
        key = (cal_mod.local_date(start), limit, level, escalatable, cap)
        hit = self.cache.get(key)
        if hit is None:
            hit = self.cache[key] = deadlines.stage_times(
                start=start, limit=limit, level=level, escalatable=escalatable, cap=cap
            )
        return hit

    def _hours(self, start, limit, *, level, escalatable, cap):
        """`deadlines.stage_times` for a limit in clock hours, with the date-based parts cached."""
        due = start + datetime.timedelta(hours=limit.amount)
        if cap is not None:
            capped = self.times(start, cap, level=Level.CITY, escalatable=False).due_at
            if capped is None:
                raise CalendarMissing(start.year)
            due = min(due, capped)
        warn = deadlines.warn_before(due, limit)
        escalate = None
        if escalatable and level != Level.CITY and settings.WORKORDER_AUTO_ESCALATE_OVERDUE:
            key = ("escalate", cal_mod.local_date(due - deadlines.TICK))
            escalate = self.cache.get(key)
            if escalate is None:
                escalate = self.cache[key] = deadlines.escalate_after(due)
        return deadlines.StageTimes(due_at=due, warn_at=warn, escalate_at=escalate)

    def due(self, start, limit):
        try:
            return self.times(start, limit, level=Level.CITY, escalatable=False).due_at
        except Exception:  # pragma: no cover - CalendarMissing is handled by stage_times
            return None


def _handler(category: Category, compound: tuple, places: Places) -> tuple[str, int | None, int | None]:
    """(kind, company id, department id): the category's default unit for the compound, as
    `suggested_handler` picks it; a compound without a company goes to its street office."""
    _pk, community, company = compound
    kind = category.default_handler_kind
    if kind in (HandlerKind.COMPANY, HandlerKind.COMMITTEE) and company:
        return HandlerKind.COMPANY, company, None
    if kind == HandlerKind.DEPARTMENT:
        dep = places.county_department.get((community[:6], category.default_department_kind))
        if dep:
            return HandlerKind.DEPARTMENT, None, dep
    return HandlerKind.STREET_OFFICE, None, places.street_office[community[:9]]


@dataclass
class Context:
    """What a chunk of orders needs; inherited by forked workers (plain data only)."""

    places: Places
    categories: list
    cat_weights: list
    cum: list
    limits: dict
    first_order: int
    first_assignment: int
    salt: int
    seed: int
    start: datetime.datetime
    span: int
    now: datetime.datetime
    open_from: datetime.datetime
    stall_share: float


_CONTEXT: Context | None = None
_STAGES = Stages()


def _text(rows) -> bytes:
    """COPY text format, built with C-level joins: booleans as True/False (PostgreSQL reads
    them), then every None becomes \\N in one pass — no generated string contains "None", a tab,
    a newline or a backslash."""
    if not rows:
        return b""
    text = "\n".join(["\t".join(map(str, row)) for row in rows])
    return (text.replace("None", "\\N") + "\n").encode()


def _chunk(task: tuple[int, int, int]) -> tuple[bytes, bytes, bytes, int, int, int]:
    """Simulate orders [begin, begin + size) of the set; returns COPY text of the orders,
    assignments and call-backs, and (open orders, assignments, call-backs) counted."""
    index, begin, size = task
    ctx = _CONTEXT
    rng = random.Random(ctx.seed * 1_000_003 + index)
    rand = rng.random
    places = ctx.places
    compounds, categories, cat_weights, cum = places.compounds, ctx.categories, ctx.cat_weights, ctx.cum
    limits, now, salt = ctx.limits, ctx.now, ctx.salt
    cap = deadlines.joint_accept_cap()
    cb_limit = deadlines.callback_limit()
    ret_limit = deadlines.return_limit()
    stages = _STAGES
    counts = {"open": 0}
    assignments: list = []
    callbacks: list = []
    next_assignment = [ctx.first_assignment + 3 * begin]
    start, span, open_from, stall_share = ctx.start, ctx.span, ctx.open_from, ctx.stall_share
    first_order = ctx.first_order + begin
    n = size

    def delay(lo: float, hi: float) -> datetime.timedelta:
        return datetime.timedelta(hours=lo + (hi - lo) * rand())

    def order_rows():
        for i in range(n):
            oid = first_order + i
            # Intake falls by ~40 % over the period: density ∝ (1 - 0.4 x), sampled by inversion.
            u = rand()
            x = _falling(u)
            submitted = start + datetime.timedelta(seconds=x * span)
            progress_year = x  # 0 → 1 over the period: quality improves
            compound = rng.choices(compounds, cum_weights=cum)[0]
            category = rng.choices(categories, cat_weights)[0]
            row = _life(
                oid=oid,
                submitted=submitted,
                quality=progress_year,
                compound=compound,
                category=category,
                lim=limits[category.pk],
                now=now,
                stall=submitted >= open_from and rand() < stall_share,
            )
            yield row

    def _falling(u: float) -> float:
        # Inverse CDF of the density (1 - 0.4 x) / 0.8 on [0, 1]: F(x) = (x - 0.2 x²) / 0.8.
        return (1 - (1 - 0.64 * u) ** 0.5) / 0.4

    def _life(*, oid, submitted, quality, compound, category, lim, now, stall):
        """Replay one order; returns its row (and appends its assignments and call-backs)."""
        region = compound[1]
        joint = rand() < 0.01
        o = {
            "status": Status.SUBMITTED,
            "version": 0,
            "level": Level.COMMUNITY,
            "handler_kind": "",
            "handler_company_id": None,
            "handler_department_id": None,
            "current_assignment_id": None,
            "end_reason": "",
            "accepted_at": None,
            "accept_on_time": None,
            "return_count": 0,
            "rework_count": 0,
            "updated_at": submitted,
        }
        acc = stages.times(submitted, lim.accept, level=Level.COMMUNITY, cap=cap if joint else None)
        o.update(stage_fields(acc, start=submitted, now=submitted))
        o["ended_at"] = None
        accept_due = acc.due_at
        # How many steps this order may take before it stalls (a backlog), if it does.
        budget = rng.randrange(0, 9) if stall else 99
        t = submitted
        late = 0.25 * (1 - quality)  # share of late steps falls over the period

        def step(at):
            nonlocal budget
            budget -= 1
            return at <= now and budget >= 0

        def apply(at, status, **fields):
            o.update(fields)
            o["status"] = status
            o["version"] += 1
            o["updated_at"] = at

        # reject (3 %)
        if rand() < 0.03:
            at = t + delay(1, 30)
            if step(at):
                apply(
                    at, Status.REJECTED, end_reason="经核实不属于物业服务和社区治理事项", **ended_fields(at)
                )
            return _order_row(oid, o, submitted, compound, category, joint, accept_due)
        # accept
        at = t + (delay(20, 60) if rand() < late else delay(0.2, 6))
        if not step(at):
            return _order_row(oid, o, submitted, compound, category, joint, accept_due)
        apply(at, Status.ACCEPTED, accepted_at=at, accept_on_time=deadlines.on_time(at, accept_due))
        t = at
        unit = _handler(category, compound, places)
        returned = False
        reworked = False
        while True:
            # dispatch (or re-dispatch after a return)
            at = t + delay(0.1, 4)
            if not step(at):
                break
            aid = next_assignment[0]
            next_assignment[0] += 1
            sign = stages.times(at, lim.sign, level=o["level"])
            a = [
                aid,
                oid,
                unit[0],
                unit[1],
                unit[2],
                region[:6],
                o["level"],
                reworked,
                AssignmentOutcome.OPEN,
                at,
                "",
                sign.due_at,
                stages.due(at, lim.resolve),
                None if reworked else stages.due(at, ret_limit),
                None,
                None,
                None,
                "",
                None,
                "",
                None,
                None,
                "",  # no extension asked (延期 is not replayed)
                "",
                "",
            ]
            assignments.append(a)
            dispatched = at
            apply(
                at,
                Status.DISPATCHED,
                handler_kind=unit[0],
                handler_company_id=unit[1],
                handler_department_id=unit[2],
                current_assignment_id=aid,
                **stage_fields(sign, start=at, now=at),
            )
            if reworked:
                o["rework_count"] += 1
            t = at
            # return (4 %, once, not for a rework, within the return limit)
            if not returned and not reworked and rand() < 0.04:
                at = t + delay(0.5, 8)
                if not step(at):
                    break
                a[8], a[16], a[17], a[21] = AssignmentOutcome.RETURNED, at, "不属于本单位职责范围", at
                returned = True
                acc2 = stages.times(at, lim.accept, level=o["level"], cap=cap if joint else None)
                apply(
                    at,
                    Status.ACCEPTED,
                    handler_kind="",
                    handler_company_id=None,
                    handler_department_id=None,
                    current_assignment_id=None,
                    return_count=o["return_count"] + 1,
                    **stage_fields(acc2, start=at, now=at),
                )
                t = at
                unit = (HandlerKind.STREET_OFFICE, None, places.street_office[region[:9]])
                continue
            # sign
            at = t + (delay(30, 50) if rand() < late else delay(0.2, 5))
            if not step(at):
                break
            resolve = stages.times(dispatched, lim.resolve, level=o["level"])
            a[14], a[15], a[12] = at, deadlines.on_time(at, a[11]), resolve.due_at
            apply(at, Status.SIGNED, **stage_fields(resolve, start=dispatched, now=at))
            t = at
            # resolve
            hours = (resolve.due_at - dispatched).total_seconds() / 3600 if resolve.due_at else 48
            at = dispatched + (
                delay(hours, hours * 1.6) if rand() < late else delay(hours * 0.1, hours * 0.9)
            )
            at = max(at, t + delay(0.1, 1))
            if not step(at):
                break
            a[8], a[18], a[19], a[20], a[21] = (
                AssignmentOutcome.RESOLVED,
                at,
                "已现场处理完毕",
                deadlines.on_time(at, a[12]),
                at,
            )
            cb = stages.times(at, cb_limit, level=o["level"], escalatable=False)
            apply(at, Status.RESOLVED, **stage_fields(cb, start=at, now=at))
            t = at
            # call-back
            at = t + delay(2, 40)
            if not step(at):
                break
            reached = rand() < 0.93
            if reached:
                solved = rand() < 0.80 + 0.15 * quality
                r = rand()
                satisfied_share = 0.55 + 0.35 * quality
                sat = (
                    "satisfied"
                    if r < satisfied_share
                    else ("basic" if r < satisfied_share + 0.3 else "dissatisfied")
                )
                contacted = rand() < 0.97
                if reworked:  # the rework settled it (a second failure would escalate: not replayed)
                    solved, sat = True, sat if sat != "dissatisfied" else "basic"
            else:
                solved = contacted = None
                sat = ""
            callbacks.append((oid, aid, at, False, reached, contacted, solved, sat, ""))
            fields = {k: v for k, v in ended_fields(at).items() if k != "ended_at"}
            apply(at, Status.CALLED_BACK, stage_started_at=at, **fields)
            t = at
            acceptable = not reached or (solved and sat != "dissatisfied")
            if not acceptable and not reworked:
                # reopen for rework: the same unit, fresh deadlines
                at = t + delay(1, 10)
                if not step(at):
                    break
                reworked = True
                t = at - datetime.timedelta(hours=0.1)  # the dispatch step adds 0.1-4 h
                continue
            at = t + delay(0.5, 24)
            if step(at):
                apply(at, Status.CLOSED, **ended_fields(at))
            break
        return _order_row(oid, o, submitted, compound, category, joint, accept_due)

    def _order_row(oid, o, submitted, compound, category, joint, accept_due):
        if o["status"] not in (Status.CLOSED, Status.REJECTED):
            counts["open"] += 1
        return (
            oid,
            tracking_code(oid, salt),
            compound[0],
            compound[1],
            category.pk,
            "normal",
            DESCRIPTIONS[category.pk % len(DESCRIPTIONS)],
            "hotline" if oid % 3 else "open311",
            "",
            "",
            False,
            12 if joint else 0,
            joint,
            o["status"],
            o["version"],
            o["level"],
            o["handler_kind"],
            o["handler_company_id"],
            o["handler_department_id"],
            o["current_assignment_id"],
            o["end_reason"],
            submitted,
            o["accepted_at"],
            accept_due,
            o["accept_on_time"],
            o["ended_at"],
            o["stage_started_at"],
            o["due_at"],
            o["warn_at"],
            o["escalate_at"],
            o["escalate_reason"],
            o["sla_card"],
            o["card_changed_at"],
            o["calendar_missing"],
            o["return_count"],
            o["rework_count"],
            0,
            0,
            True,
            submitted,
            o["updated_at"],
        )

    orders = list(order_rows())
    return (
        _text(orders),
        _text(assignments),
        _text(callbacks),
        counts["open"],
        len(assignments),
        len(callbacks),
    )


def generate_orders(
    *,
    rng: random.Random,
    places: Places,
    n: int,
    now: datetime.datetime,
    days: int = 730,
    open_days: int = 21,
    stall_share: float = 0.5,
    workers: int = 1,
    chunk: int = 50_000,
    log=None,
) -> dict[str, int]:
    """Write `n` orders submitted over the `days` days before `now`, with their assignments and
    call-backs. `workers` > 1 simulates chunks in forked processes while this one COPYs (not
    inside a transaction: the connection is closed before forking). Returns row counts."""
    global _CONTEXT
    categories = list(Category.objects.filter(is_active=True).order_by("pk"))
    cum, total = [], 0
    for w in places.weights:  # cumulative weights: random.choices picks in O(log n)
        total += w
        cum.append(total)
    first_order = next_ids("workorders_workorder", n)
    # Assignments: at most 3 per order (dispatch, again after a return, rework); ids may skip.
    first_assignment = next_ids("workorders_assignment", 3 * n)
    _CONTEXT = Context(
        places=places,
        categories=categories,
        cat_weights=[8 if c.code in ("sanitation", "parking", "leak_repair") else 3 for c in categories],
        cum=cum,
        limits={c.pk: c.stage_limits for c in categories},  # no CategoryLimit rows in a fresh set
        first_order=first_order,
        first_assignment=first_assignment,
        salt=rng.getrandbits(48),
        seed=rng.getrandbits(32),
        start=now - datetime.timedelta(days=days),
        span=days * 86400,
        now=now,
        open_from=now - datetime.timedelta(days=open_days),
        stall_share=stall_share,
    )
    tasks = [(i, begin, min(chunk, n - begin)) for i, begin in enumerate(range(0, n, chunk))]
    counts = {"orders": n, "assignments": 0, "callbacks": 0, "open": 0}
    tables = ["workorders_workorder", "workorders_assignment", "workorders_callback"]
    progress = Progress("工单", n, log=log)
    with loading(tables, log=log):
        if workers > 1:
            import multiprocessing

            connection.close()
            pool = multiprocessing.get_context("fork").Pool(workers)
            results = pool.imap(_chunk, tasks)
        else:
            pool = None
            results = map(_chunk, tasks)
        try:
            for (_i, _b, size), (orders, assignments, callbacks, n_open, n_a, n_c) in zip(
                tasks, results, strict=True
            ):
                copy_text("workorders_workorder", ORDER_COLUMNS, orders)
                copy_text("workorders_assignment", ASSIGNMENT_COLUMNS, assignments)
                copy_text("workorders_callback", CALLBACK_COLUMNS, callbacks)
                counts["open"] += n_open
                counts["assignments"] += n_a
                counts["callbacks"] += n_c
                progress.add(size)
        finally:
            if pool is not None:
                pool.close()
                pool.join()
        progress.finish()
    return counts
