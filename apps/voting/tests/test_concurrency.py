"""Concurrent ballots from one owner: exactly one counts (the decision row lock serialises the
chain; the unique constraint on (matter, voter) is the last word)."""

import datetime
import threading

import pytest
from django.db import IntegrityError, connection, connections, transaction
from django.test import override_settings
from django.utils import timezone

from apps.core.errors import ConflictError
from apps.voting import services
from apps.voting.models import Ballot, RollVoter
from apps.voting.testing import build_roll

RULES = {
    "proxy_limit": 3,
    "advance_notice_days": 0,
    "publish_within_days": 3,
    "notice_period_days": 15,
    "retention_years": 10,
}


def _open(world, spec):
    roll = build_roll(world.compound, spec, tag="并发")
    with override_settings(VOTING_RULES_DEFAULT=RULES):
        d = services.decision_create(
            actor=None,
            data={
                "compound": world.compound,
                "title": "并发",
                "form": "internet",
                "opens_at": timezone.now(),
                "closes_at": timezone.now() + datetime.timedelta(days=1),
            },
            matters=[{"number": 4, "title": "续聘"}],
        )
        d = services.decision_open(decision=d, actor=None)
    return d, roll


def test_the_database_refuses_a_second_ballot(world):
    d, roll = _open(world, [("1", ["甲"], "100", None, None)])
    voter = RollVoter.objects.get(decision=d, owners=roll["owners"]["甲"])
    services.ballot_cast(
        decision=d, voter=voter, choices={d.matters.get().pk: "yes"}, actor=roll["users"]["甲"]
    )
    first = Ballot.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Ballot.objects.create(
            decision=d,
            matter=first.matter,
            voter=voter,
            choice="no",
            channel="online",
            submitted_at=timezone.now(),
            seq=99,
            prev_hash=first.hash,
            hash="x" * 64,
        )


@pytest.mark.django_db(transaction=True)
def test_concurrent_ballots_from_one_owner_one_counts(transactional_world):
    if connection.vendor != "postgresql":
        pytest.skip("row locks between threads need PostgreSQL (run with DATABASE_URL=postgres://...)")
    d, roll = _open(transactional_world, [("1", ["甲"], "100", None, None), ("2", ["乙"], "90", None, None)])
    voter = RollVoter.objects.get(decision=d, owners=roll["owners"]["甲"])
    matter = d.matters.get()
    user = roll["users"]["甲"]
    barrier = threading.Barrier(4)
    outcomes = []

    def vote(choice):
        try:
            barrier.wait()
            services.ballot_cast(decision=d, voter=voter, choices={matter.pk: choice}, actor=user)
            outcomes.append("ok")
        except ConflictError:
            outcomes.append("conflict")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=vote, args=(c,)) for c in ("yes", "no", "yes", "abstain")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict", "conflict", "conflict", "ok"]
    assert Ballot.objects.filter(voter=voter).count() == 1
    from apps.voting.selectors import decision_verify

    assert decision_verify(d).ok
