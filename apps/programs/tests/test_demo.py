"""The demo step: the article's programme figures come out by counting arrangement rows.

It seeds the registry of two cities first (≈ 1 min of CPU), so it runs only with
PROGRAMS_DEMO_TEST=1; once core's seed_demo runs the contributed steps, apps/core/tests/
test_seed_demo.py covers the same load."""

import datetime
import os
import random

import pytest

from apps.core.scoping import region_scope
from apps.programs import selectors

TODAY = datetime.date(2026, 6, 24)


@pytest.mark.skipif(not os.environ.get("PROGRAMS_DEMO_TEST"), reason="slow: set PROGRAMS_DEMO_TEST=1")
@pytest.mark.django_db
def test_demo_arrangements_reproduce_the_article_figures():
    from apps.notifications.services import muted
    from apps.programs import demo as programs_demo
    from apps.regions import demo as regions_demo
    from apps.registry import demo as registry_demo
    from apps.registry.models import Compound

    logs = []
    with muted():
        regions_demo.seed(rng=random.Random(1), today=TODAY, log=logs.append)
        registry_demo.seed(rng=random.Random(2), today=TODAY, log=logs.append)
        programs_demo.seed(rng=random.Random(3), today=TODAY, log=logs.append)
    linyi = selectors.overview(region_scope("371300"), on=TODAY)
    assert (linyi.welfare_companies, linyi.fallback_compounds) == (49, 410)
    luozhuang = selectors.coverage_by_mode(region_scope("371311"), on=TODAY)
    assert luozhuang.complete and luozhuang.by_mode["none"] == 0
    yimeng = Compound.objects.get(name="沂蒙学院家属院")
    assert yimeng.households == 36
    pairing = yimeng.pairings.get()
    assert pairing.status == "signed" and pairing.arrangement.in_force(TODAY)
    assert linyi.transitions_due >= 1 and linyi.subsidies_paid > 0
    # the denormalised mode is what the arrangements say today
    assert (
        not Compound.objects.filter(is_generated=True)
        .exclude(management_mode="none")
        .filter(arrangements__isnull=True)
        .exists()
    )
    # coverage as of an earlier year is lower (arrangements started over the years)
    assert (
        selectors.coverage_by_mode(region_scope("371300"), on=datetime.date(2019, 6, 30)).served
        < linyi.coverage.served
    )
    assert any("服务安排" in line for line in logs)
    # the dashboard (today's mode on each compound, on the machine's clock) agrees
    from apps.dashboards import figures as fig

    assert fig.old_compound_coverage(region_scope("371311")).complete
    assert fig.fallback(region_scope("371300")).compounds == 410
