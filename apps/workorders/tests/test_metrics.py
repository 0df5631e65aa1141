"""The metrics formulas (RULES.md §4) with exact numbers, settings, scope and the red/black lists."""

import datetime
from decimal import Decimal
from fractions import Fraction as F

import pytest
from django.http import Http404

from apps.regions.models import Region
from apps.registry.services import company_create, compound_create
from apps.workorders import metrics, services
from apps.workorders.tests.helpers import at, category, photo

MARCH = dict(period_from=datetime.date(2026, 3, 1), period_to=datetime.date(2026, 3, 31))
# (accepted late, resolved late, reached, contacted, solved, satisfaction, reworked)
SCRIPT = [
    (False, False, True, True, True, "satisfied", False),
    (False, False, True, True, True, "satisfied", False),
    (False, False, True, True, True, "satisfied", False),
    (False, False, True, True, True, "satisfied", False),
    (False, True, True, True, True, "basic", False),
    (False, True, True, True, True, "basic", False),
    (True, True, True, True, True, "basic", False),
    (True, False, True, True, False, "dissatisfied", True),
    (False, False, True, False, False, "dissatisfied", True),
    (False, False, True, False, False, "dissatisfied", False),
    (False, False, False, None, None, "", False),  # the reporter could not be reached
]


def _play(world, users, compound=None, company=None, script=SCRIPT, community="community", staff="company"):
    compound = compound or world.compound
    company = company or world.company
    for i, (late_accept, late_resolve, reached, contacted, solved, satisfaction, rework) in enumerate(script):
        order = services.workorder_submit(
            actor=users[community] if community else None,
            compound=compound,
            category=category(),
            description=f"诉求{i}",
            reporter_phone="13800000000",
            channel="staff" if community else "hotline",
            now=at(2026, 3, 2, 9),
        )
        accept_at = at(2026, 3, 4, 10) if late_accept else at(2026, 3, 2, 10)  # due 24:00 on 03-03
        services.workorder_accept(order=order, actor=None, now=accept_at)
        services.workorder_dispatch(order=order, actor=None, handler=company, now=at(2026, 3, 4, 11))
        if i == 0:  # one return, then dispatched again: 12 dispatches, 1 return
            services.workorder_return(order=order, actor=None, reason="派错了", now=at(2026, 3, 4, 12))
            services.workorder_dispatch(order=order, actor=None, handler=company, now=at(2026, 3, 4, 13))
        services.workorder_sign(order=order, actor=None, now=at(2026, 3, 4, 14))
        resolve_at = at(2026, 3, 10, 9) if late_resolve else at(2026, 3, 6, 9)  # due 24:00 on 03-09
        services.workorder_resolve(
            order=order, actor=None, note="已处理", photo_files=[photo()], now=resolve_at
        )
        services.workorder_callback(
            order=order,
            actor=None,
            reached=reached,
            contacted=contacted,
            solved=solved,
            satisfaction=satisfaction,
            now=at(2026, 3, 11, 9),
        )
        if rework:
            services.workorder_reopen(order=order, actor=None, note="重办", now=at(2026, 3, 11, 10))


def test_formulas_with_exact_numbers(world, users):
    _play(world, users)
    m = metrics.workorder_metrics(region=world.compound.community_id, **MARCH)
    assert (m.intake, m["accepted"], m["dispatched"], m["returned"], m["resolved"], m["reworked"]) == (
        11,
        11,
        14,
        1,
        11,
        2,
    )
    assert m["cb_valid"] == 10 and m["cb_unreached"] == 1
    assert m.on_time_acceptance == F(9, 11)
    assert m.on_time_resolution == F(8, 11)
    assert m.return_rate == F(1, 14)  # 11 first dispatches + 1 after the return + 2 rework dispatches
    assert m.rework_rate == F(2, 11)
    assert m.response_rate == F(8, 10)
    assert m.resolution_rate == F(7, 10)
    assert m.satisfaction_rate == F(67, 100)  # (4 + 0.9 × 3) ÷ 10
    assert m.score == F(1, 10) * F(8, 10) + F(1, 2) * F(7, 10) + F(2, 5) * F(67, 100) == F(349, 500)  # 0.698
    assert m.as_dict()["score"] == 0.698
    # The same figures one level up, for the company, and straight from the raw rows.
    for kwargs in ({"region": "371311"}, {"region": "371300"}, {"region": "370000"}):
        assert metrics.workorder_metrics(**kwargs, **MARCH) == m
    unit = metrics.workorder_metrics(company=world.company, **MARCH)
    assert unit.score == m.score and unit["dispatched"] == 14 and unit["intake"] == 0
    assert metrics.workorder_metrics(compound=world.compound, **MARCH) == m
    # Nothing in February.
    assert (
        metrics.workorder_metrics(
            region="371300", period_from=datetime.date(2026, 2, 1), period_to=datetime.date(2026, 2, 28)
        ).score
        is None
    )


