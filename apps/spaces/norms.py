"""The space norms of RULES.md §6 as pure functions over a rules value and a compound's spaces.

Exact decimal arithmetic throughout; "不低于/不少于/以上" count the boundary as met. The rules of a
compound are those of the nearest region up its tree that has a SpaceRules row, else
settings.SPACE_RULES_DEFAULT (Shandong/Heze values).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings

from apps.spaces.choices import RoomType, SpaceKind

CENT = Decimal("0.01")
THOUSAND = Decimal(1000)
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class SpaceRulesValue:
    property_permille_min: Decimal
    property_permille_max: Decimal
    property_min_area: Decimal
    committee_office_min_area: Decimal
    government_min_area: Decimal
    community_area_per_100_households: Decimal
    min_clear_height: Decimal
    max_floor_without_lift: int
    source: str = "默认（山东省物业管理条例第12–13条、菏泽市物业管理条例第17条）"


def default_rules() -> SpaceRulesValue:
    d = settings.SPACE_RULES_DEFAULT
    return SpaceRulesValue(
        property_permille_min=Decimal(str(d["property_permille_min"])),
        property_permille_max=Decimal(str(d["property_permille_max"])),
        property_min_area=Decimal(str(d["property_min_area"])),
        committee_office_min_area=Decimal(str(d["committee_office_min_area"])),
        government_min_area=Decimal(str(d["government_min_area"])),
        community_area_per_100_households=Decimal(str(d["community_area_per_100_households"])),
        min_clear_height=Decimal(str(d["min_clear_height"])),
        max_floor_without_lift=int(d["max_floor_without_lift"]),
    )


def rules_value(row) -> SpaceRulesValue:
    return SpaceRulesValue(
        property_permille_min=row.property_permille_min,
        property_permille_max=row.property_permille_max,
        property_min_area=row.property_min_area,
        committee_office_min_area=row.committee_office_min_area,
        government_min_area=row.government_min_area,
        community_area_per_100_households=row.community_area_per_100_households,
        min_clear_height=row.min_clear_height,
        max_floor_without_lift=row.max_floor_without_lift,
        source=f"{row.region.name}：{row.source}" if row.source else row.region.name,
    )


def jurisdiction_chain(code: str) -> list[str]:
    """Region codes from a community code up to its province, nearest first."""
    chain = [c for c in (code[:12] if len(code) >= 12 else "", code[:9] if len(code) >= 9 else "") if c]
    chain += [code[:6], code[:4] + "00", code[:2] + "0000"]
    out: list[str] = []
    for c in chain:
        if c not in out:
            out.append(c)
    return out


class RulesBook:
    """All SpaceRules rows loaded once; `for_code` resolves a community's rules without a query."""

    def __init__(self):
        from apps.spaces.models import SpaceRules

        self.rows = {r.region_id: rules_value(r) for r in SpaceRules.objects.select_related("region")}
        self.default = default_rules()
        self._cache: dict[str, SpaceRulesValue] = {}

    def for_code(self, code: str) -> SpaceRulesValue:
        if code not in self._cache:
            self._cache[code] = next(
                (self.rows[c] for c in jurisdiction_chain(code) if c in self.rows), self.default
            )
        return self._cache[code]


def rules_for(region_code: str) -> SpaceRulesValue:
    return RulesBook().for_code(region_code)


# ------------------------------------------------------------------ one space
@dataclass(frozen=True)
class SpaceFacts:
    """What the norms need to know of one space."""

    kind: str
    floor_area: Decimal
    clear_height: Decimal
    floor: int
    above_ground: bool = True
    has_lift: bool = False
    is_residential: bool = False
    room_type: str = RoomType.ROOM
    name: str = ""


def exclusion_reasons(space: SpaceFacts, rules: SpaceRulesValue) -> list[str]:
    """Why a property-service (or committee) room does not count (菏泽 第17条); [] = it counts."""
    reasons = []
    if space.room_type != RoomType.ROOM:
        reasons.append(f"{RoomType(space.room_type).label}不得计入")
    if not space.above_ground:
        reasons.append("应为地面以上房屋")
    if space.is_residential:
        reasons.append("应为非居住房屋")
    if space.clear_height < rules.min_clear_height:
        reasons.append(f"室内层高{space.clear_height}m不足{rules.min_clear_height}m")
    if not space.has_lift and space.floor > rules.max_floor_without_lift:
        reasons.append(f"无电梯，所在楼层{space.floor}层高于{rules.max_floor_without_lift}层")
    return reasons


