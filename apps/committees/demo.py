"""Demo step: committee rules (Shandong defaults, Heze's street-office takeover), owners'
committees — some red, some in the re-election window, one or two expired, a few with a
predecessor — temporary management committees (物管会), and instructors for some committees.
"""

from __future__ import annotations

import datetime
import math
from collections import Counter

from django.conf import settings

from apps.committees.choices import CommitteeKind, MemberPosition
from apps.committees.rules import add_years
from apps.committees.services import committee_create, rules_create
from apps.core import names
from apps.core.demo import (
    CITY_NAMES,
    GANGWAN_COMPOUND,
    HEZE,
    LINYI,
    WANTONG_COMPOUND,
    ZHONGDA_COMPOUND,
    count_line,
)
from apps.party.choices import PartyOrgKind
from apps.party.models import PartyOrg
from apps.party.services import instructor_create
from apps.regions.models import Region
from apps.registry.choices import ManagementMode
from apps.registry.models import Compound, OwnerUnit

SHANDONG = "370000"
# Share of market compounds (≥ 150 households) with an owners' committee.
COMMITTEE_SHARE = {LINYI: 0.12, HEZE: 0.15}
# Term states to show, per city: (expired, re-election window, street takeover, with predecessor).
TERM_STATES = {LINYI: (1, 5, 0, 2), HEZE: (1, 3, 2, 1)}
# The article: 港湾新城 has an owners' committee preparatory group (筹委会), no committee yet.
NO_COMMITTEE = {GANGWAN_COMPOUND}
RED_COMMITTEES = {WANTONG_COMPOUND, ZHONGDA_COMPOUND}


def seed(*, rng, today, log) -> None:
    _rules()
    log("业委会规则：山东省（默认值）、菏泽市（届满前30日由街道组织换届）")
    branch_compounds = set(
        PartyOrg.objects.filter(kind=PartyOrgKind.COMPOUND_BRANCH).values_list("compound_id", flat=True)
    )
    owners_by_compound = _owners_by_compound()
    committees, counts = _owners_committees(rng, today, branch_compounds, owners_by_compound)
    for city in (LINYI, HEZE):
        log(f"{CITY_NAMES[city]}：{count_line({k: n for (c, k), n in counts.items() if c == city})}")
    management = _management_committees(rng, today, {c.compound_id for c in committees})
    log(f"物业管理委员会（物管会）{management} 个")
    log(f"指导业委会的党建指导员 {_instructors(rng, today, committees, branch_compounds)} 名")


def _rules() -> None:
    d = settings.COMMITTEE_RULES_DEFAULT
    base = {k: d[k] for k in d if k != "street_organises_days"}
    shandong, heze = Region.objects.get(code=SHANDONG), Region.objects.get(code=HEZE)
    rules_create(
        actor=None,
        data={
            **base,
            "region": shandong,
            "street_organises_days": None,
            "source": "山东省物业管理条例第30、33条（红色业委会门槛为实践做法，可调整）",
        },
    )
    rules_create(
        actor=None,
        data={**base, "region": heze, "street_organises_days": 30, "source": "菏泽市物业管理条例第11条"},
    )


def _owners_by_compound() -> dict[int, list]:
    """Owners of the showcase compounds (the only ones with units), to staff their committees."""
    out: dict[int, list] = {}
    for link in (
        OwnerUnit.objects.filter(owner__is_developer=False)
        .select_related("owner", "unit")
        .order_by("unit__compound_id", "unit_id", "owner_id")
    ):
        owners = out.setdefault(link.unit.compound_id, [])
        if link.owner not in owners:
            owners.append(link.owner)
    return out


def _term(rng, today: datetime.date, state: str) -> tuple[datetime.date, datetime.date]:
    years = 5 if rng.random() < 0.8 else 3
    days = {
        "in_term": rng.randint(120, years * 365 - 30),
        "window": rng.randint(31, 89),
        "takeover": rng.randint(3, 29),
        "expired": -rng.randint(20, 200),
    }[state]
    end = today + datetime.timedelta(days=days)
    return add_years(end, -years), end


def _members(rng, n: int, *, red: bool, near_miss: bool, has_branch: bool, owners: list) -> list[dict]:
    half = math.ceil(n / 2)
    if red:
        cross = rng.randint(3, min(n, 5))
        party = rng.randint(max(cross, half), n)
    elif near_miss:  # three cross-appointed but party members short of half: not red
        cross, party = 3, half - 1
    else:
        party = rng.randint(0, min(2, half - 1))
        cross = rng.randint(0, min(party, 2)) if has_branch else 0
    positions = [MemberPosition.DIRECTOR] + [MemberPosition.DEPUTY] * (1 if n == 5 else 2)
    positions += [MemberPosition.MEMBER] * (n - len(positions))
    order = list(range(n))
    rng.shuffle(order)
    party_set = set(order[:party])
    # Cross-appointment starts with the director when the director is a party member.
    cross_order = sorted(party_set, key=lambda i: (i != 0, order.index(i)))[:cross]
    branch_titles = iter(["支部书记", "支部副书记"] + ["支部委员"] * n)
    people = rng.sample(owners, n) if len(owners) >= n else [None] * n
    members = []
    for i, position in enumerate(positions):
        owner = people[i]
        crossed = i in cross_order
        members.append(
            {
                "name": owner.name if owner else names.person_name(rng),
                "phone": (owner.phone if owner else "") or names.mobile(rng),
                "position": position,
                "owner": owner,
                "is_owner": True,
                "is_party_member": i in party_set,
                "cross_appointed": crossed,
                "branch_position": next(branch_titles) if crossed else "",
            }
        )
    return members


