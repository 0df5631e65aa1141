"""Writes to owners' committees and their members, with the checks of RULES.md §2.

Every function checks the actor's permission and scope itself (actor=None is the system) and
refuses with a DomainError (ForbiddenError for permission and scope), writing nothing."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from apps.committees.models import CommitteeMember, CommitteeRules, OwnersCommittee
from apps.committees.rules import facts_of_data, roster_errors, rules_for
from apps.core.errors import DomainError, ForbiddenError
from apps.core.scoping import scope_of
from apps.core.services import (
    domain_error,
    event_record,
    permission_check,
    record_create,
    scope_check,
    scoped_create,
    scoped_delete,
    scoped_update,
)


@transaction.atomic
def committee_create(*, actor, data: dict, members: list[dict]) -> OwnersCommittee:
    """Record an elected committee (or a 物管会) with its whole roster; size rules are checked here."""
    permission_check(actor=actor, perm="committees.add_ownerscommittee")
    compound = data.get("compound")
    kind = data.get("kind") or "owners_committee"
    if compound is not None:
        scope_check(actor=actor, obj=compound, message="该小区不在您的管辖范围内。")
        errors = roster_errors(kind, facts_of_data(members), rules_for(compound.community_id))
        if errors:
            raise DomainError("；".join(errors), field_errors={"__all__": errors})
    committee = scoped_create(model=OwnersCommittee, data=data, actor=actor)
    for member in members:
        _create(CommitteeMember, {**member, "committee": committee}, actor)
    return committee


def _create(model, data: dict, actor):
    try:
        return record_create(model=model, data=data, actor=actor)
    except ValidationError as exc:
        raise domain_error(exc, model) from exc


def committee_update(*, committee: OwnersCommittee, actor, data: dict) -> OwnersCommittee:
    return scoped_update(obj=committee, data=data, actor=actor)


def committee_delete(*, committee: OwnersCommittee, actor) -> None:
    scoped_delete(obj=committee, actor=actor)


NOT_AN_OWNER = "业主委员会委员应当是本小区业主"


@transaction.atomic
def member_add(*, committee: OwnersCommittee, actor, data: dict) -> CommitteeMember:
    """By-election (补选) of one member; the roster size is checked by the committee's findings."""
    permission_check(actor=actor, perm="committees.add_committeemember")
    scope_check(actor=actor, obj=committee)
    rules = rules_for(committee.compound.community_id)
    if committee.kind == "owners_committee" and committee.members.count() + 1 > rules.max_members:
        message = f"业主委员会委员不得超过{rules.max_members}人"
        raise DomainError(message, field_errors={"__all__": [message]})
    if committee.kind == "owners_committee" and not data.get("is_owner", True):
        raise DomainError(f"本小区业主：{NOT_AN_OWNER}", field_errors={"is_owner": [NOT_AN_OWNER]})
    return scoped_create(model=CommitteeMember, data={**data, "committee": committee}, actor=actor)


def member_update(*, member: CommitteeMember, actor, data: dict) -> CommitteeMember:
    permission_check(actor=actor, perm="committees.change_committeemember")
    if member.committee.kind == "owners_committee" and data.get("is_owner") is False:
        raise DomainError(f"本小区业主：{NOT_AN_OWNER}", field_errors={"is_owner": [NOT_AN_OWNER]})
    return scoped_update(obj=member, data=data, actor=actor)


def member_remove(*, member: CommitteeMember, actor) -> None:
    scoped_delete(obj=member, actor=actor)


def _check_rules_region(actor, region_code: str) -> None:
    """Rules are read down the tree but written only for the actor's own region and below."""
    if actor is not None and not scope_of(actor).contains_code(region_code or ""):
        raise ForbiddenError("只能为本辖区（及下级区划）设定业主委员会规则。")


@transaction.atomic
def rules_create(*, actor, data: dict) -> CommitteeRules:
    permission_check(actor=actor, perm="committees.add_committeerules")
    region = data.get("region")
    _check_rules_region(actor, getattr(region, "pk", region))
    return scoped_create(model=CommitteeRules, data=data, actor=actor)


@transaction.atomic
def rules_update(*, rules: CommitteeRules, actor, data: dict) -> CommitteeRules:
    permission_check(actor=actor, perm="committees.change_committeerules")
    _check_rules_region(actor, rules.region_id)
    rules = scoped_update(obj=rules, data=data, actor=actor)
    _check_rules_region(actor, rules.region_id)
    return rules


@transaction.atomic
def member_view_pii(*, members: list[CommitteeMember], actor) -> None:
    """Record that a user saw members' unmasked personal data (RULES.md §7): through the owner's
    log when the member is a registered owner, else on the member itself."""
    from apps.registry.services import owner_view_pii

    permission_check(actor=actor, perm="registry.view_owner_pii", message="您的角色无权查看未脱敏的个人信息")
    for member in members:
        scope_check(actor=actor, obj=member)
        if member.owner_id:
            owner_view_pii(owner=member.owner, actor=actor)
        else:
            event_record(actor=actor, verb="committeemember.view_pii", obj=member)