# ------------------------------------------------------------------ a compound
@dataclass(frozen=True)
class NormResult:
    code: str  # property_area / committee_office / government / community
    label: str
    required: Decimal
    actual: Decimal
    met: bool
    gap: Decimal  # how much is missing (0 when met)
    note: str = ""

    @property
    def text(self) -> str:
        if self.met:
            return f"达标（{self.actual}㎡ ≥ {self.required}㎡）"
        return f"缺{self.gap}㎡（现{self.actual}㎡，应≥{self.required}㎡）"


@dataclass
class CompoundNorms:
    results: list[NormResult]
    excluded: list[tuple[str, list[str]]] = field(default_factory=list)  # (space name, reasons)
    rules: SpaceRulesValue | None = None

    @property
    def met(self) -> bool:
        return all(r.met for r in self.results)

    @property
    def missed(self) -> list[NormResult]:
        return [r for r in self.results if not r.met]

    def by_code(self, code: str) -> NormResult:
        return next(r for r in self.results if r.code == code)


def _q(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _result(code, label, required: Decimal, actual: Decimal, note="") -> NormResult:
    # Compare exactly; show to the cent. A requirement is rounded up only for display.
    met = actual >= required
    gap = Decimal(0) if met else required - actual
    return NormResult(code, label, _q(required), _q(actual), met, _q(gap) if gap else Decimal("0.00"), note)


def property_required(total_floor_area: Decimal, rules: SpaceRulesValue) -> Decimal:
    """3‰ of the total floor area, and at least 100 m² (山东 第12条; 菏泽 第17条)."""
    return max(total_floor_area * rules.property_permille_min / THOUSAND, rules.property_min_area)


def community_required(households: int, rules: SpaceRulesValue) -> Decimal:
    """30 m² per 100 households, pro rata (national plan 2022)."""
    return Decimal(households) * rules.community_area_per_100_households / HUNDRED


def check_compound(
    *, total_floor_area: Decimal, households: int, spaces: list[SpaceFacts], rules: SpaceRulesValue
) -> CompoundNorms:
    """Every norm of §6 for one compound: met or missed, and by how much."""
    excluded: list[tuple[str, list[str]]] = []
    property_area = Decimal(0)
    committee_area = Decimal(0)
    government_area = Decimal(0)
    community_area = Decimal(0)
    for s in spaces:
        if s.kind in (SpaceKind.PROPERTY_SERVICE, SpaceKind.COMMITTEE_OFFICE):
            reasons = exclusion_reasons(s, rules)
            if reasons:
                excluded.append((s.name, reasons))
                continue
            property_area += s.floor_area  # the committee office comes out of the property rooms
            if s.kind == SpaceKind.COMMITTEE_OFFICE:
                committee_area += s.floor_area
        elif s.kind == SpaceKind.GOVERNMENT:
            government_area += s.floor_area
        elif s.kind in (SpaceKind.COMMUNITY, SpaceKind.PARTY_CENTRE):
            community_area += s.floor_area
    upper = total_floor_area * rules.property_permille_max / THOUSAND
    note = (
        f"超过{rules.property_permille_max}‰上限（{_q(upper)}㎡）"
        if property_area > max(upper, rules.property_min_area)
        else ""
    )
    results = [
        _result(
            "property_area",
            f"物业服务用房（{rules.property_permille_min}‰–{rules.property_permille_max}‰，且不少于{rules.property_min_area}㎡）",
            property_required(total_floor_area, rules),
            property_area,
            note,
        ),
        _result(
            "committee_office",
            f"业委会办公用房（从物业服务用房中调剂，不少于{rules.committee_office_min_area}㎡）",
            rules.committee_office_min_area,
            committee_area,
        ),
        _result(
            "government",
            f"政务管理用房（不少于{rules.government_min_area}㎡）",
            rules.government_min_area,
            government_area,
        ),
        _result(
            "community",
            f"社区服务设施（每百户不少于{rules.community_area_per_100_households}㎡）",
            community_required(households, rules),
            community_area,
        ),
    ]
    return CompoundNorms(results=results, excluded=excluded, rules=rules)


NORM_CODES = ("property_area", "committee_office", "government", "community")
NORM_LABELS = {
    "property_area": "物业服务用房",
    "committee_office": "业委会办公用房",
    "government": "政务管理用房",
    "community": "社区服务设施",
}
