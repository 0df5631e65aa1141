"""The order generator's stage clocks give exactly what `deadlines.stage_times` gives, and its
COPY text of an instant reads back as the same instant. Pure calendar code: runs on SQLite too."""

import datetime
import random

import pytest

from apps.workorders import deadlines
from apps.workorders.choices import Level, LimitUnit
from apps.workorders.models.categories import Limit
from bench.scale.clocks import fmt, local_offset, pack, stage_clock, to_datetime, to_us

pytestmark = pytest.mark.django_db
START = datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)
END = datetime.datetime(2026, 12, 31, 12, tzinfo=datetime.UTC)  # deadlines run into 2027: no calendar


@pytest.mark.parametrize(
    "limit",
    [
        Limit(1, LimitUnit.WORKING_DAYS),
        Limit(5, LimitUnit.WORKING_DAYS),
        Limit(3, LimitUnit.DAYS),
        Limit(4, LimitUnit.HOURS),
        Limit(48, LimitUnit.HOURS),
    ],
)
@pytest.mark.parametrize(
    ("level", "escalatable"), [(Level.COMMUNITY, True), (Level.COMMUNITY, False), (Level.CITY, True)]
)
def test_stage_clocks_equal_stage_times(limit, level, escalatable):
    offset = local_offset(START, END)
    clock = stage_clock(limit, level=level, escalatable=escalatable, offset=offset)
    rng = random.Random(3)
    span = to_us(END) - to_us(START)
    for _ in range(400):
        start = to_us(START) + rng.randrange(span)
        expected = deadlines.stage_times(
            start=to_datetime(start), limit=limit, level=level, escalatable=escalatable
        )
        assert clock(start) == pack(expected)


def test_capped_clock_equals_stage_times():
    cap = deadlines.joint_accept_cap()
    limit = Limit(72, LimitUnit.HOURS)
    clock = stage_clock(limit, level=Level.COMMUNITY, offset=local_offset(START, END), cap=cap)
    start = to_us(datetime.datetime(2026, 9, 30, 9, 30, tzinfo=datetime.UTC))
    assert clock(start) == pack(
        deadlines.stage_times(start=to_datetime(start), limit=limit, level=Level.COMMUNITY, cap=cap)
    )


def test_copy_text_of_an_instant_reads_back_the_same():
    rng = random.Random(5)
    for _ in range(2000):
        us = to_us(START) + rng.randrange(10**14)
        assert datetime.datetime.fromisoformat(fmt(us)) == to_datetime(us)
    assert fmt(None) is None
