"""The arithmetic of owners' joint decisions (民法典 第278条; RULES.md §1), as pure functions.

Nothing here touches the database: the web tally, `manage.py vote_tally` and `vote_verify` all
call `tally()`. Every ratio is a `fractions.Fraction`; a float never enters the count.

Counting (司法解释 第8–9条, 山东 第25条 default):
- area of a unit: registered, else surveyed, else sales-contract area (`unit_area`);
- heads: one exclusive part = one person, but all the developer's unsold/undelivered units
  together = one person, and one buyer of several units = one person (a "buyer" is the exact set
  of owners on a unit's title, so co-owners of one unit are one person, and the same couple on two
  units is still one person);
- quorum: participants hold ≥ 2/3 of the area AND are ≥ 2/3 of the heads ("以上" includes 2/3);
- approval of those taking part: items 6–8 need ≥ 3/4 of area AND heads, every other item
  strictly more than 1/2 ("过半数", 民法典 第1259条);
- an abstention takes part (it counts for quorum and in the approval base, never as yes).
The assembly's rules may count otherwise (山东 第25条): `CountingPolicy` carries each deviation.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction

YES, NO, ABSTAIN = "yes", "no", "abstain"
CHOICES = (YES, NO, ABSTAIN)
CHOICE_LABELS = {YES: "同意", NO: "反对", ABSTAIN: "弃权"}

MAJORITY = "majority"  # 双过半
THREE_QUARTERS = "three_quarters"  # 双四分之三
RULE_LABELS = {MAJORITY: "双过半", THREE_QUARTERS: "双四分之三"}

QUORUM = Fraction(2, 3)
HALF = Fraction(1, 2)
THREE_QUARTERS_SHARE = Fraction(3, 4)

# 民法典 第278条第一款 (山东 第24条): number → (matter, approval rule).
MATTERS: dict[int, tuple[str, str]] = {
    1: ("制定和修改业主大会议事规则", MAJORITY),
    2: ("制定和修改管理规约", MAJORITY),
    3: ("选举业主委员会或者更换业主委员会成员", MAJORITY),
    4: ("选聘和解聘物业服务企业或者其他管理人", MAJORITY),
    5: ("使用建筑物及其附属设施的维修资金", MAJORITY),
    6: ("筹集建筑物及其附属设施的维修资金", THREE_QUARTERS),
    7: ("改建、重建建筑物及其附属设施", THREE_QUARTERS),
    8: ("改变共有部分的用途或者利用共有部分从事经营活动", THREE_QUARTERS),
    9: ("有关共有和共同管理权利的其他重大事项", MAJORITY),
}

DEVELOPER_KEY = "开发建设单位"


class TallyError(ValueError):
    """Input the count cannot be made from; the message is Chinese and names the problem."""


def rule_for(matter: int) -> str:
    """The approval rule that follows from a matter's number in 第278条."""
    if isinstance(matter, bool) or not isinstance(matter, int) or matter not in MATTERS:
        raise TallyError(f"表决事项编号应为1至9（民法典第二百七十八条），收到：{matter!r}")
    return MATTERS[matter][1]


def to_fraction(value) -> Fraction:
    """An exact area from a Decimal, int or decimal string. Floats are refused: 0.1 is not exact."""
    if isinstance(value, bool) or isinstance(value, float):
        raise TallyError(f"面积应写成字符串或十进制数，不接受浮点数：{value!r}")
    if isinstance(value, Fraction):
        return value
    if isinstance(value, int | Decimal):
        return Fraction(value)
    if isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            raise TallyError(f"面积“{value}”不是数字") from None
        if not number.is_finite():
            raise TallyError(f"面积“{value}”不是数字")
        return Fraction(number)
    raise TallyError(f"面积格式不正确：{value!r}")


def unit_area(registered=None, surveyed=None, contract=None) -> tuple[Fraction, str]:
    """(area, basis) per 司法解释 第8条: registered, else surveyed, else contract area."""
    for basis, value in (("registered", registered), ("surveyed", surveyed), ("contract", contract)):
        if value is not None and value != "":
            return to_fraction(value), basis
    raise TallyError("该房屋没有登记面积、测绘面积或合同面积，不能列入表决名册")


