"""Planner capacities a county stores per company (PlannerCapacity): the service with its audit
event and refusals, the per-jurisdiction default, the page, and the planner reading them."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse

from apps.core.errors import ForbiddenError
from apps.core.models import Event
from apps.core.testing import COUNTY, OTHER_COUNTY
from apps.programs import planner, selectors, services
from apps.programs.models import PlannerCapacity
from apps.regions.models import Region

pytestmark = pytest.mark.django_db


@pytest.fixture
def county():
    return Region.objects.get(code=COUNTY)


def _set(prog, county, values, actor="county"):
    return services.planner_capacities_set(county=county, values=values, actor=prog.users[actor])


def test_stored_capacity_is_audited_and_read_by_the_planner(prog, county):
    company = prog.world.company
    assert _set(prog, county, {company.pk: "5"}) == 1
    row = PlannerCapacity.objects.get(county=county, company=company)
    assert row.capacity == 5
    event = Event.objects.get(verb="plannercapacity.create", object_id=str(row.pk))
    assert event.actor == prog.users["county"] and event.region_code == COUNTY
    assert event.changes["capacity"] == [None, 5]
    _, adopters = planner.inputs_for_county(COUNTY, on=datetime.date.today())
    assert {a.id: a.capacity for a in adopters}[company.pk] == 5
    # unchanged → nothing written; changed → an update event; empty → back to the default
    assert _set(prog, county, {company.pk: 5}) == 0
    assert _set(prog, county, {company.pk: "2"}) == 1
    assert Event.objects.filter(verb="plannercapacity.update", object_id=str(row.pk)).count() == 1
    assert _set(prog, county, {company.pk: ""}) == 1
    assert not PlannerCapacity.objects.exists()
    assert Event.objects.filter(verb="plannercapacity.delete", object_id=str(row.pk)).exists()
    _, adopters = planner.inputs_for_county(COUNTY)
    assert {a.id: a.capacity for a in adopters}[company.pk] == selectors.default_capacity(COUNTY) == 3


def test_the_stored_capacity_limits_the_proposal(prog, county):
    from apps.registry.services import compound_update

    compound_update(
        compound=prog.world.compound,
        actor=None,
        data={"latitude": Decimal("35.001"), "longitude": Decimal("118.281")},
    )
    assert planner.plan_for_county(COUNTY).assigned  # 沂蒙学院家属院 → the world's company
    # the company already serves no pairing; capacity 1 still leaves one slot …
    _set(prog, county, {prog.world.company.pk: 1})
    assert len(planner.plan_for_county(COUNTY).assigned) == 1


@override_settings(PLANNER_DEFAULT_CAPACITY=3, PLANNER_CAPACITY_BY_REGION={"3713": 4, "371311": 6})
def test_default_capacity_is_per_jurisdiction_nearest_first():
    assert selectors.default_capacity(COUNTY) == 6  # 罗庄区's own
    assert selectors.default_capacity(OTHER_COUNTY) == 4  # 临沂市's
    assert selectors.default_capacity("371702") == 3  # 菏泽: the setting


@pytest.mark.parametrize("bad", ["0", "-1", "abc", "1.5", 0, -2])
def test_capacity_must_be_a_positive_whole_number_and_nothing_is_saved(prog, county, bad):
    from apps.programs.tests.conftest import _company

    other = _company("罗庄区第二物业有限公司", "market", COUNTY, 103)
    with pytest.raises(ValidationError) as exc:
        _set(prog, county, {other.pk: "4", prog.world.company.pk: bad})
    message = exc.value.message_dict[f"cap_{prog.world.company.pk}"][0]
    assert "帮扶容量必须是正整数" in message and prog.world.company.name in message
    assert not PlannerCapacity.objects.exists()  # the valid row of the same call is not saved either


def test_capacity_of_a_company_outside_the_county_is_refused(prog, county):
    with pytest.raises(ValidationError) as exc:
        _set(prog, county, {prog.world.other_company.pk: "2"})
    assert "不是本县区" in exc.value.message_dict[f"cap_{prog.world.other_company.pk}"][0]


@pytest.mark.parametrize("persona", ["street", "community", "company", "resident", "other_county", "city"])
def test_only_the_county_sets_its_capacities(prog, county, persona):
    with pytest.raises(ForbiddenError):
        _set(prog, county, {prog.world.company.pk: "2"}, actor=persona)
    assert not PlannerCapacity.objects.exists()


def test_capacity_page_saves_and_shows_errors(prog, client_for):
    url = f"{reverse('planner_capacities')}?county={COUNTY}"
    client = client_for("county")
    page = client.get(url)
    assert page.status_code == 200 and prog.world.company.name in page.content.decode()
    key = f"cap_{prog.world.company.pk}"
    bad = client.post(url, {"county": COUNTY, key: "0"})
    assert bad.status_code == 400 and "帮扶容量必须是正整数" in bad.content.decode()
    assert not PlannerCapacity.objects.exists()
    ok = client.post(url, {"county": COUNTY, key: "4"})
    assert ok.status_code == 302 and ok["Location"].startswith(reverse("pairing_planner"))
    assert PlannerCapacity.objects.get().capacity == 4
    planner_page = client.get(ok["Location"]).content.decode()
    assert "设置容量" in planner_page


@pytest.mark.parametrize(("persona", "status"), [("other_county", 403), ("street", 403), ("outsider", 403)])
def test_capacity_page_refuses_other_roles(prog, client_for, persona, status):
    url = f"{reverse('planner_capacities')}?county={COUNTY}"
    client = client_for(persona)
    assert client.get(url).status_code == status
    assert client.post(url, {"county": COUNTY, f"cap_{prog.world.company.pk}": "4"}).status_code == status
    assert not PlannerCapacity.objects.exists()


def test_capacity_rows_are_scoped_by_county_and_company(prog, county):
    from apps.core.scoping import scoped

    _set(prog, county, {prog.world.company.pk: "2"})
    other_county = Region.objects.get(code=OTHER_COUNTY)
    _set(prog, other_county, {prog.world.other_company.pk: "5"}, actor="other_county")
    own, other = PlannerCapacity.objects.get(county=county), PlannerCapacity.objects.get(county=other_county)
    expected = {
        "city": {own.pk, other.pk},
        "county": {own.pk},
        "other_county": {other.pk},
        "company": {own.pk},
        "street": set(),
        "resident": set(),
        "outsider": set(),
    }
    for persona, rows in expected.items():
        assert (
            set(scoped(PlannerCapacity.objects.all(), prog.users[persona]).values_list("pk", flat=True))
            == rows
        )


def test_demo_capacities_are_idempotent(prog):
    from apps.programs.demo import seed_planner_capacities

    first = seed_planner_capacities(log=lambda *_: None)
    assert first == PlannerCapacity.objects.filter(county_id=COUNTY).count() >= 1
    assert seed_planner_capacities(log=lambda *_: None) == 0
