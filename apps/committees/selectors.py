"""Reads of owners' committees with their derived state (red committee, term, roster checks)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Case, IntegerField, Prefetch, QuerySet, Value, When

from apps.committees.models import CommitteeMember, CommitteeRules, OwnersCommittee
from apps.committees.rules import MemberFacts, RulesValue, is_red, roster_errors, rules_for, term_state
from apps.core.scoping import scoped


# 主任, 副主任, 委员 — the order of the roster, not the alphabetical order of the codes.
POSITION_ORDER = Case(
    When(position="director", then=Value(0)),
    When(position="chair", then=Value(0)),
    When(position="deputy", then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def committee_list_for(*, user) -> QuerySet[OwnersCommittee]:
    return scoped(
        OwnersCommittee.objects.select_related("compound__community").prefetch_related(
            Prefetch("members", queryset=CommitteeMember.objects.order_by(POSITION_ORDER, "id"))
        ),
        user,
    )


def member_list_for(*, user) -> QuerySet[CommitteeMember]:
    return scoped(CommitteeMember.objects.select_related("committee__compound"), user)


def rules_list_for(*, user) -> QuerySet[CommitteeRules]:
    return scoped(CommitteeRules.objects.select_related("region"), user)


@dataclass
class CommitteeState:
    rules: RulesValue
    is_red: bool
    term_state: str
    term_message: str
    roster_problems: list[str]
    member_count: int
    party_members: int
    cross_appointed: int


def facts_of(members) -> list[MemberFacts]:
    return [MemberFacts(m.is_owner, m.is_party_member, m.cross_appointed, m.position) for m in members]


def committee_state(
    committee: OwnersCommittee, *, today: datetime.date, rules: RulesValue | None = None
) -> CommitteeState:
    """Everything derived about a committee on a day. Uses prefetched members when present."""
    rules = rules or rules_for(committee.compound.community_id)
    members = list(committee.members.all())
    facts = facts_of(members)
    successor = OwnersCommittee.objects.filter(
        compound_id=committee.compound_id, term_start__gt=committee.term_start
    ).exists()
    state, message = term_state(
        committee.term_start, committee.term_end, rules, today, successor_elected=successor
    )
    return CommitteeState(
        rules=rules,
        is_red=is_red(facts, rules),
        term_state=state,
        term_message=message,
        roster_problems=roster_errors(committee.kind, facts, rules),
        member_count=len(members),
        party_members=sum(1 for f in facts if f.is_party_member),
        cross_appointed=sum(1 for f in facts if f.cross_appointed),
    )


def red_committee_ids(committees, *, rules_by_code: dict[str, RulesValue] | None = None) -> set[int]:
    """Ids of red committees among prefetched committees (rules looked up once per community)."""
    cache: dict[str, RulesValue] = dict(rules_by_code or {})
    red = set()
    for c in committees:
        code = c.compound.community_id
        if code not in cache:
            cache[code] = rules_for(code)
        if is_red(facts_of(c.members.all()), cache[code]):
            red.add(c.pk)
    return red