@dataclass(frozen=True)
class CountingPolicy:
    """How votes are counted. The defaults are the statutory method (司法解释 第9条)."""

    developer_units_one_person: bool = True  # all unsold/undelivered units together = one person
    multi_unit_owner_one_person: bool = True  # one buyer of several units = one person
    abstention_participates: bool = True  # an abstention takes part (quorum and approval base)
    silence_follows_majority: bool = False  # NEVER a default: an explicit, audited deviation

    @property
    def deviations(self) -> list[str]:
        """Chinese descriptions of every way this policy departs from the statutory one."""
        out = []
        if not self.developer_units_one_person:
            out.append("开发建设单位未售出（未交付）的房屋每套按一人计算")
        if not self.multi_unit_owner_one_person:
            out.append("同一业主拥有多套房屋的，每套按一人计算")
        if not self.abstention_participates:
            out.append("弃权票不计入参与表决")
        if self.silence_follows_majority:
            out.append("未参与表决的业主视为同意多数意见")
        return out

    def as_dict(self) -> dict[str, bool]:
        return {
            "developer_units_one_person": self.developer_units_one_person,
            "multi_unit_owner_one_person": self.multi_unit_owner_one_person,
            "abstention_participates": self.abstention_participates,
            "silence_follows_majority": self.silence_follows_majority,
        }

    @classmethod
    def from_dict(cls, data: Mapping | None) -> CountingPolicy:
        data = data or {}
        return cls(**{k: bool(data[k]) for k in cls().as_dict() if k in data})


STATUTORY = CountingPolicy()


@dataclass(frozen=True)
class RollEntry:
    """One exclusive part on the electoral roll: its label, owners (ids or names), area."""

    unit: str
    owners: frozenset[str]
    area: Fraction
    developer: bool = False


@dataclass(frozen=True)
class Voter:
    """One person for the headcount (表决权人), holding the area of all their units."""

    key: str
    owners: frozenset[str]
    units: tuple[str, ...]
    area: Fraction


def voters_of(entries: Iterable[RollEntry], policy: CountingPolicy = STATUTORY) -> list[Voter]:
    """Group the roll's units into persons for the headcount under the policy."""
    groups: dict[str, list[RollEntry]] = {}
    owners_of: dict[str, frozenset[str]] = {}
    seen: set[str] = set()
    for entry in entries:
        if entry.unit in seen:
            raise TallyError(f"房屋“{entry.unit}”在名册中重复出现")
        seen.add(entry.unit)
        if entry.area <= 0:
            raise TallyError(f"房屋“{entry.unit}”的专有部分面积为{entry.area}，必须大于0")
        if not entry.owners and not entry.developer:
            raise TallyError(f"房屋“{entry.unit}”没有登记业主")
        if entry.developer and policy.developer_units_one_person:
            key = DEVELOPER_KEY
        elif entry.developer:
            key = entry.unit
        elif policy.multi_unit_owner_one_person and entry.owners:
            key = "、".join(sorted(entry.owners))
        else:
            key = f"{entry.unit}"
        groups.setdefault(key, []).append(entry)
        owners_of[key] = owners_of.get(key, frozenset()) | entry.owners
    return [
        Voter(
            key=key,
            owners=owners_of[key],
            units=tuple(e.unit for e in members),
            area=sum((e.area for e in members), Fraction(0)),
        )
        for key, members in groups.items()
    ]


@dataclass(frozen=True)
class Share:
    """numerator / denominator, exact; `value` is None when the denominator is zero."""

    numerator: Fraction
    denominator: Fraction

    @property
    def value(self) -> Fraction | None:
        return None if self.denominator == 0 else self.numerator / self.denominator

    def text(self) -> str:
        v = self.value
        return "—" if v is None else f"{v.numerator}/{v.denominator}"

    def percent(self) -> str:
        """For display only (two decimals, half up); the decision is taken on `value`."""
        v = self.value
        if v is None:
            return "—"
        hundredths = (v * 10000 + Fraction(1, 2)).__floor__()
        return f"{hundredths // 100}.{hundredths % 100:02d}%"


@dataclass
class Side:
    """One dimension of the count (area or heads)."""

    total: Fraction = Fraction(0)
    yes: Fraction = Fraction(0)
    no: Fraction = Fraction(0)
    abstain: Fraction = Fraction(0)
    silent_counted: Fraction = Fraction(0)  # non-voters counted under silence_follows_majority
    not_voting: Fraction = Fraction(0)
    participating: Fraction = Fraction(0)

    @property
    def participation(self) -> Share:
        return Share(self.participating, self.total)

    @property
    def approval(self) -> Share:
        return Share(self.yes, self.participating)


