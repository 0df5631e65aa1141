"""The programmes card of the dashboard (Contribution.dashboard_panels): the same figures as
/programs/ for the region and month, and only inside the user's scope."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.core.scoping import region_scope
from apps.core.testing import CITY, COMMUNITY, COUNTY, STREET
from apps.programs import panels, selectors, services
from apps.regions.models import Region

pytestmark = pytest.mark.django_db


def _panel(response, key="programs"):
    return next(p for p in response.context["app_panels"] if p.key == key)


@pytest.fixture
def served(prog):
    """沂蒙学院家属院 under 兜底 from 2024-01-01 (the coverage moves between months)."""
    services.fallback_assign(
        compound=prog.unserved,
        company=prog.welfare,
        start_date=datetime.date(2024, 1, 1),
        actor=prog.users["county"],
    )
    return prog


def test_panel_equals_the_overview_for_the_region_today_and_a_past_month(served, client_for):
    client = client_for("county")
    dashboard = client.get(reverse("dashboard"), {"region": COUNTY})
    overview = client.get(reverse("programs_overview"), {"region": COUNTY})
    panel = _panel(dashboard)
    assert panel.context["f"] == overview.context["f"]
    assert panel.context["f"].coverage.by_mode["fallback"] >= 1
    assert 'id="panel-programs"' in dashboard.content.decode()
    # a past month: the dashboard's period ending 2023-12 → as of 2023-12-31, before the 兜底
    past = client.get(reverse("dashboard"), {"region": COUNTY, "from": "2023-07", "to": "2023-12"})
    page = client.get(reverse("programs_overview"), {"region": COUNTY, "month": "2023-12"})
    assert _panel(past).context["on"] == datetime.date(2023, 12, 31) == page.context["on"]
    assert _panel(past).context["f"] == page.context["f"]
    assert (
        _panel(past).context["f"].coverage.by_mode["fallback"]
        == panel.context["f"].coverage.by_mode["fallback"] - 1
    )


@pytest.mark.parametrize(
    ("persona", "code"), [("city", CITY), ("county", COUNTY), ("street", STREET), ("community", COMMUNITY)]
)
def test_each_official_sees_the_figures_of_its_own_region(served, client_for, persona, code):
    panel = _panel(client_for(persona).get(reverse("dashboard")))
    assert panel.context["f"] == selectors.overview(region_scope(code), on=timezone.localdate())


def test_outside_the_scope_there_is_no_panel(served, client_for, users):
    assert client_for("other_county").get(reverse("dashboard"), {"region": COUNTY}).status_code == 404
    county = Region.objects.get(code=COUNTY)
    today = timezone.localdate()
    assert panels.dashboard_panel(user=users["other_county"], region=county, on=today) is None
    for persona in ("committee", "resident", "outsider"):  # no coverage permission
        assert panels.dashboard_panel(user=users[persona], region=county, on=today) is None
