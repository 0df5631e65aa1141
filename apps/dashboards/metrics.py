"""What the dashboard shows, defined once for the page, the ranking table, its export and the
JSON: the three 100% targets with their gap lists, the ratio metrics and the counts.

Each metric reads a `figures.Figures` (for the region itself or for one child region), so the
page, the ranking and the API cannot disagree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

from apps.dashboards.figures import Figures, Ratio


@dataclass(frozen=True)
class Metric:
    key: str
    label: str  # the full Chinese name
    short: str  # for chart legends and narrow headers
    get: Callable[[Figures], Ratio | int]
    parts: str = ""  # what numerator/denominator count, for ratio metrics

    @property
    def is_ratio(self) -> bool:
        return bool(self.parts)


WORK_COVERAGE = Metric(
    "work_coverage",
    "物业服务企业和业主委员会党的组织和工作覆盖率",
    "党的组织和工作覆盖率",
    lambda f: f.party_work_coverage.total,
    "已覆盖/企业和业委会",
)
COMPANY_COVERAGE = Metric(
    "company_coverage",
    "物业服务企业党的组织和工作覆盖率",
    "物业企业覆盖率",
    lambda f: f.party_work_coverage.companies,
    "已覆盖/物业企业",
)
COMMITTEE_COVERAGE = Metric(
    "committee_coverage",
    "业主委员会党的组织和工作覆盖率",
    "业委会覆盖率",
    lambda f: f.party_work_coverage.committees,
    "已覆盖/任期内业委会",
)
OLD_COMPOUND_COVERAGE = Metric(
    "old_compound_coverage",
    "老旧小区物业服务覆盖率",
    "老旧小区物业服务覆盖率",
    lambda f: f.old_compound_coverage,
    "有物业服务/老旧小区",
)
RATED_COMPANY_ORGS = Metric(
    "rated_company_orgs",
    "三星级及以上物业服务企业党组织评定率",
    "三星级及以上评定率",
    lambda f: f.rated_company_orgs,
    "三星级及以上/企业党组织",
)
BRANCH_COVERAGE = Metric(
    "branch_coverage",
    "符合条件小区党支部组建率",
    "党支部组建率",
    lambda f: f.branch_coverage.ratio,
    "已建支部/符合条件小区",
)
RED_COMMITTEES = Metric(
    "red_committees", "红色业委会占比", "红色业委会占比", lambda f: f.red_committees, "红色/任期内业委会"
)

# The ratio metrics of the ranking table and the map, in this order.
RANKING_RATIOS = (WORK_COVERAGE, OLD_COMPOUND_COVERAGE, RATED_COMPANY_ORGS, BRANCH_COVERAGE, RED_COMMITTEES)
RATIOS = (*RANKING_RATIOS, COMPANY_COVERAGE, COMMITTEE_COVERAGE)

COUNTS = (
    Metric("secretaries_in_post", "在岗红领书记", "红领书记", lambda f: f.secretaries_in_post),
    Metric(
        "public_welfare_companies", "国有公益性物业企业", "公益性企业", lambda f: f.public_welfare_companies
    ),
    Metric("fallback_compounds", "公益性物业兜底小区", "兜底小区", lambda f: f.fallback.compounds),
    Metric("pairing_compounds", "大手牵小手小区", "大手牵小手", lambda f: f.pairings.compounds),
    Metric("five_star_company_orgs", "五星级企业党组织", "五星级党组织", lambda f: f.five_star_company_orgs),
)
METRICS = {m.key: m for m in (*RATIOS, *COUNTS)}


# NBS names of communities end in the committee's name; charts and tiles show the place.
SHORT_SUFFIXES = (
    ("社区居民委员会", "社区"),
    ("社区居委会", "社区"),
    ("居民委员会", "社区"),
    ("居委会", "社区"),
    ("村民委员会", "村"),
    ("村委会", "村"),
)


def short_name(name: str) -> str:
    """万通社区居民委员会 → 万通社区, 大庄村民委员会 → 大庄村; other names unchanged."""
    for suffix, replacement in SHORT_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)] + replacement
    return name


def list_url(kind: str, region_code: str) -> str:
    return f"{reverse('dashboard_list', args=[kind])}?region={region_code}"


@dataclass(frozen=True)
class Gap:
    kind: str  # the drill-down list (apps/dashboards/lists.py)
    label: str
    count: int
    url: str


@dataclass(frozen=True)
class Target:
    key: str
    label: str
    ratio: Ratio
    parts: tuple[tuple[str, Ratio], ...]
    gaps: tuple[Gap, ...]


def _missing(ratio: Ratio) -> int:
    return ratio.denominator - ratio.numerator


def targets(f: Figures, region_code: str) -> list[Target]:
    """The three 100% targets (RULES.md §3) of a region, each with the lists of what is missing."""
    companies, committees = f.party_work_coverage.companies, f.party_work_coverage.committees

    def gap(kind, label, ratio):
        return Gap(kind, label, _missing(ratio), list_url(kind, region_code))

    return [
        Target(
            WORK_COVERAGE.key,
            WORK_COVERAGE.label,
            f.party_work_coverage.total,
            (("物业企业", companies), ("业委会", committees)),
            (
                gap("companies", "未覆盖的物业企业", companies),
                gap("committees", "未覆盖的业委会", committees),
            ),
        ),
        Target(
            OLD_COMPOUND_COVERAGE.key,
            OLD_COMPOUND_COVERAGE.label,
            f.old_compound_coverage,
            (),
            (gap("old-compounds", "无物业服务的老旧小区", f.old_compound_coverage),),
        ),
        Target(
            RATED_COMPANY_ORGS.key,
            RATED_COMPANY_ORGS.label,
            f.rated_company_orgs,
            (),
            (gap("ratings", "三星级以下或未评定的企业党组织", f.rated_company_orgs),),
        ),
    ]