def test_weights_and_the_basic_factor_are_settings(world, users, settings):
    _play(world, users)
    settings.WORKORDER_SCORE_WEIGHTS = ["0.3", "0.35", "0.35"]
    settings.WORKORDER_BASIC_SATISFACTION_FACTOR = "0.8"
    m = metrics.workorder_metrics(region="371300", **MARCH)
    assert m.satisfaction_rate == F(64, 100)
    assert m.score == F(3, 10) * F(8, 10) + F(35, 100) * F(7, 10) + F(35, 100) * F(64, 100)


def test_events_count_in_the_month_they_happen(world, users):
    order = services.workorder_submit(
        actor=users["resident"],
        compound=world.compound,
        category=category(),
        description="x",
        now=at(2026, 3, 31, 20),
    )
    services.workorder_accept(order=order, actor=users["community"], now=at(2026, 4, 1, 9))
    april = dict(period_from=datetime.date(2026, 4, 1), period_to=datetime.date(2026, 4, 30))
    assert metrics.workorder_metrics(region="371300", **MARCH).intake == 1
    assert metrics.workorder_metrics(region="371300", **april)["accepted"] == 1
    # 16:30 UTC on 03-31 is already April in China.
    late = services.workorder_submit(
        actor=users["resident"],
        compound=world.compound,
        category=category(),
        description="y",
        now=datetime.datetime(2026, 3, 31, 16, 30, tzinfo=datetime.UTC),
    )
    assert late and metrics.workorder_metrics(region="371300", **april).intake == 1


def test_metrics_are_scoped_to_the_user(world, users):
    assert metrics.workorder_metrics(region="371311", user=users["county"], **MARCH).intake == 0
    with pytest.raises(Http404):
        metrics.workorder_metrics(region="371300", user=users["county"], **MARCH)  # above the county
    with pytest.raises(Http404):
        metrics.workorder_metrics(region="371311", user=users["other_county"], **MARCH)
    with pytest.raises(Http404):
        metrics.workorder_metrics(company=world.company, user=users["outsider"], **MARCH)
    metrics.workorder_metrics(company=world.company, user=users["company"], **MARCH)


def test_monthly_red_and_black_lists(world, users, settings):
    settings.WORKORDER_RANKING_SIZE = 1
    settings.WORKORDER_RANKING_MIN_CALLBACKS = 3
    # A second compound in another community of the same street, with its own company, doing better.
    company = company_create(
        actor=None,
        data={
            "name": "尚屯物业",
            "credit_code": "91371311MA3C000003",
            "kind": "market",
            "region": Region.objects.get(code="371311"),
        },
    )
    better = compound_create(
        actor=None,
        data={
            "name": "尚屯小区",
            "community": Region.objects.get(code="371311003001"),
            "households": 100,
            "total_floor_area": Decimal("9000"),
            "year_built": 2012,
            "management_mode": "market",
            "company": company,
        },
    )
    _play(world, users)
    _play(world, users, compound=better, company=company, script=SCRIPT[:4], community=None)
    ranking = metrics.workorder_rankings(
        region="371311003", month=datetime.date(2026, 3, 15), kind="community"
    )
    assert [r.key for r in ranking.red] == ["371311003001"] and [r.key for r in ranking.black] == [
        "371311003003"
    ]
    assert ranking.red[0].name.startswith("尚屯") and ranking.red[0].score == 1
    companies = metrics.workorder_rankings(region="371300", month=datetime.date(2026, 3, 1), kind="company")
    assert [r.key for r in companies.red] == [company.pk] and [r.key for r in companies.black] == [
        world.company.pk
    ]
    assert ranking.positions == {"371311003001": 1, "371311003003": 2}
    assert ranking.black[0].metrics == metrics.workorder_metrics(region="371311003003", **MARCH)
    streets = metrics.workorder_rankings(region="371311", month=datetime.date(2026, 3, 1), kind="street")
    assert streets.positions == {"371311003": 1} and streets.red[0].name.startswith("盛庄")
    settings.WORKORDER_RANKING_MIN_CALLBACKS = 5  # the better compound has 4 valid call-backs only
    ranking = metrics.workorder_rankings(
        region="371311003", month=datetime.date(2026, 3, 1), kind="community"
    )
    assert ranking.unranked == ["371311003001"] and ranking.ranked_count == 1


def test_series_by_month_category_and_child_region(world, users):
    _play(world, users, script=SCRIPT[:3])
    months = metrics.workorder_metrics_by_month(
        region="371300", period_from=datetime.date(2026, 1, 1), period_to=datetime.date(2026, 4, 1)
    )
    assert [m.intake for _, m in months] == [0, 0, 3, 0]
    by_cat = dict((c.code, m) for c, m in metrics.workorder_metrics_by_category(region="371300", **MARCH))
    assert by_cat["sanitation"].intake == 3 and by_cat["parking"].intake == 0
    assert [c for c, _ in metrics.child_region_metrics(region="371300", **MARCH)] == ["371311"]
    assert [c for c, _ in metrics.child_region_metrics(region="370000", **MARCH)] == ["371300"]
    assert [c for c, _ in metrics.child_region_metrics(region="371311003", **MARCH)] == ["371311003003"]
