"""`figures(scope, by=n)`: the figures of every child region in one grouped pass equal the figures
of each child counted on its own, at every level, in a constant number of queries."""

from __future__ import annotations

import datetime

import pytest

from apps.core.scoping import PREFIX_LENGTH, region_scope
from apps.dashboards import figures as fig
from apps.dashboards.tests.conftest import LUOZHUANG_STREET
from apps.regions.models import Region

TODAY = datetime.date.today()


@pytest.mark.parametrize("code", ["370000", "371300", "371311", "371311003", LUOZHUANG_STREET, "371700"])
def test_grouped_figures_equal_each_child_counted_alone(spread, code, django_assert_max_num_queries):
    children = list(Region.objects.filter(parent_id=code))
    by = PREFIX_LENGTH[children[0].level]
    with django_assert_max_num_queries(17):
        grouped = fig.figures(region_scope(code), on=TODAY, by=by)
    for child in children:
        assert grouped[child.prefix] == fig.figures(region_scope(child.code), on=TODAY), child.name


def test_a_company_counts_in_every_child_it_serves_and_where_it_is_registered(spread):
    # 兰山公益 is registered in 兰山区 and backs a compound in 罗庄区's 盛庄街道.
    by_county = fig.party_work_coverage(region_scope("371300"), on=TODAY, by=6)
    by_street = fig.party_work_coverage(region_scope("371311"), on=TODAY, by=9)
    assert by_county["371311"].companies == fig.Ratio(2, 2)  # 罗庄安居 (covered) + 兰山公益 (own org)
    assert by_county["371302"].companies == fig.Ratio(2, 2)
    assert by_street["371311003"].companies == fig.Ratio(2, 2)
    assert by_street[LUOZHUANG_STREET].companies == fig.Ratio(0, 0)  # no company there
    assert by_street[LUOZHUANG_STREET].committees == fig.Ratio(0, 1)


def test_a_child_without_rows_gets_zero_figures(spread):
    grouped = fig.figures(region_scope("371311"), on=TODAY, by=9)
    empty = grouped["371311100"]  # 沂堂镇: nothing registered
    assert empty.old_compound_coverage == fig.Ratio(0, 0) and empty.secretaries_in_post == 0
    assert empty == fig.figures(region_scope("371311100"), on=TODAY)


@pytest.mark.parametrize("code", ["370000", "371300", "371311", "371311003", LUOZHUANG_STREET, "371700"])
def test_the_total_of_a_grouped_pass_equals_the_region_counted_directly(
    spread, code, django_assert_max_num_queries
):
    """The region's own figures come from its children's pass: summed where a figure is a sum,
    counted directly where it is not (companies serving several children count once)."""
    children = list(Region.objects.filter(parent_id=code))
    grouped = fig.figures(region_scope(code), on=TODAY, by=PREFIX_LENGTH[children[0].level])
    with django_assert_max_num_queries(2):  # the distinct companies of 兜底 and 大手牵小手
        total = grouped.total
    assert total == fig.figures(region_scope(code), on=TODAY)


def test_a_company_serving_two_children_counts_once_in_the_total(spread):
    by_county = fig.party_work_coverage(region_scope("371300"), on=TODAY, by=6)
    assert by_county["371311"].companies == fig.Ratio(2, 2) and by_county["371302"].companies == fig.Ratio(
        2, 2
    )
    assert by_county.total.companies == fig.party_work_coverage(region_scope("371300"), on=TODAY).companies
    assert by_county.total.companies.denominator < sum(g.companies.denominator for g in by_county.values())


def test_the_total_changes_with_the_rows(spread):
    from apps.registry.models import Compound

    before = fig.figures(region_scope("371300"), on=TODAY, by=6).total
    Compound.objects.filter(pk=spread.unserved.pk).update(management_mode="fallback", company=spread.welfare)
    after = fig.figures(region_scope("371300"), on=TODAY, by=6).total
    assert after.old_compound_coverage.numerator == before.old_compound_coverage.numerator + 1
    assert after.fallback.compounds == before.fallback.compounds + 1
    assert after == fig.figures(region_scope("371300"), on=TODAY)
