"""Work orders of a scale data set: each order's life is replayed in memory with the services'
own deadline rules (`deadlines.stage_times` as `stage_for` uses it, the card and escalation
fields of `stage_fields`, `on_time`; see `clocks`), then written with COPY, together with the
rollup cells its events count in (one county per task, so the cells are final).

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
from operator import add

from django.db import connection

from apps.workorders import counting, deadlines
from apps.workorders.choices import (
    AssignmentOutcome,
    EscalationReason,
    HandlerKind,
    Level,
    SlaCard,
    Status,
)
from apps.workorders.models import ALL_CATEGORIES, COUNTERS, Category
from apps.workorders.models.orders import TRACKING_ALPHABET
from bench.scale.bulk import Progress, copy_text, loading, next_ids
from bench.scale.clocks import DAY, HOUR, NO_STAGE, fmt, local_offset, stage_clock, to_us
from bench.scale.places import Places
from bench.scale.rollups_sql import rollups_add_older

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


# Plain strings, read once (the enum's attribute access is Python code, on every order).
_COMPANY, _DEPARTMENT = HandlerKind.COMPANY.value, HandlerKind.DEPARTMENT.value
_STREET_OFFICE = HandlerKind.STREET_OFFICE.value


def _handler(kind: str, department_kind: str, compound: tuple, places: Places) -> tuple:
    """(kind, company id, department id): the category's default unit for the compound, as
    `suggested_handler` picks it; a compound without a company goes to its street office."""
    _pk, community, company = compound
    if kind in (HandlerKind.COMPANY, HandlerKind.COMMITTEE) and company:
        return _COMPANY, company, None
    if kind == HandlerKind.DEPARTMENT:
        dep = places.county_department.get((community[:6], department_kind))
        if dep:
            return _DEPARTMENT, None, dep
    return _STREET_OFFICE, None, places.street_office[community[:9]]


@dataclass
class Context:
    """What a chunk of orders needs; inherited by forked workers (plain data and closures)."""

    places: Places
    categories: list  # per category: (pk, handler kind, department kind, clocks ...)
    cat_cum: list
    counties: list  # per county: (its compounds, their cumulative weights)
    months: list  # 'YYYY-MM-01' of each local day from day0 on
    day0: int
    offset: int  # µs from UTC to the calendar's local time
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
ROLLUP_TABLES = [f"workorders_{level}monthstat" for level in ("county", "street", "community", "handler")]
REGION_STAT_COLUMNS = ("region_code", "month", "category_id", *COUNTERS)
COPIES = (
    ("workorders_workorder", ORDER_COLUMNS),
    ("workorders_assignment", ASSIGNMENT_COLUMNS),
    ("workorders_callback", CALLBACK_COLUMNS),
    ("workorders_countymonthstat", REGION_STAT_COLUMNS),
    ("workorders_streetmonthstat", REGION_STAT_COLUMNS),
    ("workorders_communitymonthstat", REGION_STAT_COLUMNS),
    ("workorders_handlermonthstat", ("unit_type", "unit_id", "county_code", "month", *COUNTERS)),
)

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
CARD_NONE, CARD_YELLOW, CARD_RED = SlaCard.NONE.value, SlaCard.YELLOW.value, SlaCard.RED.value
OVERDUE = EscalationReason.OVERDUE.value
# What each replayed event counts: positions in COUNTERS, from the one table
# (apps.workorders.counting.EVENTS), as functions of the fields its tallies read.
SUBMITTED_COUNTS = counting.indexes("submitted")  # (is_joint)
ACCEPTED_COUNTS = counting.indexes("accepted")  # (accept_on_time)
ENDED_COUNTS = counting.indexes("ended")  # (status)
DISPATCHED_COUNTS = counting.indexes("dispatched")  # (is_rework)
SIGNED_COUNTS = counting.indexes("signed")  # (sign_on_time)
RETURNED_COUNTS = counting.indexes("returned")()
RESOLVED_COUNTS = counting.indexes("resolved")  # (resolve_on_time)
CALLED_BACK_COUNTS = counting.indexes("called_back")  # (reached, contacted, solved, satisfaction)
assert counting.BY_NAME["called_back"].fields == ("reached", "contacted", "solved", "satisfaction")


def _text(rows) -> bytes:
    """COPY text format, built with C-level joins: booleans as True/False (PostgreSQL reads
    them), then every None becomes \\N in one pass — no generated string contains "None", a tab,
    a newline or a backslash."""
    if not rows:
        return b""
    text = "\n".join(["\t".join(map(str, row)) for row in rows])
    return (text.replace("None", "\\N") + "\n").encode()


def _chunk(task: tuple[int, int, int]) -> tuple:
    """Simulate orders [begin, begin + size) of the set, all in the compounds of county number
    `index`; returns COPY text of the orders, assignments, call-backs and of the county's rows of
    the four rollup tables, and (open orders, assignments, call-backs) counted.

    Each order's life is one pass of plain local variables (the order's fields as the services
    would set them after each verb); `budget` counts the steps an order may still take (a
    stalled one stops early), and a step after `now` is not taken."""
    index, begin, size = task
    ctx = _CONTEXT
    rng = random.Random(ctx.seed * 1_000_003 + index)
    rand, randrange = rng.random, rng.randrange
    places = ctx.places
    compounds, cum = ctx.counties[index]
    street_office = places.street_office
    months, day0, offset = ctx.months, ctx.day0, ctx.offset
    # Rollup cells of this county: (community, month, category) and (unit type, unit id,
    # county, month) → counters, in the order of COUNTERS.
    reg: dict[tuple, list] = {}
    uni: dict[tuple, list] = {}
    width = len(COUNTERS)
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
    region = pk = None  # the current order's community and category (read by `count`)

    def count(at: int, *counters: int) -> None:
        """Count an event of the current order in its month (local time), as rollups._sources()
        does: in its (community, month, category) cell."""
        c = _cell(reg, (region, months[(at + offset) // DAY - day0], pk), width)
        for i in counters:
            c[i] += 1

    def count_with_unit(at: int, unit: tuple, *counters: int) -> None:
        """`count`, and the same in the (unit type, unit, county, month) cell of its unit."""
        m = months[(at + offset) // DAY - day0]
        c = _cell(reg, (region, m, pk), width)
        u = _cell(uni, (*unit, m), width)
        for i in counters:
            c[i] += 1
            u[i] += 1

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
        county = region[:6]
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
        card, card_at = _card(due, warn, submitted)
        budget = randrange(0, 9) if stall else 99
        t = submitted
        # Rollups, as rollups._sources() counts: each event in its month (local time).
        count(submitted, *SUBMITTED_COUNTS(joint))
        late = 0.25 * (1 - x)
        while True:  # one pass; `break` = the order's life stops here
            if rand() < 0.03:  # reject (3 %)
                at = t + int((1 + 29 * rand()) * HOUR)
                budget -= 1
                if at <= now and budget >= 0:
                    status, version, updated = REJECTED, version + 1, at
                    end_reason = "经核实不属于物业服务和社区治理事项"
                    stage, card, card_at, ended_at = NO_STAGE, CARD_NONE, None, at
                    count(at, *ENDED_COUNTS(REJECTED))
                break
            # accept
            at = t + int(((20 + 40 * rand()) if rand() < late else (0.2 + 5.8 * rand())) * HOUR)
            budget -= 1
            if at > now or budget < 0:
                break
            status, version, updated = ACCEPTED, version + 1, at
            accepted_at = at
            accept_on_time = None if accept_due is None else at < accept_due
            count(at, *ACCEPTED_COUNTS(accept_on_time))
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
                card, card_at = _card(due, warn, at)
                if reworked:
                    rework_count += 1
                # The unit of the rollups: a company, else a department (street offices too).
                ukey = ("company", unit[1], county) if unit[1] else ("department", unit[2], county)
                count_with_unit(at, ukey, *DISPATCHED_COUNTS(reworked))
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
                    count_with_unit(at, ukey, *RETURNED_COUNTS)
                    acc2 = (accept_joint if joint else accept)(at)
                    status, version, updated = ACCEPTED, version + 1, at
                    hk, hc, hd, current = "", None, None, None
                    return_count += 1
                    stage_start, stage = at, acc2
                    due, warn = acc2[0], acc2[1]
                    card, card_at = _card(due, warn, at)
                    t = at
                    unit = (_STREET_OFFICE, None, street_office[region[:9]])
                    continue
                # sign
                at = t + int(((30 + 20 * rand()) if rand() < late else (0.2 + 4.8 * rand())) * HOUR)
                budget -= 1
                if at > now or budget < 0:
                    break
                resolve = resolve_clock(dispatched)
                sign_due = sign[0]
                signed_on_time = None if sign_due is None else at < sign_due
                a[14], a[15], a[12] = fmt(at), signed_on_time, resolve[4]
                count_with_unit(at, ukey, *SIGNED_COUNTS(signed_on_time))
                status, version, updated = SIGNED, version + 1, at
                stage_start, stage = dispatched, resolve
                due, warn = resolve[0], resolve[1]
                card, card_at = _card(due, warn, at)
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
                resolved_on_time = None if due is None else at < due
                a[8], a[18], a[19], a[20], a[21] = (
                    RESOLVED_,
                    at_text,
                    "已现场处理完毕",
                    resolved_on_time,
                    at_text,
                )
                count_with_unit(at, ukey, *RESOLVED_COUNTS(resolved_on_time))
                cb = callback(at)
                status, version, updated = RESOLVED, version + 1, at
                stage_start, stage = at, cb
                due, warn = cb[0], cb[1]
                card, card_at = _card(due, warn, at)
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
                count_with_unit(at, ukey, *CALLED_BACK_COUNTS(reached, contacted, solved, sat))
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
                    count(at, *ENDED_COUNTS(CLOSED))
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
        *_rollup_texts(reg, uni),
        size,
        n_open,
        len(assignments),
        len(callbacks),
    )


def _card(due: int | None, warn: int | None, at: int) -> tuple[str, int | None]:
    """(card, card changed at) of a stage entered at `at`, as stage_fields sets them."""
    if due is not None and at >= due:
        return CARD_RED, at
    if warn is not None and at >= warn:
        return CARD_YELLOW, at
    return CARD_NONE, None


def _cell(cells: dict, key: tuple, width: int) -> list:
    c = cells.get(key)
    if c is None:
        c = cells[key] = [0] * width
    return c


def _rollup_texts(reg: dict, uni: dict) -> tuple[bytes, bytes, bytes, bytes]:
    """COPY text of the county's rows of the county, street, community and handler tables:
    the community cells summed up level by level (community → street → county), and each
    level's all-categories rows (category 0). Every cell has a counter above zero (each event
    counts at least once)."""
    texts = []
    cells = reg
    join, text = "\t".join, _NUMBERS.__getitem__
    for length in (12, 9, 6):
        if length < 12:  # this level from the one below it
            finer, cells = cells, {}
            for (code, month, category), c in finer.items():
                key = (code[:length], month, category)
                have = cells.get(key)
                cells[key] = c if have is None else list(map(add, have, c))
        totals: dict[tuple, list] = {}
        for (code, month, _category), c in cells.items():
            key = (code, month)
            have = totals.get(key)
            totals[key] = c if have is None else list(map(add, have, c))
        lines = [
            f"{code}\t{month}\t{category}\t{join(map(text, c))}"
            for (code, month, category), c in cells.items()
        ]
        lines += [
            f"{code}\t{month}\t{ALL_CATEGORIES}\t{join(map(text, c))}" for (code, month), c in totals.items()
        ]
        texts.append(_lines(lines))
    units = [f"{t}\t{u}\t{county}\t{month}\t{join(map(text, c))}" for (t, u, county, month), c in uni.items()]
    return (texts[2], texts[1], texts[0], _lines(units))


class _Numbers(dict):
    """str() of a counter, from a table (str() of an int is slow next to a lookup)."""

    def __missing__(self, key: int) -> str:
        return str(key)


_NUMBERS = _Numbers((i, str(i)) for i in range(10_000))


def _lines(lines: list[str]) -> bytes:
    return ("\n".join(lines) + "\n").encode() if lines else b""


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
    log=None,
) -> dict[str, int]:
    """Write `n` orders submitted over the `days` days before `now`, with their assignments and
    call-backs, and the rollup tables. `workers` > 1 simulates counties in forked processes
    while this one COPYs (not inside a transaction: the connection is closed before forking).
    Returns row counts.

    Each task is one county (its share of the orders by households), so the task's rollup cells
    are final: it returns the county's rows of all four rollup tables, counted while its orders
    were simulated, and no cell is written twice. Orders that were in the database before (the
    demo's, or an earlier set's) are then added to the rollups set-based in SQL."""
    global _CONTEXT
    categories = list(Category.objects.filter(is_active=True).order_by("pk"))
    by_county: dict[str, tuple[list, list]] = {}
    for compound, weight in zip(places.compounds, places.weights, strict=True):
        compounds, cum = by_county.setdefault(compound[1][:6], ([], []))
        compounds.append(compound)
        cum.append((cum[-1] if cum else 0) + weight)  # cumulative: a pick is one bisect
    counties = sorted(by_county)
    # Orders per county in proportion to its households (largest remainders).
    total = sum(by_county[c][1][-1] for c in counties)
    shares = [n * by_county[c][1][-1] / total for c in counties]
    sizes = [int(x) for x in shares]
    for j in sorted(range(len(counties)), key=lambda j: sizes[j] - shares[j])[: n - sum(sizes)]:
        sizes[j] += 1
    first_order = next_ids("workorders_workorder", n)
    # Assignments: at most 3 per order (dispatch, again after a return, rework); ids may skip.
    first_assignment = next_ids("workorders_assignment", 3 * n)
    start = now - datetime.timedelta(days=days)
    offset = local_offset(start, now + datetime.timedelta(days=400))
    cap = deadlines.joint_accept_cap()
    clocks: dict[tuple, object] = {}

    def clock(limit, level=Level.COMMUNITY, escalatable=True, cap=None):
        # One clock (and one table) per distinct limit: categories share most of theirs.
        key = (limit, level, escalatable, cap)
        if key not in clocks:
            clocks[key] = stage_clock(limit, level=level, escalatable=escalatable, offset=offset, cap=cap)
        return clocks[key]

    rows = []
    cat_cum, weight = [], 0
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
        weight += 8 if c.code in ("sanitation", "parking", "leak_repair") else 3
        cat_cum.append(weight)
    day0 = (to_us(start) + offset) // DAY - 1
    last_day = (to_us(now) + offset) // DAY + 1
    _CONTEXT = Context(
        places=places,
        categories=rows,
        cat_cum=cat_cum,
        counties=[by_county[c] for c in counties],
        months=[
            (datetime.date(1970, 1, 1) + datetime.timedelta(days=d)).strftime("%Y-%m-01")
            for d in range(day0, last_day + 1)
        ],
        day0=day0,
        offset=offset,
        callback=clock(deadlines.callback_limit(), escalatable=False),
        back=clock(deadlines.return_limit(), Level.CITY, escalatable=False),
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
            for day in range(day0 + 1, last_day):
                fn(day * DAY - offset + DAY // 2)
    tasks, begin = [], 0
    for i, size in enumerate(sizes):
        if size:
            tasks.append((i, begin, size))
        begin += size
    # The biggest counties first: the two workers finish at about the same time.
    tasks.sort(key=lambda task: -task[2])
    counts = {"orders": n, "assignments": 0, "callbacks": 0, "open": 0}
    rollups: dict[str, int] = {}
    tables = ["workorders_workorder", "workorders_assignment", "workorders_callback", *ROLLUP_TABLES]
    with connection.cursor() as cur:
        cur.execute("TRUNCATE " + ", ".join(ROLLUP_TABLES))
    progress = Progress("工单", n, log=log)
    with loading(tables, log=log):
        if workers > 1:
            import multiprocessing

            connection.close()
            pool = multiprocessing.get_context("fork").Pool(workers)
            results = pool.imap_unordered(_chunk, tasks)
        else:
            pool = None
            results = map(_chunk, tasks)
        try:
            for *texts, size, n_open, n_a, n_c in results:
                for (table, columns), text in zip(COPIES, texts, strict=True):
                    copy_text(table, columns, text)
                counts["open"] += n_open
                counts["assignments"] += n_a
                counts["callbacks"] += n_c
                for (table, _columns), text in zip(COPIES[3:], texts[3:], strict=True):
                    rollups[table] = rollups.get(table, 0) + text.count(b"\n")
                progress.add(size)
        finally:
            if pool is not None:
                pool.close()
                pool.join()
        progress.finish()
    # Orders already in the database before this set: their counts are added in SQL.
    if log:
        log(f"统计表（模拟时计数）：{rollups}")
    rollups_add_older(below_order=first_order, log=log)
    return counts
