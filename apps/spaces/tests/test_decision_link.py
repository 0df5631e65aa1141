"""A space "converted with the owners' approval" linked to a passed owners' decision (voting) of
its compound: refused for another compound, a decision that did not pass, or another status."""

import pytest
from django.core.exceptions import ValidationError

from apps.programs.testing import owners_decision
from apps.spaces import services
from apps.spaces.models import PublicSpace
from apps.spaces.tests.test_ledger import data

pytestmark = pytest.mark.django_db


def converted(world, decision, **kw):
    return data(
        world.compound, status="converted", converted_use="党群活动室", owners_decision=decision, **kw
    )


def test_converted_space_links_a_passed_decision_and_shows_it(world, client_for):
    decision = owners_decision(world.compound)
    space = services.space_create(actor=world.users["county"], data=converted(world, decision))
    assert space.owners_decision_id == decision.pk and space.converted_decision == ""
    page = client_for("county").get(space.get_absolute_url()).content.decode()
    assert decision.get_absolute_url() in page and decision.title in page


def test_edit_form_offers_the_compounds_published_decisions(world, client_for):
    decision = owners_decision(world.compound)
    other = owners_decision(world.other_compound, tag="兰山")
    space = services.space_create(actor=None, data=data(world.compound))
    page = client_for("county").get(f"/spaces/{space.pk}/edit/").content.decode()
    assert decision.title in page and other.title not in page


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("other_compound", "必须是本小区"),
        ("not_passed", "尚未通过"),
        ("not_published", "尚未通过"),
        ("vacant", "只有"),
    ],
)
def test_bad_links_are_refused_and_nothing_saved(world, case, message):
    if case == "other_compound":
        decision, extra = owners_decision(world.other_compound, tag="兰山"), {}
    elif case == "not_passed":
        decision, extra = owners_decision(world.compound, passed=False), {}
    elif case == "not_published":
        decision, extra = owners_decision(world.compound, publish=False), {}
    else:
        decision, extra = owners_decision(world.compound), {}
    values = converted(world, decision, **extra)
    if case == "vacant":
        values["status"] = "vacant"
    before = PublicSpace.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.space_create(actor=None, data=values)
    assert message in exc.value.message_dict["owners_decision"][0]
    assert PublicSpace.objects.count() == before


def test_an_update_checks_the_link_too(world):
    space = services.space_create(actor=None, data=data(world.compound))
    failed = owners_decision(world.compound, passed=False)
    with pytest.raises(ValidationError):
        services.space_update(
            space=space,
            actor=None,
            data={"status": "converted", "converted_use": "活动室", "owners_decision": failed},
        )
    space.refresh_from_db()
    assert (space.status, space.owners_decision_id) == ("as_intended", None)
