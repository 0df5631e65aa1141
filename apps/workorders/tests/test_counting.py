"""The one table of which event counts in which rollup counter (apps/workorders/counting.py):
every reader — the live bump, the rebuild, the benchmark's SQL and generator — derives from it,
so these tests are of the table itself and of its renderings."""

from types import SimpleNamespace

import pytest

from apps.workorders import counting
from apps.workorders.choices import Status
from apps.workorders.models import COUNTERS


def test_every_counter_is_counted_by_exactly_one_event():
    tallied = [t.counter for e in counting.EVENTS for t in e.tallies]
    assert sorted(tallied) == sorted(COUNTERS)


def test_the_unit_counters_are_those_of_the_units_events():
    assert counting.UNIT_COUNTERS == {
        "dispatched",
        "reworked",
        "signed",
        "signed_on_time",
        "signed_late",
        "returned",
        "resolved",
        "resolved_on_time",
        "resolved_late",
        "escalated",
        "cb_valid",
        "cb_unreached",
        "cb_contacted",
        "cb_solved",
        "cb_satisfied",
        "cb_basic",
        "cb_dissatisfied",
    }


@pytest.mark.parametrize(
    "event, row, expected",
    [
        ("submitted", {"is_joint": False}, {"intake"}),
        ("submitted", {"is_joint": True}, {"intake", "joint_intake"}),
        ("accepted", {"accept_on_time": True}, {"accepted", "accepted_on_time"}),
        ("accepted", {"accept_on_time": False}, {"accepted", "accepted_late"}),
        ("accepted", {"accept_on_time": None}, {"accepted"}),  # no deadline: not rated
        ("ended", {"status": Status.CLOSED}, {"closed"}),
        ("ended", {"status": Status.MERGED}, {"merged"}),
        ("ended", {"status": Status.REJECTED}, {"rejected"}),
        ("dispatched", {"is_rework": True}, {"dispatched", "reworked"}),
        ("signed", {"sign_on_time": False}, {"signed", "signed_late"}),
        ("returned", {}, {"returned"}),
        ("resolved", {"resolve_on_time": True}, {"resolved", "resolved_on_time"}),
        ("escalated", {}, {"escalated"}),
        (
            "called_back",
            {"reached": True, "contacted": True, "solved": False, "satisfaction": "basic"},
            {"cb_valid", "cb_contacted", "cb_basic"},
        ),
        (
            "called_back",
            {"reached": False, "contacted": None, "solved": None, "satisfaction": ""},
            {"cb_unreached"},
        ),
    ],
)
def test_what_one_event_counts(event, row, expected):
    assert counting.counts(event, SimpleNamespace(**row)) == dict.fromkeys(expected, 1)
    # the generator's rendering: positions in COUNTERS, from the same tallies
    fields = counting.BY_NAME[event].fields
    positions = counting.indexes(event)(*(row[f] for f in fields))
    assert {COUNTERS[i] for i in positions} == expected


def test_the_rebuild_aggregates_every_tally():
    for event in counting.EVENTS:
        assert set(counting.aggregates(event)) == {t.counter for t in event.tallies}
