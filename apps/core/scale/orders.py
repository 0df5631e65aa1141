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
from bisect import bisect_right
from dataclasses import dataclass

from django.conf import settings
from django.db import connection

from apps.core.scale.bulk import Progress, copy_text, loading, next_ids
from apps.core.scale.places import Places
from apps.workdays import calendar as cal_mod
from apps.workdays.calendar import CalendarMissing
from apps.workorders import deadlines
from apps.workorders.choices import (
    AssignmentOutcome,
    EscalationReason,
    HandlerKind,
    Level,
    LimitUnit,
    SlaCard,
    Status,
)
from apps.workorders.models import Category
from apps.workorders.models.orders import TRACKING_ALPHABET

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


_PAIRS = [TRACKING_ALPHABET[v & 31] + TRACKING_ALPHABET[v >> 5] for v in range(1024)]


def tracking_code(order_id: int, salt: int) -> str:
    """Unique (a bijection of the id modulo 2**50) and not sequential, in the tracking alphabet:
    character i is bits 5i..5i+4 of x, taken two at a time from a table."""
    x = (order_id * 0x2545F4914F6CDD1D + salt) % (1 << 50)
    p = _PAIRS
    return p[x & 1023] + p[(x >> 10) & 1023] + p[(x >> 20) & 1023] + p[(x >> 30) & 1023] + p[x >> 40]


# Times in the simulation are integers: microseconds since the epoch (UTC). Adding, comparing
# and formatting them costs a fraction of what aware datetimes cost (str() of a datetime alone
# was ~1.5 µs, twenty times per order); the database gets the same instants.
US = 1_000_000
HOUR = 3600 * US
DAY = 86400 * US
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
ONE_US = datetime.timedelta(microseconds=1)
_DAY_TEXT = [str(datetime.date(1970, 1, 1) + datetime.timedelta(days=d)) + " " for d in range(65_000)]
_HMS_TEXT = [f"{h:02d}:{m:02d}:{s:02d}" for h in range(24) for m in range(60) for s in range(60)]


def to_us(value: datetime.datetime | None) -> int | None:
    return None if value is None else (value - EPOCH) // ONE_US


def to_datetime(us: int) -> datetime.datetime:
    return EPOCH + datetime.timedelta(microseconds=us)


def fmt(us: int | None) -> str | None:
    """COPY text of an instant: '2026-11-26 10:00:00.000000+00'."""
    if us is None:
        return None
    s, f = divmod(us, US)
    d, r = divmod(s, 86400)
    return f"{_DAY_TEXT[d]}{_HMS_TEXT[r]}.{f:06d}+00"


def _local_offset(*instants: datetime.datetime) -> int:
    """The calendar's UTC offset in µs, which must be the same at every instant of the set
    (China time has had no daylight saving since 1991): a local day is then (t + offset) // DAY."""
    offsets = {cal_mod.CALENDAR_TZ.utcoffset(i.replace(tzinfo=None)) for i in instants}
    if len(offsets) != 1:
        raise RuntimeError(f"日历时区在生成期间偏移不固定：{offsets}")
    return offsets.pop() // ONE_US


# A stage's times, as the simulation keeps them: (due, warn, escalate, calendar missing) in µs,
# then the COPY text of due, warn and escalate.
NO_STAGE = (None, None, None, False, None, None, None)


def _pack(times: deadlines.StageTimes) -> tuple:
    due, warn, esc = to_us(times.due_at), to_us(times.warn_at), to_us(times.escalate_at)
    return (due, warn, esc, times.calendar_missing, fmt(due), fmt(warn), fmt(esc))


