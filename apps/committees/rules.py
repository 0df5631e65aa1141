"""Owners' committee rules (RULES.md §2) as pure functions over a rules value and a roster.

The rules applying to a compound are those of the nearest region up its tree that has a
CommitteeRules row; otherwise settings.COMMITTEE_RULES_DEFAULT (the Shandong values).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from fractions import Fraction

from django.conf import settings

from apps.committees.choices import CommitteeKind, MemberPosition
from apps.committees.models import CommitteeRules, parse_fraction


@dataclass(frozen=True)
class RulesValue:
    min_members: int
    max_members: int
    require_odd: bool
    max_term_years: int
    reelection_window_days: int
    street_organises_days: int | None
    red_min_cross_appointed: int
    red_min_party_share: Fraction
    management_min_owner_share: Fraction
    source: str = "默认（山东省物业管理条例）"


def default_rules() -> RulesValue:
    d = settings.COMMITTEE_RULES_DEFAULT
    return RulesValue(
        min_members=d["min_members"],
        max_members=d["max_members"],
        require_odd=d["require_odd"],
        max_term_years=d["max_term_years"],
        reelection_window_days=d["reelection_window_days"],
        street_organises_days=d["street_organises_days"],
        red_min_cross_appointed=d["red_min_cross_appointed"],
        red_min_party_share=parse_fraction(d["red_min_party_share"]),
        management_min_owner_share=parse_fraction(d["management_min_owner_share"]),
    )


def rules_value(row: CommitteeRules) -> RulesValue:
    return RulesValue(
        min_members=row.min_members,
        max_members=row.max_members,
        require_odd=row.require_odd,
        max_term_years=row.max_term_years,
        reelection_window_days=row.reelection_window_days,
        street_organises_days=row.street_organises_days,
        red_min_cross_appointed=row.red_min_cross_appointed,
        red_min_party_share=parse_fraction(row.red_min_party_share),
        management_min_owner_share=parse_fraction(row.management_min_owner_share),
        source=f"{row.region.name}：{row.source}" if row.source else row.region.name,
    )


def jurisdiction_chain(code: str) -> list[str]:
    """Region codes from a community code up to its province, nearest first."""
    chain = []
    if len(code) >= 12:
        chain.append(code[:12])
    if len(code) >= 9:
        chain.append(code[:9])
    chain += [code[:6], code[:4] + "00", code[:2] + "0000"]
    seen, out = set(), []
    for c in chain:
        if c not in seen:
            seen.add(c)
            out.append(c)
    return out


def rules_for(region_code: str) -> RulesValue:
    chain = jurisdiction_chain(region_code)
    rows = {
        r.region_id: r for r in CommitteeRules.objects.select_related("region").filter(region_id__in=chain)
    }
    for code in chain:
        if code in rows:
            return rules_value(rows[code])
    return default_rules()


def add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True)
class MemberFacts:
    """What the checks need to know of one member."""

    is_owner: bool
    is_party_member: bool
    cross_appointed: bool
    position: str = MemberPosition.MEMBER


def facts_of_data(members: list[dict]) -> list[MemberFacts]:
    """The facts of members given as the member form's data: a roster being recorded
    (`selectors.facts_of` reads recorded members)."""
    return [
        MemberFacts(
            is_owner=bool(m.get("is_owner", True)),
            is_party_member=bool(m.get("is_party_member", False)),
            cross_appointed=bool(m.get("cross_appointed", False)),
            position=m.get("position") or MemberPosition.MEMBER,
        )
        for m in members
    ]


@dataclass
class Findings:
    errors: list[str] = field(default_factory=list)  # block saving
    warnings: list[str] = field(default_factory=list)  # shown, do not block
    is_red: bool = False
    term_state: str = ""  # in_term / reelection_window / street_takeover / expired


def roster_errors(kind: str, members: list[MemberFacts], rules: RulesValue) -> list[str]:
    """Errors of a committee's membership that must block saving it."""
    n = len(members)
    errors = size_errors(kind, n, rules)
    if kind == CommitteeKind.OWNERS_COMMITTEE:
        if any(not m.is_owner for m in members):
            errors.append("业主委员会委员应当是本小区业主")
        if sum(1 for m in members if m.position == MemberPosition.DIRECTOR) > 1:
            errors.append("业主委员会只能有一名主任")
    elif n and Fraction(sum(1 for m in members if m.is_owner), n) < rules.management_min_owner_share:
        errors.append(f"物业管理委员会中业主代表应不少于{_fraction_text(rules.management_min_owner_share)}")
    return errors


def size_errors(kind: str, n: int, rules: RulesValue) -> list[str]:
    """The roster's size rules (part of `roster_errors`): how many members, an odd number."""
    if kind == CommitteeKind.OWNERS_COMMITTEE:
        if n < rules.min_members or n > rules.max_members:
            return [f"业主委员会委员应为{rules.min_members}至{rules.max_members}人，现为{n}人"]
        if rules.require_odd and n % 2 == 0:
            return [f"业主委员会委员人数应为单数，现为{n}人"]
        return []
    return [] if n else ["物业管理委员会至少应有一名成员"]


def is_red(members: list[MemberFacts], rules: RulesValue) -> bool:
    """红色业委会: enough cross-appointments with the branch and a high enough party share."""
    n = len(members)
    if n == 0:
        return False
    cross = sum(1 for m in members if m.cross_appointed)
    party = sum(1 for m in members if m.is_party_member)
    return cross >= rules.red_min_cross_appointed and Fraction(party, n) >= rules.red_min_party_share


def term_state(
    term_start: datetime.date,
    term_end: datetime.date,
    rules: RulesValue,
    today: datetime.date,
    successor_elected: bool = False,
) -> tuple[str, str]:
    """(state, Chinese message) of a committee's term on a day."""
    if today > term_end:
        return "expired", "任期已届满" + ("，已选出新一届" if successor_elected else "，应尽快完成换届")
    days_left = (term_end - today).days
    if (
        rules.street_organises_days is not None
        and days_left <= rules.street_organises_days
        and not successor_elected
    ):
        return (
            "street_takeover",
            f"距任期届满不足{rules.street_organises_days}日仍未选出新一届，由街道办事处组织换届选举",
        )
    if days_left <= rules.reelection_window_days:
        return (
            "reelection_window",
            f"已进入换届期（任期届满前{rules.reelection_window_days}日内），应组织换届选举",
        )
    return "in_term", "任期内"


def _fraction_text(value: Fraction) -> str:
    return "一半" if value == Fraction(1, 2) else f"{value.numerator}/{value.denominator}"
