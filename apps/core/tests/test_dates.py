"""Years and dates of things that have happened cannot lie in the future (issue 13 item 5)."""

import datetime

import pytest
import time_machine
from django.test import override_settings

from apps.committees import services as committee_services
from apps.core.errors import DomainError
from apps.core.models import Event
from apps.party import services as party_services
from apps.party.models import PartyOrg, PartyOrgKind
from apps.registry import services as registry_services
from apps.registry.models import Compound

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 2)


def _compound_data(world, **over):
    data = {
        "name": "校验花园",
        "community": world.compound.community,
        "households": 100,
        "total_floor_area": "9000",
        "year_built": 1995,
        "is_old": True,
        "management_mode": "none",
    }
    return {**data, **over}


def _messages(exc) -> dict:
    """Field → messages: the services' DomainError carries them as `field_errors`."""
    value = exc.value
    return value.field_errors if isinstance(value, DomainError) else value.message_dict


@time_machine.travel(TODAY)
def test_build_year_in_the_future_is_refused(world):
    actor = world.users["county"]
    before = Compound.objects.count(), Event.objects.count()
    with pytest.raises(DomainError) as exc:
        registry_services.compound_create(
            actor=actor, data=_compound_data(world, year_built=2027, is_old=False)
        )
    assert _messages(exc)["year_built"] == ["建成年份不能晚于今年（2026年）"]
    assert (Compound.objects.count(), Event.objects.count()) == before
    registry_services.compound_create(actor=actor, data=_compound_data(world, year_built=2026, is_old=False))


@time_machine.travel(TODAY)
@override_settings(OLD_COMPOUND_LATEST_YEAR=2005)
def test_old_compound_flag_on_a_recent_compound_is_refused(world):
    actor = world.users["county"]
    with pytest.raises(DomainError) as exc:
        registry_services.compound_create(actor=actor, data=_compound_data(world, year_built=2015))
    assert _messages(exc)["is_old"] == ["2015年建成的小区不能标为老旧小区（老旧小区应为2005年及以前建成）"]
    registry_services.compound_create(actor=actor, data=_compound_data(world, year_built=2005))


@time_machine.travel(TODAY)
def test_compound_update_cannot_move_the_build_year_into_the_future(world):
    with pytest.raises(DomainError) as exc:
        registry_services.compound_update(
            compound=world.compound, actor=world.users["county"], data={"year_built": 2030}
        )
    assert "year_built" in _messages(exc)
    world.compound.refresh_from_db()
    assert world.compound.year_built != 2030


@time_machine.travel(TODAY)
def test_committee_dates_of_past_events_cannot_be_in_the_future(world):
    with pytest.raises(DomainError) as exc:
        committee_services.committee_update(
            committee=world.committee,
            actor=world.users["street"],
            data={"filed_on": datetime.date(2027, 1, 5), "elected_on": datetime.date(2026, 12, 20)},
        )
    assert _messages(exc)["filed_on"] == ["备案日期不能晚于今天（2026年12月2日）"]
    assert _messages(exc)["elected_on"] == ["选举（成立）日期不能晚于今天（2026年12月2日）"]


@time_machine.travel(TODAY)
def test_party_founding_date_and_rating_year_cannot_be_in_the_future(world):
    actor = world.users["city"]
    org = PartyOrg.objects.filter(kind=PartyOrgKind.COMPANY_ORG).first()
    if org is None:
        org = party_services.party_org_create(
            actor=actor,
            data={
                "name": "校验企业党支部",
                "kind": PartyOrgKind.COMPANY_ORG,
                "region": world.company.region,
                "company": world.company,
            },
        )
    with pytest.raises(DomainError) as exc:
        party_services.party_org_update(
            party_org=org, actor=actor, data={"founded_on": datetime.date(2027, 3, 1)}
        )
    assert _messages(exc)["founded_on"] == ["成立日期不能晚于今天（2026年12月2日）"]
    with pytest.raises(DomainError) as exc:
        party_services.rating_record(
            actor=actor, data={"party_org": org, "year": 2027, "stars": 4, "issuer": "市委组织部"}
        )
    assert _messages(exc)["year"] == ["年度不能晚于今年（2026年）"]