def stage_clock(limit, *, level: str, escalatable: bool = True, offset: int, cap=None):
    """A function start (µs) → the stage's times, equal to `deadlines.stage_times` (the test
    suite checks every generated order against it):

    - a limit in days: the times depend only on the local start day, so they are computed once
      per day with `deadlines.stage_times` itself and looked up after that;
    - a limit in hours: the deadline is the start plus the hours, the warning a fixed time
      before it, and the escalation time (end of the N-th working day after the deadline's
      day) is computed once per deadline day;
    - with a cap (joint requests, 1 %): `deadlines.stage_times` on every call."""
    if cap is not None:

        def capped(start: int) -> tuple:
            return _pack(
                deadlines.stage_times(
                    start=to_datetime(start), limit=limit, level=level, escalatable=escalatable, cap=cap
                )
            )

        return capped
    table: dict[int, tuple] = {}
    if limit.unit != LimitUnit.HOURS:

        def by_day(start: int) -> tuple:
            day = (start + offset) // DAY
            hit = table.get(day)
            if hit is None:
                hit = table[day] = _pack(
                    deadlines.stage_times(
                        start=to_datetime(start), limit=limit, level=level, escalatable=escalatable
                    )
                )
            return hit

        return by_day
    span = limit.amount * HOUR
    # The same expression as deadlines.warn_before, so the rounding is the same.
    before = (
        datetime.timedelta(hours=limit.amount * settings.WORKORDER_YELLOW_BEFORE_HOURS_PERCENT / 100)
        // ONE_US
    )
    escalates = escalatable and level != Level.CITY and settings.WORKORDER_AUTO_ESCALATE_OVERDUE

    def by_hours(start: int) -> tuple:
        due = start + span
        warn = due - before
        if not escalates:
            return (due, warn, None, False, fmt(due), fmt(warn), None)
        day = (due - 1 + offset) // DAY  # the deadline's day: the last instant before it
        hit = table.get(day)
        if hit is None:
            try:
                esc = to_us(deadlines.escalate_after(to_datetime(due)))
                hit = table[day] = (esc, False, fmt(esc))
            except CalendarMissing:
                hit = table[day] = (None, True, None)
        return (due, warn, hit[0], hit[1], fmt(due), fmt(warn), hit[2])

    return by_hours


def _handler(kind: str, department_kind: str, compound: tuple, places: Places) -> tuple:
    """(kind, company id, department id): the category's default unit for the compound, as
    `suggested_handler` picks it; a compound without a company goes to its street office."""
    _pk, community, company = compound
    if kind in (HandlerKind.COMPANY, HandlerKind.COMMITTEE) and company:
        return HandlerKind.COMPANY.value, company, None
    if kind == HandlerKind.DEPARTMENT:
        dep = places.county_department.get((community[:6], department_kind))
        if dep:
            return HandlerKind.DEPARTMENT.value, None, dep
    return HandlerKind.STREET_OFFICE.value, None, places.street_office[community[:9]]


@dataclass
class Context:
    """What a chunk of orders needs; inherited by forked workers (plain data and closures)."""

    places: Places
    categories: list  # per category: (pk, description, handler kind, department kind, clocks ...)
    cat_cum: list
    cum: list
    callback: object  # stage clock of the call-back stage
    back: object  # stage clock of the return limit
    first_order: int
    first_assignment: int
    salt: int
    seed: int
    start: int  # µs, as every time below
    span: int
    now: int
    open_from: int
    stall_share: float


_CONTEXT: Context | None = None

