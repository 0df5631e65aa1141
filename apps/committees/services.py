"""Writes to owners' committees and their members, with the checks of RULES.md §2."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from apps.committees.models import CommitteeMember, CommitteeRules, OwnersCommittee
from apps.committees.rules import MemberFacts, roster_errors, rules_for
from apps.core.services import record_create, record_delete, record_update


def _facts(members: list[dict]) -> list[MemberFacts]:
    return [
        MemberFacts(
            is_owner=bool(m.get("is_owner", True)),
            is_party_member=bool(m.get("is_party_member", False)),
            cross_appointed=bool(m.get("cross_appointed", False)),
            position=m.get("position") or "member",
        )
        for m in members
    ]


@transaction.atomic
def committee_create(*, actor, data: dict, members: list[dict]) -> OwnersCommittee:
    """Record an elected committee (or a 物管会) with its whole roster; size rules are checked here."""
    compound = data.get("compound")
    kind = data.get("kind") or "owners_committee"
    if compound is not None:
        errors = roster_errors(kind, _facts(members), rules_for(compound.community_id))
        if errors:
            raise ValidationError({"__all__": errors})
    committee = record_create(model=OwnersCommittee, data=data, actor=actor)
    for member in members:
        record_create(model=CommitteeMember, data={**member, "committee": committee}, actor=actor)
    return committee


def committee_update(*, committee: OwnersCommittee, actor, data: dict) -> OwnersCommittee:
    return record_update(obj=committee, data=data, actor=actor)


def committee_delete(*, committee: OwnersCommittee, actor) -> None:
    record_delete(obj=committee, actor=actor)


def member_add(*, committee: OwnersCommittee, actor, data: dict) -> CommitteeMember:
    """By-election (补选) of one member; the roster size is checked by the committee's findings."""
    rules = rules_for(committee.compound.community_id)
    if committee.kind == "owners_committee" and committee.members.count() + 1 > rules.max_members:
        raise ValidationError({"__all__": [f"业主委员会委员不得超过{rules.max_members}人"]})
    if committee.kind == "owners_committee" and not data.get("is_owner", True):
        raise ValidationError({"is_owner": ["业主委员会委员应当是本小区业主"]})
    return record_create(model=CommitteeMember, data={**data, "committee": committee}, actor=actor)


def member_update(*, member: CommitteeMember, actor, data: dict) -> CommitteeMember:
    if member.committee.kind == "owners_committee" and data.get("is_owner") is False:
        raise ValidationError({"is_owner": ["业主委员会委员应当是本小区业主"]})
    return record_update(obj=member, data=data, actor=actor)


def member_remove(*, member: CommitteeMember, actor) -> None:
    record_delete(obj=member, actor=actor)


def rules_create(*, actor, data: dict) -> CommitteeRules:
    return record_create(model=CommitteeRules, data=data, actor=actor)


def rules_update(*, rules: CommitteeRules, actor, data: dict) -> CommitteeRules:
    return record_update(obj=rules, data=data, actor=actor)


@transaction.atomic
def member_view_pii(*, members: list[CommitteeMember], actor) -> None:
    """Record that a user saw members' unmasked personal data (RULES.md §7): through the owner's
    log when the member is a registered owner, else on the member itself."""
    from apps.core.services import event_record
    from apps.registry.services import owner_view_pii

    for member in members:
        if member.owner_id:
            owner_view_pii(owner=member.owner, actor=actor)
        else:
            event_record(actor=actor, verb="committeemember.view_pii", obj=member)
