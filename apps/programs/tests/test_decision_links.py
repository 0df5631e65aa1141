"""A pairing's market contract linked to a passed owners' decision of the same compound (voting)."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from apps.programs import services
from apps.programs.models import PairingAgreement
from apps.programs.testing import owners_decision
from apps.programs.tests.test_pairing import make_pairing

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def signed_pairing(prog):
    p = make_pairing(prog, start_date=D(2023, 3, 1))
    return services.pairing_sign(pairing=p, actor=prog.users["company"])


def test_market_contract_links_a_passed_decision_and_shows_it(prog, signed_pairing, client_for):
    decision = owners_decision(prog.unserved)
    services.pairing_outcome_record(
        pairing=signed_pairing,
        outcome="market_contract",
        actor=prog.users["county"],
        on=D(2026, 3, 1),
        decision=decision,
    )
    p = PairingAgreement.objects.get(pk=signed_pairing.pk)
    assert p.owners_decision_id == decision.pk and p.status == "concluded"
    page = client_for("county").get(p.get_absolute_url()).content.decode()
    assert decision.get_absolute_url() in page and decision.title in page


def test_outcome_form_offers_the_passed_decisions_and_saves_the_link(prog, signed_pairing, client_for):
    decision = owners_decision(prog.unserved)
    failed = owners_decision(prog.unserved, passed=False, tag="否决")
    client = client_for("county")
    page = client.get(signed_pairing.get_absolute_url()).content.decode()
    assert decision.title in page and failed.title not in page
    client.post(
        f"/programs/pairings/{signed_pairing.pk}/outcome/",
        {"outcome": "market_contract", "on": "2026-03-01", "owners_decision": str(decision.pk)},
    )
    assert PairingAgreement.objects.get(pk=signed_pairing.pk).owners_decision_id == decision.pk


def _refused(prog, pairing, decision, outcome="market_contract"):
    with pytest.raises(ValidationError) as exc:
        services.pairing_outcome_record(
            pairing=pairing, outcome=outcome, actor=prog.users["county"], on=D(2026, 3, 1), decision=decision
        )
    p = PairingAgreement.objects.get(pk=pairing.pk)
    assert (p.status, p.outcome, p.owners_decision_id) == ("signed", "", None)  # nothing saved
    return exc.value.message_dict["owners_decision"][0]


def test_a_decision_of_another_compound_is_refused(prog, signed_pairing):
    other = owners_decision(prog.world.compound, tag="他处")
    assert "必须是本小区" in _refused(prog, signed_pairing, other)


def test_a_decision_that_did_not_pass_is_refused(prog, signed_pairing):
    assert "尚未通过" in _refused(prog, signed_pairing, owners_decision(prog.unserved, passed=False))


def test_a_decision_not_yet_published_is_refused(prog, signed_pairing):
    assert "尚未通过" in _refused(prog, signed_pairing, owners_decision(prog.unserved, publish=False))


def test_only_the_market_contract_takes_a_decision(prog, signed_pairing):
    message = _refused(prog, signed_pairing, owners_decision(prog.unserved), outcome="extended")
    assert "只有“签订市场化物业服务合同”" in message