# Plain strings (str() of a TextChoices member goes through Python code).
SUBMITTED, ACCEPTED, DISPATCHED, SIGNED = (
    s.value for s in (Status.SUBMITTED, Status.ACCEPTED, Status.DISPATCHED, Status.SIGNED)
)
RESOLVED, CALLED_BACK, CLOSED, REJECTED = (
    s.value for s in (Status.RESOLVED, Status.CALLED_BACK, Status.CLOSED, Status.REJECTED)
)
OPEN_, RETURNED_, RESOLVED_ = (
    o.value for o in (AssignmentOutcome.OPEN, AssignmentOutcome.RETURNED, AssignmentOutcome.RESOLVED)
)
COMMUNITY = Level.COMMUNITY.value
STREET_OFFICE = HandlerKind.STREET_OFFICE.value
CARD_NONE, CARD_YELLOW, CARD_RED = SlaCard.NONE.value, SlaCard.YELLOW.value, SlaCard.RED.value
OVERDUE = EscalationReason.OVERDUE.value


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
    assignments and call-backs, and (open orders, assignments, call-backs) counted.

    Each order's life is one pass of plain local variables (the order's fields as the services
    would set them after each verb); `budget` counts the steps an order may still take (a
    stalled one stops early), and a step after `now` is not taken."""
    index, begin, size = task
    ctx = _CONTEXT
    rng = random.Random(ctx.seed * 1_000_003 + index)
    rand, randrange = rng.random, rng.randrange
    places = ctx.places
    compounds, cum, street_office = places.compounds, ctx.cum, places.street_office
    total, last = cum[-1], len(cum) - 1
    categories, cat_cum = ctx.categories, ctx.cat_cum
    cat_total, cat_last = cat_cum[-1], len(cat_cum) - 1
    callback, back = ctx.callback, ctx.back
    now, salt, start, span, open_from, stall_share = (
        ctx.now,
        ctx.salt,
        ctx.start,
        ctx.span,
        ctx.open_from,
        ctx.stall_share,
    )
    orders: list = []
    assignments: list = []
    callbacks: list = []
    next_aid = ctx.first_assignment + 3 * begin
    first_order = ctx.first_order + begin
    n_open = 0
    n_desc = len(DESCRIPTIONS)

    for oid in range(first_order, first_order + size):
        # Intake falls by ~40 % over the period: density ∝ (1 - 0.4 x), sampled by inversion
        # (F(x) = (x - 0.2 x²) / 0.8). x also drives quality: late steps get rarer.
        x = (1 - (1 - 0.64 * rand()) ** 0.5) / 0.4
        submitted = start + int(x * span)
        compound = compounds[bisect_right(cum, rand() * total, 0, last)]
        cat = categories[bisect_right(cat_cum, rand() * cat_total, 0, cat_last)]
        pk, kind, dep_kind, accept, accept_joint, sign_clock, resolve_clock = cat
        stall = submitted >= open_from and rand() < stall_share
        region = compound[1]
        joint = rand() < 0.01
        acc = (accept_joint if joint else accept)(submitted)
        accept_due = acc[0]
        # The order's fields (stage: start, times, card, card changed at).
        status, version, updated = SUBMITTED, 0, submitted
        hk, hc, hd, current, end_reason = "", None, None, None, ""
        accepted_at = accept_on_time = ended_at = None
        return_count = rework_count = 0
        stage_start, stage = submitted, acc
        due, warn = acc[0], acc[1]
        card = (
            CARD_RED
            if due is not None and submitted >= due
            else (CARD_YELLOW if warn is not None and submitted >= warn else CARD_NONE)
        )
        card_at = None if card == CARD_NONE else submitted
        budget = randrange(0, 9) if stall else 99
        t = submitted
        late = 0.25 * (1 - x)
        while True:  # one pass; `break` = the order's life stops here
            if rand() < 0.03:  # reject (3 %)
                at = t + int((1 + 29 * rand()) * HOUR)
                budget -= 1
                if at <= now and budget >= 0:
                    status, version, updated = REJECTED, version + 1, at
                    end_reason = "经核实不属于物业服务和社区治理事项"
                    stage, card, card_at, ended_at = NO_STAGE, CARD_NONE, None, at
                break
            # accept
            at = t + int(((20 + 40 * rand()) if rand() < late else (0.2 + 5.8 * rand())) * HOUR)
            budget -= 1
            if at > now or budget < 0:
                break
            status, version, updated = ACCEPTED, version + 1, at
            accepted_at = at
            accept_on_time = None if accept_due is None else at < accept_due
            t = at
            unit = _handler(kind, dep_kind, compound, places)
            returned = reworked = False
            while True:
                # dispatch (or re-dispatch after a return)
                at = t + int((0.1 + 3.9 * rand()) * HOUR)
                budget -= 1
                if at > now or budget < 0:
                    break
                aid = next_aid
                next_aid += 1
                sign = sign_clock(at)
                resolve_due = resolve_clock(at)[4]
                at_text = fmt(at)
                a = [
                    aid, oid, unit[0], unit[1], unit[2], region[:6], COMMUNITY, reworked, OPEN_,
                    at_text, "", sign[4], resolve_due, None if reworked else back(at)[4],
                    None, None, None, "", None, "", None, None,
                    "", "", "",  # no extension asked (延期 is not replayed)
                ]  # fmt: skip
                assignments.append(a)
                dispatched = at
                status, version, updated = DISPATCHED, version + 1, at
                hk, hc, hd = unit
                current = aid
                stage_start, stage = at, sign
                due, warn = sign[0], sign[1]
                card = (
                    CARD_RED
                    if due is not None and at >= due
                    else (CARD_YELLOW if warn is not None and at >= warn else CARD_NONE)
                )
                card_at = None if card == CARD_NONE else at
                if reworked:
                    rework_count += 1
                t = at
                # return (4 %, once, not for a rework, within the return limit)
                if not returned and not reworked and rand() < 0.04:
                    at = t + int((0.5 + 7.5 * rand()) * HOUR)
                    budget -= 1
                    if at > now or budget < 0:
                        break
                    at_text = fmt(at)
                    a[8], a[16], a[17], a[21] = RETURNED_, at_text, "不属于本单位职责范围", at_text
                    returned = True
                    acc2 = (accept_joint if joint else accept)(at)
                    status, version, updated = ACCEPTED, version + 1, at
                    hk, hc, hd, current = "", None, None, None
                    return_count += 1
                    stage_start, stage = at, acc2
                    due, warn = acc2[0], acc2[1]
                    card = (
                        CARD_RED
                        if due is not None and at >= due
                        else (CARD_YELLOW if warn is not None and at >= warn else CARD_NONE)
                    )
                    card_at = None if card == CARD_NONE else at
                    t = at
                    unit = (STREET_OFFICE, None, street_office[region[:9]])
                    continue
                # sign
                at = t + int(((30 + 20 * rand()) if rand() < late else (0.2 + 4.8 * rand())) * HOUR)
                budget -= 1
                if at > now or budget < 0:
                    break
                resolve = resolve_clock(dispatched)
                sign_due = sign[0]
                a[14], a[15], a[12] = fmt(at), None if sign_due is None else at < sign_due, resolve[4]
                status, version, updated = SIGNED, version + 1, at
                stage_start, stage = dispatched, resolve
                due, warn = resolve[0], resolve[1]
                card = (
                    CARD_RED
                    if due is not None and at >= due
                    else (CARD_YELLOW if warn is not None and at >= warn else CARD_NONE)
                )
                card_at = None if card == CARD_NONE else at
                t = at
                # resolve
                hours = (due - dispatched) / HOUR if due is not None else 48
                at = dispatched + int(
                    (hours * (1 + 0.6 * rand()) if rand() < late else hours * (0.1 + 0.8 * rand())) * HOUR
                )
                at = max(at, t + int((0.1 + 0.9 * rand()) * HOUR))
                budget -= 1
                if at > now or budget < 0:
                    break
                at_text = fmt(at)
                a[8], a[18], a[19], a[20], a[21] = (
                    RESOLVED_,
                    at_text,
                    "已现场处理完毕",
                    None if due is None else at < due,
                    at_text,
                )
                cb = callback(at)
                status, version, updated = RESOLVED, version + 1, at
                stage_start, stage = at, cb
                due, warn = cb[0], cb[1]
                card = (
                    CARD_RED
                    if due is not None and at >= due
                    else (CARD_YELLOW if warn is not None and at >= warn else CARD_NONE)
                )
                card_at = None if card == CARD_NONE else at
                t = at
                # call-back
                at = t + int((2 + 38 * rand()) * HOUR)
                budget -= 1
                if at > now or budget < 0:
                    break
                reached = rand() < 0.93
                if reached:
                    solved = rand() < 0.80 + 0.15 * x
                    r = rand()
                    satisfied_share = 0.55 + 0.35 * x
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
                callbacks.append((oid, aid, fmt(at), False, reached, contacted, solved, sat, ""))
                status, version, updated = CALLED_BACK, version + 1, at
                stage_start, stage, card, card_at = at, NO_STAGE, CARD_NONE, None
                t = at
                acceptable = not reached or (solved and sat != "dissatisfied")
                if not acceptable and not reworked:
                    # reopen for rework: the same unit, fresh deadlines
                    at = t + int((1 + 9 * rand()) * HOUR)
                    budget -= 1
                    if at > now or budget < 0:
                        break
                    reworked = True
                    t = at - HOUR // 10  # the dispatch step adds 0.1-4 h
                    continue
                at = t + int((0.5 + 23.5 * rand()) * HOUR)
                budget -= 1
                if at <= now and budget >= 0:
                    status, version, updated = CLOSED, version + 1, at
                    stage, card, card_at, ended_at = NO_STAGE, CARD_NONE, None, at
                break
            break
        if status != CLOSED and status != REJECTED:
            n_open += 1
        submitted_text = fmt(submitted)
        orders.append(
            (
                oid, tracking_code(oid, salt), compound[0], region, pk, "normal", DESCRIPTIONS[pk % n_desc],
                "hotline" if oid % 3 else "open311", "", "", False, 12 if joint else 0, joint,
                status, version, COMMUNITY, hk, hc, hd, current, end_reason,
                submitted_text, fmt(accepted_at), acc[4], accept_on_time, fmt(ended_at),
                fmt(stage_start), stage[4], stage[5], stage[6], OVERDUE if stage[2] is not None else "",
                card, fmt(card_at), stage[3], return_count, rework_count, 0, 0, True,
                submitted_text, fmt(updated),
            )
        )  # fmt: skip
    return (
        _text(orders),
        _text(assignments),
        _text(callbacks),
        n_open,
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
    start = now - datetime.timedelta(days=days)
    offset = _local_offset(start, now + datetime.timedelta(days=400))
    cap = deadlines.joint_accept_cap()
    clocks: dict[tuple, object] = {}

    def clock(limit, level=Level.COMMUNITY, escalatable=True, cap=None):
        # One clock (and one table) per distinct limit: categories share most of theirs.
        key = (limit, level, escalatable, cap)
        if key not in clocks:
            clocks[key] = stage_clock(limit, level=level, escalatable=escalatable, offset=offset, cap=cap)
        return clocks[key]

    rows = []
    for c in categories:
        lim = c.stage_limits  # no CategoryLimit rows in a fresh set
        rows.append(
            (
                c.pk,
                c.default_handler_kind,
                c.default_department_kind,
                clock(lim.accept),
                clock(lim.accept, cap=cap),
                clock(lim.sign),
                clock(lim.resolve),
            )
        )
    cat_cum, total = [], 0
    for c in categories:
        total += 8 if c.code in ("sanitation", "parking", "leak_repair") else 3
        cat_cum.append(total)
    _CONTEXT = Context(
        places=places,
        categories=rows,
        cat_cum=cat_cum,
        cum=cum,
        callback=stage_clock(
            deadlines.callback_limit(), level=Level.COMMUNITY, escalatable=False, offset=offset
        ),
        back=stage_clock(deadlines.return_limit(), level=Level.CITY, escalatable=False, offset=offset),
        first_order=first_order,
        first_assignment=first_assignment,
        salt=rng.getrandbits(48),
        seed=rng.getrandbits(32),
        start=to_us(start),
        span=days * DAY,
        now=to_us(now),
        open_from=to_us(now - datetime.timedelta(days=open_days)),
        stall_share=stall_share,
    )
    # Fill the clocks' day tables once, before the workers fork, not once in every worker.
    for (_limit, _level, _esc, capped), fn in clocks.items():
        if capped is None:
            for day in range((_CONTEXT.start + offset) // DAY, (_CONTEXT.now + offset) // DAY + 1):
                fn(day * DAY - offset + DAY // 2)
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