@dataclass
class TallyResult:
    matter: int
    rule: str
    policy: CountingPolicy
    area: Side
    heads: Side
    quorum: bool
    approved: bool
    passed: bool
    voters: int
    notes: list[str] = field(default_factory=list)

    @property
    def threshold(self) -> Fraction:
        return THREE_QUARTERS_SHARE if self.rule == THREE_QUARTERS else HALF

    def as_dict(self) -> dict:
        """The JSON shape of `manage.py vote_tally` (every ratio a "p/q" string)."""

        def side(s: Side) -> dict:
            return {
                "total": num(s.total),
                "yes": num(s.yes),
                "no": num(s.no),
                "abstain": num(s.abstain),
                "not_voting": num(s.not_voting),
                "silent_counted": num(s.silent_counted),
                "participating": num(s.participating),
                "participation": s.participation.text(),
                "participation_percent": s.participation.percent(),
                "approval": s.approval.text(),
                "approval_percent": s.approval.percent(),
            }

        return {
            "matter": self.matter,
            "matter_title": MATTERS[self.matter][0],
            "rule": RULE_LABELS[self.rule],
            "thresholds": {
                "participation": f"{QUORUM.numerator}/{QUORUM.denominator}",
                "participation_inclusive": True,
                "approval": f"{self.threshold.numerator}/{self.threshold.denominator}",
                "approval_inclusive": self.rule == THREE_QUARTERS,
            },
            "policy": self.policy.as_dict(),
            "deviations": self.policy.deviations,
            "quorum": self.quorum,
            "approved": self.approved,
            "passed": self.passed,
            "voters": self.voters,
            "area": side(self.area),
            "heads": side(self.heads),
            "notes": self.notes,
        }


def num(value: Fraction) -> str:
    """An exact amount as text: a finite decimal when it is one (areas are), else "p/q"."""
    if value.denominator == 1:
        return str(value.numerator)
    d = value.denominator
    for prime in (2, 5):
        while d % prime == 0:
            d //= prime
    if d == 1:
        digits = 0
        scaled = value
        while scaled.denominator != 1:
            scaled *= 10
            digits += 1
        text = str(abs(scaled.numerator)).rjust(digits + 1, "0")
        sign = "-" if value < 0 else ""
        return f"{sign}{text[:-digits]}.{text[-digits:]}"
    return f"{value.numerator}/{value.denominator}"


def meets(share: Share, threshold: Fraction, *, strict: bool) -> bool:
    v = share.value
    if v is None:
        return False
    return v > threshold if strict else v >= threshold


def tally(
    *,
    matter: int,
    voters: list[Voter],
    choices: Mapping[str, str],
    policy: CountingPolicy = STATUTORY,
) -> TallyResult:
    """Count one matter: `choices` maps a voter's key to yes / no / abstain (absent = not voting)."""
    rule = rule_for(matter)
    by_key = {v.key: v for v in voters}
    for key, choice in choices.items():
        if key not in by_key:
            raise TallyError(f"“{key}”不在表决名册中")
        if choice not in CHOICES:
            raise TallyError(f"“{key}”的表决意见“{choice}”无效，应为 yes、no 或 abstain")
    area, heads = Side(), Side()
    for voter in voters:
        area.total += voter.area
        heads.total += 1
        choice = choices.get(voter.key)
        for side, amount in ((area, voter.area), (heads, Fraction(1))):
            if choice == YES:
                side.yes += amount
            elif choice == NO:
                side.no += amount
            elif choice == ABSTAIN:
                side.abstain += amount
            else:
                side.not_voting += amount
    notes = []
    if policy.silence_follows_majority:
        # An explicit per-compound deviation only: the silent join a side that leads on both area
        # and heads; with no such side they stay out.
        if area.yes > area.no and heads.yes > heads.no:
            target = YES
        elif area.no > area.yes and heads.no > heads.yes:
            target = NO
        else:
            target = None
        if target:
            for side in (area, heads):
                side.silent_counted = side.not_voting
                setattr(side, target, getattr(side, target) + side.not_voting)
                side.not_voting = Fraction(0)
            notes.append(f"按本小区议事规则，未参与表决的业主计入多数意见（{CHOICE_LABELS[target]}）")
    for side in (area, heads):
        side.participating = side.yes + side.no + (side.abstain if policy.abstention_participates else 0)
    quorum = meets(area.participation, QUORUM, strict=False) and meets(
        heads.participation, QUORUM, strict=False
    )
    strict = rule == MAJORITY
    threshold = HALF if strict else THREE_QUARTERS_SHARE
    approved = meets(area.approval, threshold, strict=strict) and meets(
        heads.approval, threshold, strict=strict
    )
    if not quorum:
        notes.append("参与表决的专有部分面积或人数未达到三分之二，表决不成立")
    elif not approved:
        notes.append(f"同意票未达到{RULE_LABELS[rule]}要求，事项未通过")
    return TallyResult(
        matter=matter,
        rule=rule,
        policy=policy,
        area=area,
        heads=heads,
        quorum=quorum,
        approved=approved,
        passed=quorum and approved,
        voters=len(voters),
        notes=notes,
    )


