"""Reads of owners' committees with their derived state (red committee, term, roster checks)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.db.models.lookups import GreaterThanOrEqual

from apps.committees.models import CommitteeMember, CommitteeRules, OwnersCommittee
from apps.committees.rules import (
    MemberFacts,
    RulesValue,
    default_rules,
    is_red,
    roster_errors,
    rules_for,
    rules_value,
    term_state,
)
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


def active_q(on: datetime.date, via: str = "") -> Q:
    """Q for committees in office on a day (the SQL form of OwnersCommittee.is_active)."""
    return Q(**{f"{via}term_start__lte": on, f"{via}term_end__gte": on}) & (
        Q(**{f"{via}dissolved_on__isnull": True}) | Q(**{f"{via}dissolved_on__gt": on})
    )


def with_roster_counts(queryset: QuerySet[OwnersCommittee]) -> QuerySet[OwnersCommittee]:
    """Annotate member_count, party_member_count and cross_appointed_count (scalar subqueries,
    so the queryset can still be filtered, scoped and counted without GROUP BY)."""

    def count(**filters):
        members = (
            CommitteeMember.objects.filter(committee=OuterRef("pk"), **filters)
            .order_by()
            .values("committee")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return Coalesce(Subquery(members), 0)

    return queryset.annotate(
        member_count=count(),
        party_member_count=count(is_party_member=True),
        cross_appointed_count=count(cross_appointed=True),
    )


def _red_condition(rules: RulesValue) -> Q:
    share = rules.red_min_party_share
    return (
        Q(member_count__gt=0, cross_appointed_count__gte=rules.red_min_cross_appointed)
        # party / members >= numerator / denominator, in integers (exact, like rules.is_red)
        & Q(
            GreaterThanOrEqual(
                F("party_member_count") * share.denominator, F("member_count") * share.numerator
            )
        )
    )


def red_q(via: str = "compound__community__pk") -> Q:
    """The SQL form of rules.is_red for committees annotated by `with_roster_counts`, each judged
    by the rules of its own jurisdiction: the CommitteeRules row of the nearest region up its
    tree (the longest matching code prefix), else the settings default — as rules_for does."""
    rules = {row.region.prefix: rules_value(row) for row in CommitteeRules.objects.select_related("region")}
    result = Q(pk__in=[])
    for prefix, value in rules.items():
        nearer = [p for p in rules if p != prefix and p.startswith(prefix)]
        governed = Q(**{f"{via}__startswith": prefix})
        for p in nearer:
            governed &= ~Q(**{f"{via}__startswith": p})
        result |= governed & _red_condition(value)
    uncovered = Q()
    for prefix in rules:
        uncovered &= ~Q(**{f"{via}__startswith": prefix})
    return result | (uncovered & _red_condition(default_rules()))


def home_tiles(user) -> list[dict]:
    """The home page's committee cards of the user's scope."""
    from django.urls import reverse
    from django.utils import timezone

    if not user.has_perm("committees.view_ownerscommittee"):
        return []
    today = timezone.localdate()
    committees = list(committee_list_for(user=user).filter(term_start__lte=today, term_end__gte=today))
    url = reverse("committee_list")
    return [
        {"label": "任期内业委会（物管会）", "value": len(committees), "url": url},
        {"label": "红色业委会", "value": len(red_committee_ids(committees)), "url": url},
    ]
