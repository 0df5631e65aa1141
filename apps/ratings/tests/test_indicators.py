"""Every indicator against a hand-computed fixture. The work-order rates use a fixed set of
counters (their plumbing through the rollups is tested in apps/workorders); the rest read the
persona world: 罗庄安居物业 serves 盛庄花园 (320 households, a compound branch, a committee of
five with three party members, all three cross-appointed)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from apps.ratings.choices import Indicator
from apps.ratings.indicators import SubjectFacts, compute
from apps.workorders.metrics import Metrics

pytestmark = pytest.mark.django_db

COUNTS = {
    "intake": 40,  # submitted in the region (not the company's measure)
    "dispatched": 32,  # dispatched to the company
    "cb_valid": 20,
    "cb_contacted": 18,
    "cb_solved": 15,
    "cb_satisfied": 12,
    "cb_basic": 5,
    "resolved_on_time": 9,
    "resolved_late": 1,
}


@pytest.fixture
def facts(world):
    f = SubjectFacts(
        party_org=world.own["partyorg"],
        city_code="371300",
        period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2025, 11, 30),
    )
    f._metrics = Metrics(dict(COUNTS))
    return f


@pytest.mark.parametrize(
    "indicator,value,numerator,denominator",
    [
        (Indicator.RESPONSE_RATE, "90.00", "18", "20"),  # 18 ÷ 20
        (Indicator.RESOLUTION_RATE, "75.00", "15", "20"),
        (Indicator.SATISFACTION_RATE, "82.50", "16.5", "20"),  # (12 + 0.9 × 5) ÷ 20
        (Indicator.ON_TIME_RATE, "90.00", "9 件按时办结", "10 件有时限的办结"),
        (Indicator.COMPLAINTS_PER_1000, "100.00", "32 件派给企业的工单", "320 户"),  # 32 ÷ 320 × 1000
    ],
)
def test_work_order_indicators(facts, indicator, value, numerator, denominator):
    v = compute(indicator, facts)
    assert (v.value, v.numerator, v.denominator) == (Decimal(value), numerator, denominator)
    assert "工单" in v.source


def test_composite_score(facts):
    # 0.1 × 0.9 + 0.5 × 0.75 + 0.4 × 0.825 = 0.795
    assert compute(Indicator.COMPOSITE_SCORE, facts).value == Decimal("79.50")


def test_no_call_backs_is_no_value(facts):
    facts._metrics = Metrics({})
    assert compute(Indicator.RESPONSE_RATE, facts).value is None
    assert compute(Indicator.COMPLAINTS_PER_1000, facts).value == Decimal("0.00")


def test_registry_indicators(facts):
    assert compute(Indicator.BRANCH_PRESENT, facts).value == Decimal("100.00")  # 1 of 1
    assert compute(Indicator.RED_COMMITTEE, facts).value == Decimal("100.00")  # 3 cross, 3/5 party
    assert compute(Indicator.CROSS_APPOINTED, facts).value == Decimal("3.00")  # 3 ÷ 1 compound
    assert compute(Indicator.PARTY_MEMBERS, facts).value == Decimal("5")


def test_the_company_of_the_other_county_has_no_branch(world):
    f = SubjectFacts(
        party_org=world.other["partyorg"],
        city_code="371300",
        period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2025, 11, 30),
    )
    # 十里堡小区 has no branch of its own: the world's "other" branch is 十里堡小区党支部 — check.
    v = compute(Indicator.BRANCH_PRESENT, f)
    assert v.denominator == "1 个小区" and v.value in (Decimal("0.00"), Decimal("100.00"))
    # Its committee of five has no party member: not red, no cross-appointment.
    assert compute(Indicator.RED_COMMITTEE, f).value == Decimal("0.00")
    assert compute(Indicator.CROSS_APPOINTED, f).value == Decimal("0.00")


def test_survey_index_is_the_mean_of_the_responses(world, facts):
    from .test_surveys import answer_all, make_campaign

    campaign, questions = make_campaign(world, start=datetime.date(2025, 5, 1))
    # Responses with scale means 5 → 100, 3 → 50, 4 → 75: mean 75.
    for i, scale in enumerate((5, 3, 4)):
        answer_all(
            campaign,
            world.compound,
            questions,
            scale=scale,
            household=f"h{i}",
            today=datetime.date(2025, 5, 3),
        )
    v = compute(Indicator.SURVEY_INDEX, facts)
    assert (v.value, v.denominator) == (Decimal("75.00"), "3 份答卷")
    assert "225" in v.numerator


def test_points_curves(world):
    from .helpers import items, make_scheme

    it = items(make_scheme())
    assert it["A2"].points_for(Decimal("49")) == 0 and it["A2"].points_for(Decimal("50")) == 2
    assert it["A2"].points_for(Decimal("100")) == 4
    # Linear from 100 (0 points) to 0 (6 points): 25 per 1,000 → 4.5 points.
    assert it["C1"].points_for(Decimal("25")) == Decimal("4.5")
    assert it["C1"].points_for(Decimal("300")) == 0 and it["C1"].points_for(None) == 0
    # A scheme may give points for "no data" (e.g. no call-backs in the period).
    c1 = it["C1"]
    c1.curve = {**c1.curve, "missing": 4.8}
    assert c1.points_for(None) == Decimal("4.8")


def test_the_example_schemes_are_valid_and_marked(world):
    from apps.ratings import examples
    from apps.ratings.choices import SubjectKind

    from .helpers import make_scheme

    s = make_scheme(
        title=examples.COMPANY_ORG_TITLE,
        structure=examples.COMPANY_ORG,
        total_points=Decimal(100),
        star_cutoffs=examples.COMPANY_ORG_CUTOFFS,
        is_example=True,
    )
    assert str(s).startswith("【示例】") and s.items.count() == 18
    p = make_scheme(
        title=examples.PROJECT_TITLE,
        structure=examples.PROJECT,
        total_points=Decimal(100),
        star_cutoffs=examples.PROJECT_CUTOFFS,
        subject_kind=SubjectKind.COMPOUND_PROJECT,
    )
    assert p.dimensions.count() == 3