def _owners_committees(rng, today, branch_compounds: set[int], owners_by_compound) -> tuple[list, Counter]:
    created, counts = [], Counter()
    for city in (LINYI, HEZE):
        candidates = [
            c
            for c in Compound.objects.filter(
                is_generated=True, community__pk__startswith=city[:4], management_mode=ManagementMode.MARKET
            ).order_by("code")
            if c.name in RED_COMMITTEES or (c.households >= 150 and c.name not in NO_COMMITTEE)
        ]
        chosen = [c for c in candidates if c.name in RED_COMMITTEES or rng.random() < COMMITTEE_SHARE[city]]
        expired, window, takeover, successors = TERM_STATES[city]
        plain = [c for c in chosen if c.name not in RED_COMMITTEES]
        special = rng.sample(plain, expired + window + takeover + successors)
        state = {c.pk: "in_term" for c in chosen}
        for c in special[:expired]:
            state[c.pk] = "expired"
        for c in special[expired : expired + window]:
            state[c.pk] = "window"
        for c in special[expired + window : expired + window + takeover]:
            state[c.pk] = "takeover"
        with_predecessor = {c.pk for c in special[expired + window + takeover :]}
        for compound in chosen:
            n = 5 if compound.households < 400 else 7 if compound.households < 1200 else 9
            has_branch = compound.pk in branch_compounds
            red = compound.name in RED_COMMITTEES or (has_branch and rng.random() < 0.6)
            near_miss = not red and has_branch and n >= 7 and rng.random() < 0.2
            term_start, term_end = _term(rng, today, state[compound.pk])
            if compound.pk in with_predecessor:
                # The previous committee's term ended shortly before this one was elected.
                prev_end = term_start - datetime.timedelta(days=rng.randint(1, 25))
                committee_create(
                    actor=None,
                    data=_committee_data(rng, today, compound, add_years(prev_end, -5), prev_end),
                    members=_members(rng, n, red=False, near_miss=False, has_branch=has_branch, owners=[]),
                )
                counts[city, "有上一届"] += 1
            members = _members(
                rng,
                n,
                red=red,
                near_miss=near_miss,
                has_branch=has_branch,
                owners=owners_by_compound.get(compound.pk, []),
            )
            created.append(
                committee_create(
                    actor=None,
                    data=_committee_data(rng, today, compound, term_start, term_end),
                    members=members,
                )
            )
            counts[city, "业委会"] += 1
            counts[city, "红色业委会"] += red
            counts[city, "换届期内"] += state[compound.pk] in ("window", "takeover")
            counts[city, "届满未换届"] += state[compound.pk] == "expired"
    return created, counts


def _committee_data(rng, today, compound, term_start, term_end) -> dict:
    filed = term_start + datetime.timedelta(days=rng.randint(5, 25))
    return {
        "compound": compound,
        "kind": CommitteeKind.OWNERS_COMMITTEE,
        "term_start": term_start,
        "term_end": term_end,
        "elected_on": term_start,
        "filed_on": filed if filed <= today else None,
        "is_generated": True,
    }


def _management_committees(rng, today, with_committee: set[int]) -> int:
    """物管会 for some old compounds without a committee: chaired by the residents' committee,
    owners at least half of the members (Weifang 第41–44条 practice)."""
    created = 0
    for compound in Compound.objects.filter(
        is_generated=True,
        is_old=True,
        management_mode__in=[ManagementMode.SELF_MANAGED, ManagementMode.STREET_CENTRE, ManagementMode.NONE],
    ).order_by("code"):
        if compound.pk in with_committee or rng.random() > 0.2:
            continue
        start = today - datetime.timedelta(days=rng.randint(30, 500))
        members = [
            {
                "name": names.person_name(rng),
                "phone": names.mobile(rng),
                "position": MemberPosition.CHAIR,
                "is_owner": False,
                "is_party_member": True,
            }
        ] + [
            {
                "name": names.person_name(rng),
                "phone": names.mobile(rng),
                "position": MemberPosition.MEMBER,
                "is_owner": True,
                "is_party_member": rng.random() < 0.3,
            }
            for _ in range(rng.choice((2, 4)))
        ]
        committee_create(
            actor=None,
            data={
                "compound": compound,
                "kind": CommitteeKind.MANAGEMENT,
                "term_start": start,
                "term_end": add_years(start, 2),
                "elected_on": start,
                "is_generated": True,
            },
            members=members,
        )
        created += 1
    return created


def _instructors(rng, today, committees, branch_compounds: set[int]) -> int:
    """Party-building instructors for committees of compounds without a branch (work coverage)."""
    created = 0
    for city, count in ((LINYI, 6), (HEZE, 4)):
        pool = [
            c
            for c in committees
            if c.compound.community_id.startswith(city[:4])
            and c.compound_id not in branch_compounds
            and c.is_active(today)
        ]
        rng.shuffle(pool)
        for _ in range(count):
            size = rng.randint(2, 4)
            covered, pool = pool[:size], pool[size:]
            if not covered:
                break
            street = covered[0].compound.community.parent
            instructor_create(
                actor=None,
                data={
                    "name": names.person_name(rng),
                    "phone": names.mobile(rng),
                    "sending_unit": f"{street.name}党工委",
                    "region": street,
                    "committees": covered,
                    "start_date": today - datetime.timedelta(days=rng.randint(60, 900)),
                    "is_generated": True,
                },
            )
            created += 1
    return created
