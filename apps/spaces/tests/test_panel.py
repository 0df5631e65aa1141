"""The spaces card of the dashboard: the region's shortfall list as on /spaces/norms/, with its
Excel export, only inside the user's scope."""

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.core.testing import CITY, COMMUNITY, COUNTY, STREET
from apps.regions.models import Region
from apps.spaces import panels, selectors

pytestmark = pytest.mark.django_db


def _panel(response):
    return next(p for p in response.context["app_panels"] if p.key == "spaces-shortfall")


def test_panel_equals_the_shortfall_page(world, client_for):
    client = client_for("county")
    dashboard = client.get(reverse("dashboard"), {"region": COUNTY})
    page = client.get(reverse("space_norms"), {"region": COUNTY})
    panel = _panel(dashboard).context
    assert (panel["total"], panel["counts"]) == (page.context["total"], page.context["counts"])
    assert panel["total"] >= 1
    html = dashboard.content.decode()
    export = f"{reverse('space_norms')}?region={COUNTY}&amp;export=xlsx"
    assert export in html and 'id="panel-spaces-shortfall"' in html
    shown = {c.pk for c, _ in panel["rows"]}
    assert shown <= {c.pk for c, _ in page.context["rows"]}


@pytest.mark.parametrize(
    ("persona", "code"), [("city", CITY), ("county", COUNTY), ("street", STREET), ("community", COMMUNITY)]
)
def test_each_official_sees_the_shortfall_of_its_own_region(world, client_for, users, persona, code):
    panel = _panel(client_for(persona).get(reverse("dashboard"))).context
    expected = selectors.shortfall_for(user=users[persona], region=code)
    assert (panel["total"], panel["counts"]) == (expected.total, expected.counts)
    assert panel["url"].endswith(f"region={code}")


def test_outside_the_scope_there_is_no_panel(world, client_for, users):
    assert client_for("other_county").get(reverse("dashboard"), {"region": COUNTY}).status_code == 404
    county = Region.objects.get(code=COUNTY)
    assert panels.dashboard_panel(user=users["other_county"], region=county, on=timezone.localdate()) is None
    assert panels.dashboard_panel(user=users["outsider"], region=county, on=timezone.localdate()) is None
