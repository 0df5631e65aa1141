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


def test_cards_count_once_per_generation_and_a_ledger_change_is_seen_at_once(
    world, users, monkeypatch, django_capture_on_commit_callbacks
):
    """The dashboard card and the home card reuse one count per scope and region; recording a
    space (through the service) makes the next card count afresh."""
    from apps.spaces import services
    from apps.spaces.tests.test_ledger import data

    calls = []
    real = selectors.norms_for
    monkeypatch.setattr(selectors, "norms_for", lambda **kw: calls.append(kw) or real(**kw))
    county = Region.objects.get(code=COUNTY)
    first = panels.dashboard_panel(user=users["county"], region=county, on=timezone.localdate())
    again = panels.dashboard_panel(user=users["county"], region=county, on=timezone.localdate())
    assert len(calls) == 1 and again.context["total"] == first.context["total"]
    with django_capture_on_commit_callbacks(execute=True):
        services.space_create(actor=None, data=data(world.compound))
    panels.dashboard_panel(user=users["county"], region=county, on=timezone.localdate())
    assert len(calls) == 2
    # another scope (the street) is counted on its own
    street = Region.objects.get(code=STREET)
    assert panels.dashboard_panel(user=users["street"], region=street, on=timezone.localdate())
    assert len(calls) == 3