# ------------------------------------------------------------------ the vote_tally file format
def tally_document(data) -> TallyResult:
    """Count the JSON document of `manage.py vote_tally` (issue 14, item 5):

    {"matter": 1..9, "units": [["unit", "owner", "area"], ...], "developer": "owner" | null,
     "ballots": {"owner": "yes" | "no" | "abstain"}, "policy": {...optional deviations...}}

    A unit listed on several rows with different owners has co-owners; units owned by the
    `developer` are the developer's unsold units. A ballot is given by an owner's name; a
    co-owned unit's ballot may come from any co-owner, but co-owners must not disagree.
    """
    if not isinstance(data, dict):
        raise TallyError("文件内容应为JSON对象，含 matter、units、ballots")
    missing = [k for k in ("matter", "units", "ballots") if k not in data]
    if missing:
        raise TallyError(f"文件缺少字段：{'、'.join(missing)}")
    matter = data["matter"]
    rule_for(matter)
    units = data["units"]
    if not isinstance(units, list) or not units:
        raise TallyError("units 应为非空列表，每项为 [房屋, 业主, 面积]")
    developer = data.get("developer")
    if developer is not None and not isinstance(developer, str):
        raise TallyError("developer 应为开发建设单位的名称或 null")
    rows: dict[str, dict] = {}
    for i, row in enumerate(units, start=1):
        if not isinstance(row, list) or len(row) != 3:
            raise TallyError(f"units 第{i}项应为 [房屋, 业主, 面积] 三项")
        unit, owner, raw_area = row
        if not isinstance(unit, str) or not unit.strip() or not isinstance(owner, str) or not owner.strip():
            raise TallyError(f"units 第{i}项的房屋和业主应为非空字符串")
        area = to_fraction(raw_area)
        if area <= 0:
            raise TallyError(f"units 第{i}项（{unit}）的面积为{raw_area}，必须大于0")
        slot = rows.setdefault(unit, {"owners": set(), "area": area})
        if slot["area"] != area:
            raise TallyError(f"房屋“{unit}”出现了两个不同的面积")
        slot["owners"].add(owner.strip())
    entries = []
    for unit, slot in rows.items():
        is_dev = developer is not None and developer in slot["owners"]
        if is_dev and len(slot["owners"]) > 1:
            raise TallyError(f"房屋“{unit}”同时登记了开发建设单位和其他业主")
        entries.append(
            RollEntry(unit=unit, owners=frozenset(slot["owners"]), area=slot["area"], developer=is_dev)
        )
    policy = STATUTORY
    if data.get("policy") is not None:
        if not isinstance(data["policy"], dict) or set(data["policy"]) - set(STATUTORY.as_dict()):
            raise TallyError(f"policy 只能包含：{'、'.join(STATUTORY.as_dict())}")
        policy = CountingPolicy.from_dict(data["policy"])
    voters = voters_of(entries, policy)
    ballots = data["ballots"]
    if not isinstance(ballots, dict):
        raise TallyError("ballots 应为 {业主: yes|no|abstain}")
    return tally(matter=matter, voters=voters, choices=choices_by_owner(voters, ballots), policy=policy)


def choices_by_owner(voters: list[Voter], ballots: Mapping[str, str]) -> dict[str, str]:
    """Owner-name ballots → voter-key choices (any owner of a voter may cast its ballot)."""
    voters_of_owner: dict[str, list[Voter]] = {}
    for v in voters:
        for owner in v.owners:
            voters_of_owner.setdefault(owner, []).append(v)
    choices: dict[str, str] = {}
    for owner, choice in ballots.items():
        if owner not in voters_of_owner:
            raise TallyError(f"投票人“{owner}”不在表决名册中")
        if choice not in CHOICES:
            raise TallyError(f"“{owner}”的表决意见“{choice}”无效，应为 yes、no 或 abstain")
        for v in voters_of_owner[owner]:
            if choices.setdefault(v.key, choice) != choice:
                raise TallyError(f"“{v.key}”的共有人表决意见不一致，请核对纸质选票")
    return choices
