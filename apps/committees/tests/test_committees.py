import datetime

import pytest
from django.urls import reverse

from apps.committees.models import OwnersCommittee
from apps.committees.rules import MemberFacts, default_rules, is_red, roster_errors, term_state
from apps.core.models import Event


def _facts(n, party=0, cross=0):
    return [MemberFacts(True, i < party, i < cross) for i in range(n)]


@pytest.mark.parametrize(
    ("n", "ok"), [(3, False), (4, False), (5, True), (6, False), (7, True), (11, True), (13, False)]
)
def test_owners_committee_size_is_5_to_11_and_odd(settings, n, ok):
    errors = roster_errors("owners_committee", _facts(n), default_rules())
    assert (errors == []) is ok


def test_management_committee_needs_half_owners():
    rules = default_rules()
    members = [MemberFacts(i < 2, False, False) for i in range(5)]
    assert roster_errors("management", members, rules) == ["物业管理委员会中业主代表应不少于一半"]
    members = [MemberFacts(i < 3, False, False) for i in range(5)]
    assert roster_errors("management", members, rules) == []


def test_red_committee_thresholds_use_exact_fractions():
    rules = default_rules()
    assert is_red(_facts(5, party=3, cross=3), rules)  # 3/5 ≥ 1/2
    assert not is_red(_facts(5, party=3, cross=2), rules)  # too few cross-appointments
    assert not is_red(_facts(7, party=3, cross=3), rules)  # 3/7 < 1/2
    assert is_red(_facts(6, party=3, cross=3), rules)  # exactly one half counts (≥)


def test_term_states():
    rules = default_rules()
    start, end = datetime.date(2022, 1, 1), datetime.date(2027, 1, 1)
    assert term_state(start, end, rules, datetime.date(2026, 6, 1))[0] == "in_term"
    assert (
        term_state(start, end, rules, datetime.date(2026, 10, 3))[0] == "reelection_window"
    )  # 90 days before
    assert term_state(start, end, rules, datetime.date(2027, 1, 2))[0] == "expired"
    heze = rules.__class__(**{**rules.__dict__, "street_organises_days": 30})
    assert term_state(start, end, heze, datetime.date(2026, 12, 5))[0] == "street_takeover"
    assert (
        term_state(start, end, heze, datetime.date(2026, 12, 5), successor_elected=True)[0]
        == "reelection_window"
    )


def _post_committee(client, compound, n, term_years=5, **extra):
    data = {
        "compound": compound.pk,
        "kind": "owners_committee",
        "term_start": "2026-01-01",
        "term_end": f"{2026 + term_years}-01-01",
        "m-TOTAL_FORMS": "7",
        "m-INITIAL_FORMS": "0",
        "m-MIN_NUM_FORMS": "0",
        "m-MAX_NUM_FORMS": "15",
        **extra,
    }
    for i in range(7):  # a browser submits the defaults of the empty rows too
        data[f"m-{i}-position"] = "member"
        data[f"m-{i}-is_owner"] = "on"
        if i < n:
            data[f"m-{i}-name"] = f"委员{i}"
    return client.post(reverse("committee_create"), data)


@pytest.mark.parametrize(
    ("n", "message"), [(4, "业主委员会委员应为5至11人，现为4人"), (6, "业主委员会委员人数应为单数，现为6人")]
)
def test_committee_form_refuses_bad_sizes_and_saves_nothing(world, client_for, n, message):
    client = client_for("community")
    before = (OwnersCommittee.objects.count(), Event.objects.count())
    response = _post_committee(client, world.compound, n)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert (OwnersCommittee.objects.count(), Event.objects.count()) == before


def test_committee_term_longer_than_five_years_is_refused(world, client_for):
    response = _post_committee(client_for("community"), world.compound, 5, term_years=6)
    assert response.status_code == 400
    assert "每届任期不得超过5年" in response.content.decode()


def test_committee_end_before_start_is_refused(world, client_for):
    response = _post_committee(client_for("community"), world.compound, 5, term_end="2025-01-01")
    assert response.status_code == 400
    assert "任期届满日期必须晚于任期开始日期" in response.content.decode()


def test_committee_election_saves_committee_and_roster(world, client_for):
    response = _post_committee(client_for("community"), world.compound, 7)
    assert response.status_code == 302
    committee = OwnersCommittee.objects.get(compound=world.compound, term_start=datetime.date(2026, 1, 1))
    assert committee.members.count() == 7
    assert Event.objects.filter(verb="committeemember.create").count() >= 7


def test_heze_rules_apply_in_heze(world):
    from apps.committees.rules import rules_for
    from apps.committees.services import rules_create
    from apps.regions.models import Region

    rules_create(
        actor=None,
        data={
            "region": Region.objects.get(code="371700"),
            "min_members": 5,
            "max_members": 11,
            "require_odd": True,
            "max_term_years": 5,
            "reelection_window_days": 90,
            "street_organises_days": 30,
            "red_min_cross_appointed": 3,
            "red_min_party_share": "1/2",
            "management_min_owner_share": "1/2",
            "source": "菏泽市物业管理条例第11条",
        },
    )
    assert rules_for("371702001001").street_organises_days == 30
    assert rules_for("371311003003").street_organises_days is None  # 罗庄区 has its own row (world)
