"""Which work-order event counts in which rollup counter: the one table (docs/workorders.md,
"Rollups"; the counters are `models.stats.COUNTERS`).

Every reader of the rule derives from `EVENTS`: the live bump in the transaction of each verb
(`rollups.count`, from the row the verb just wrote), the rebuild from the raw rows
(`rollups._sources`, as ORM aggregates), the set-based SQL rebuild of the benchmark data sets
(bench/scale/rollups_sql.py, as SQL expressions) and the benchmark generator
(bench/scale/orders.py, as counter positions). An event is one time column of one row: an order
is submitted, accepted and ended; an assignment dispatched, signed, returned and resolved; an
escalation and a call-back happen once. It counts in the month (China time) of that column, in
the order's region and category cells, and — for the events of a handling unit — in that unit's
cell too. Each of its tallies adds 1 to a counter, always or when a field of the row holds a value.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db.models import Count, Q

from apps.workorders.choices import Satisfaction, Status
from apps.workorders.models.stats import COUNTERS


@dataclass(frozen=True)
class Tally:
    """`counter` + 1 for every event (no `field`), or when the row's `field` is `value` (see
    `same`: a None of "on time" is neither on time nor late)."""

    counter: str
    field: str = ""
    value: object = True

    def matches(self, row) -> bool:
        return not self.field or same(getattr(row, self.field), self.value)


@dataclass(frozen=True)
class Event:
    name: str
    table: str  # the row's model: "order", "assignment", "escalation" or "callback"
    at: str  # the time field: when it happened (an empty one: it has not)
    tallies: tuple[Tally, ...]
    by_unit: bool = False  # also counts in the cell of the handling unit involved

    @property
    def fields(self) -> tuple[str, ...]:
        """The row's fields the tallies read, in a fixed order (what the generator passes)."""
        return tuple(dict.fromkeys(t.field for t in self.tallies if t.field))


EVENTS: tuple[Event, ...] = (
    Event("submitted", "order", "submitted_at", (Tally("intake"), Tally("joint_intake", "is_joint"))),
    Event(
        "accepted",
        "order",
        "accepted_at",
        (
            Tally("accepted"),
            Tally("accepted_on_time", "accept_on_time", True),
            Tally("accepted_late", "accept_on_time", False),
        ),
    ),
    Event(
        "ended",
        "order",
        "ended_at",
        (
            Tally("rejected", "status", Status.REJECTED.value),
            Tally("merged", "status", Status.MERGED.value),
            Tally("closed", "status", Status.CLOSED.value),
        ),
    ),
    Event(
        "dispatched",
        "assignment",
        "dispatched_at",
        (Tally("dispatched"), Tally("reworked", "is_rework")),
        by_unit=True,
    ),
    Event(
        "signed",
        "assignment",
        "signed_at",
        (
            Tally("signed"),
            Tally("signed_on_time", "sign_on_time", True),
            Tally("signed_late", "sign_on_time", False),
        ),
        by_unit=True,
    ),
    Event("returned", "assignment", "returned_at", (Tally("returned"),), by_unit=True),
    Event(
        "resolved",
        "assignment",
        "resolved_at",
        (
            Tally("resolved"),
            Tally("resolved_on_time", "resolve_on_time", True),
            Tally("resolved_late", "resolve_on_time", False),
        ),
        by_unit=True,
    ),
    Event("escalated", "escalation", "at", (Tally("escalated"),), by_unit=True),
    Event(
        "called_back",
        "callback",
        "created_at",
        (
            Tally("cb_valid", "reached", True),
            Tally("cb_unreached", "reached", False),
            Tally("cb_contacted", "contacted", True),
            Tally("cb_solved", "solved", True),
            Tally("cb_satisfied", "satisfaction", Satisfaction.SATISFIED.value),
            Tally("cb_basic", "satisfaction", Satisfaction.BASIC.value),
            Tally("cb_dissatisfied", "satisfaction", Satisfaction.DISSATISFIED.value),
        ),
        by_unit=True,
    ),
)
BY_NAME: dict[str, Event] = {e.name: e for e in EVENTS}
# Counters that also count for the handling unit involved.
UNIT_COUNTERS = frozenset(t.counter for e in EVENTS if e.by_unit for t in e.tallies)


def same(actual, expected) -> bool:
    """A field's value is the tally's: a flag by its truth, but None (unknown) is neither."""
    if isinstance(expected, bool):
        return actual is not None and bool(actual) is expected
    return actual == expected


def counts(event: str, row) -> dict[str, int]:
    """What one event of `row` adds: {counter: 1} for each tally it meets (the live bump)."""
    return {t.counter: 1 for t in BY_NAME[event].tallies if t.matches(row)}


def aggregates(event: Event) -> dict[str, Count]:
    """The event's tallies as ORM aggregates over its rows (the rebuild)."""
    return {
        t.counter: Count("id", filter=Q(**{t.field: t.value})) if t.field else Count("id")
        for t in event.tallies
    }


def indexes(event: str, counters: Sequence[str] = COUNTERS) -> Callable[..., tuple[int, ...]]:
    """For the generator: a function of the event's `fields` values (positionally) → the
    positions in `counters` of the counters the event adds to, remembered per combination."""
    ev = BY_NAME[event]
    names = ev.fields
    position = {c: i for i, c in enumerate(counters)}
    memo: dict[tuple, tuple[int, ...]] = {}

    def of(*values) -> tuple[int, ...]:
        hit = memo.get(values)
        if hit is None:
            row = dict(zip(names, values, strict=True))
            hit = memo[values] = tuple(
                position[t.counter] for t in ev.tallies if not t.field or same(row[t.field], t.value)
            )
        return hit

    return of
