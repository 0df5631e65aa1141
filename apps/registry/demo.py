"""Demo step: property companies, compounds and departments of Linyi and Heze, and the buildings,
units and owners of the article's showcase compounds (units for a whole city are the benchmark
generator's job, not the demo's).

The plan tables below fix how many of each thing a county gets; everything else (names, sizes,
years, which company serves which compound) is drawn from the step's seeded `rng`.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

from apps.core import names
from apps.core.demo import (
    ARTICLE_COMPOUNDS,
    CITY_NAMES,
    DAYUDIAN,
    GANGWAN_COMPANY,
    GANGWAN_COMPOUND,
    HEZE,
    LINYI,
    LUOZHUANG,
    LUOZHUANG_BIG_COMPANY,
    WANTONG,
    WANTONG_COMPOUND,
    YIMENG_COMMUNITY,
    YIMENG_COMPOUND,
    ZHONGDA_COMMUNITY,
    ZHONGDA_COMPOUND,
    count_line,
    county_label,
    short_community_name,
)
from apps.core.fakes import make_credit_code, make_id_number
from apps.regions.choices import RegionKind, RegionLevel
from apps.regions.models import Region
from apps.registry.choices import CompanyKind, DepartmentKind, ManagementMode, UnitKind
from apps.registry.models import Compound
from apps.registry.services import (
    building_create,
    company_create,
    compound_create,
    department_create,
    owner_create,
    owner_unit_link,
    unit_create,
)


@dataclass(frozen=True)
class CountyPlan:
    """How many companies and compounds (by management mode) a county gets."""

    public_welfare: int  # 国有公益性物业企业
    fallback: int  # old compounds backed by them (兜底)
    pairing: int  # old compounds under 大手牵小手
    street_centre: int  # old compounds served by the street property service centre
    self_managed: int  # old compounds under organised self-management
    old_market: int  # old compounds with a market company
    old_unserved: int  # old compounds with no service at all
    new: int  # newer compounds (market companies)
    market: int  # market companies registered in the county


P = CountyPlan
# Linyi: the fallback column sums to 410 and the public-welfare column to 49 (FIGURES.md).
# 罗庄区 has no unserved old compound (100% served); every other county has a few.
PLANS = {
    "371302": P(7, 79, 6, 5, 4, 10, 8, 100, 24),  # 兰山区
    "371311": P(5, 40, 8, 6, 4, 8, 0, 45, 12),  # 罗庄区
    "371312": P(5, 45, 5, 4, 3, 8, 6, 60, 14),  # 河东区
    "371321": P(4, 35, 3, 3, 3, 5, 6, 30, 8),  # 沂南县
    "371322": P(3, 20, 2, 2, 2, 3, 5, 20, 5),  # 郯城县
    "371323": P(5, 50, 4, 3, 3, 6, 7, 40, 9),  # 沂水县
    "371324": P(3, 18, 2, 2, 2, 3, 6, 15, 5),  # 兰陵县
    "371325": P(3, 20, 2, 2, 2, 3, 5, 20, 5),  # 费县
    "371326": P(3, 22, 2, 2, 2, 3, 5, 20, 5),  # 平邑县
    "371327": P(3, 22, 2, 2, 2, 3, 5, 20, 5),  # 莒南县
    "371328": P(3, 18, 2, 2, 2, 3, 4, 15, 4),  # 蒙阴县
    "371329": P(4, 35, 3, 3, 2, 4, 5, 25, 6),  # 临沭县
    "371371": P(1, 6, 1, 1, 0, 2, 2, 12, 3),  # 临沂高新技术产业开发区
    "371702": P(2, 20, 4, 4, 3, 15, 6, 170, 18),  # 牡丹区
    "371703": P(1, 8, 1, 2, 1, 5, 3, 50, 6),  # 定陶区
    "371721": P(1, 8, 1, 2, 1, 5, 3, 42, 6),  # 曹县
    "371722": P(1, 8, 1, 2, 1, 5, 3, 42, 6),  # 单县
    "371723": P(1, 5, 1, 1, 1, 3, 2, 23, 4),  # 成武县
    "371724": P(1, 6, 1, 1, 1, 4, 2, 30, 4),  # 巨野县
    "371725": P(1, 8, 1, 2, 1, 5, 3, 42, 6),  # 郓城县
    "371726": P(1, 4, 1, 1, 1, 3, 2, 20, 3),  # 鄄城县
    "371728": P(1, 5, 1, 1, 1, 3, 2, 26, 4),  # 东明县
    "371771": P(1, 12, 3, 3, 2, 10, 4, 155, 14),  # 菏泽经济技术开发区
    "371772": P(1, 4, 1, 1, 1, 3, 2, 40, 5),  # 菏泽高新技术开发区
}
# Heze: exactly this many compounds have enough resident party members for a branch (FIGURES.md).
HEZE_BRANCH_ELIGIBLE = 638

# Rough centre (latitude, longitude) of each county's built-up area, for plausible coordinates.
COUNTY_CENTRES = {
    "371302": (35.065, 118.340),
    "371311": (34.997, 118.285),
    "371312": (35.089, 118.402),
    "371321": (35.550, 118.465),
    "371322": (34.613, 118.367),
    "371323": (35.790, 118.628),
    "371324": (34.857, 118.071),
    "371325": (35.266, 117.977),
    "371326": (35.506, 117.640),
    "371327": (35.175, 118.835),
    "371328": (35.710, 117.945),
    "371329": (34.920, 118.650),
    "371371": (35.060, 118.270),
    "371702": (35.252, 115.417),
    "371703": (35.071, 115.573),
    "371721": (34.826, 115.542),
    "371722": (34.791, 116.087),
    "371723": (34.953, 115.889),
    "371724": (35.397, 116.095),
    "371725": (35.600, 115.943),
    "371726": (35.563, 115.510),
    "371728": (35.289, 115.091),
    "371771": (35.215, 115.480),
    "371772": (35.270, 115.530),
}

# Showcase compounds with buildings, units and owners: (buildings, floors, stairs, units per
# floor, lift, dwelling area range m², developer-held units, parking spaces).
SHOWCASE = {
    WANTONG_COMPOUND: (6, 6, 2, 2, False, (78, 128), 0, 0),
    YIMENG_COMPOUND: (1, 6, 3, 2, False, (55, 75), 0, 0),
    GANGWAN_COMPOUND: (4, 11, 2, 2, True, (89, 143), 12, 20),
}
GANGWAN_DEVELOPER = "菏泽港湾置业有限公司"


def seed(*, rng, today, log) -> None:
    counties = {r.code: r for r in Region.objects.filter(level=RegionLevel.COUNTY, code__in=PLANS)}
    communities = _communities(counties)
    used_companies = {LUOZHUANG_BIG_COMPANY, GANGWAN_COMPANY}
    companies = {code: _companies(rng, county, used_companies) for code, county in counties.items()}
    company_counts = Counter()
    for code, cos in companies.items():
        city = CITY_NAMES[code[:4] + "00"]
        company_counts[f"{city}公益性"] += len(cos["public_welfare"])
        company_counts[f"{city}市场化"] += len(cos["market"])
    log(f"物业企业：{count_line(company_counts)}")
    for city in (LINYI, HEZE):
        specs = _compound_specs(rng, city, counties, communities, companies)
        _assign_party_members(rng, city, specs)
        created = [compound_create(actor=None, data=spec) for spec in specs]
        modes = Counter(c.get_management_mode_display() for c in created)
        log(f"{CITY_NAMES[city]}小区 {len(created):,} 个：{count_line(dict(modes.most_common()))}")
    units = _showcase(rng, today)
    log(f"示范小区楼栋房屋：{count_line(units)}")
    log(f"职能部门 {_departments(rng, counties):,} 个")


# ------------------------------------------------------------ regions
def _communities(counties: dict[str, Region]) -> dict[str, dict[str, list[Region]]]:
    """Per county: its urban communities, and villages under a 街道 (for resettlement compounds)."""
    out: dict[str, dict[str, list[Region]]] = {code: {"urban": [], "village": []} for code in counties}
    for region in Region.objects.filter(
        level=RegionLevel.COMMUNITY, code__regex=r"^37(13|17)"
    ).select_related("parent__parent"):
        county = region.code[:6]
        if county not in out:
            continue
        if region.kind == RegionKind.URBAN_COMMUNITY:
            out[county]["urban"].append(region)
        elif region.kind == RegionKind.VILLAGE and region.parent.kind == RegionKind.STREET:
            out[county]["village"].append(region)
    return out


# ------------------------------------------------------------ companies
def _companies(rng, county: Region, used: set[str]) -> dict[str, list]:
    plan = PLANS[county.code]
    city = county.code[:4] + "00"
    label = county_label(county.name)

    def create(name: str, kind: str):
        return company_create(
            actor=None,
            data={
                "name": name,
                "credit_code": make_credit_code(rng, county.code),
                "kind": kind,
                "region": county,
                "address": names.address(rng, city=city[:4], county_name=county.name),
                "legal_representative": names.person_name(rng),
                "contact_phone": names.mobile(rng),
                "is_generated": True,
            },
        )

    public_welfare = [
        create(
            names.company_name(rng, used, city_name=CITY_NAMES[city], county_name=label, public_welfare=True),
            CompanyKind.PUBLIC_WELFARE,
        )
        for _ in range(plan.public_welfare)
    ]
    fixed = {LUOZHUANG: LUOZHUANG_BIG_COMPANY, DAYUDIAN[:6]: GANGWAN_COMPANY}
    market = []
    for i in range(plan.market):
        if i == 0 and county.code in fixed:
            name = fixed[county.code]
        else:
            name = names.company_name(
                rng, used, city_name=CITY_NAMES[city], county_name=label, public_welfare=False
            )
        market.append(create(name, CompanyKind.MARKET))
    # The first two market companies of a county are its large ones (pairing, more compounds).
    return {"public_welfare": public_welfare, "market": market, "large": market[:2]}


# ------------------------------------------------------------ compounds
OLD_MODES = (
    ("fallback", ManagementMode.FALLBACK),
    ("pairing", ManagementMode.PAIRING),
    ("street_centre", ManagementMode.STREET_CENTRE),
    ("self_managed", ManagementMode.SELF_MANAGED),
    ("old_market", ManagementMode.MARKET),
    ("old_unserved", ManagementMode.NONE),
)


def _compound_specs(rng, city: str, counties, communities, companies) -> list[dict]:
    """The compounds of one city as service input, in a stable order (showcase ones first)."""
    used: set[str] = set(ARTICLE_COMPOUNDS)
    specs = _article_compounds(rng, city, companies)
    for code in counties:
        if not code.startswith(city[:4]):
            continue
        plan, cos = PLANS[code], companies[code]
        urban, villages = communities[code]["urban"], communities[code]["village"]
        county_specs = []
        for field, mode in OLD_MODES:
            for _ in range(getattr(plan, field)):
                community = rng.choice(urban)
                place = short_community_name(community.name).removesuffix("社区")
                county_specs.append(
                    _compound(
                        rng,
                        community,
                        names.old_compound_name(rng, used, place=place, city=city[:4]),
                        old=True,
                        mode=mode,
                    )
                )
        for i in range(plan.new):
            if i == 0 and villages:
                # A resettlement compound (安置小区) in a village under a street: compounds are
                # mostly, not only, in urban communities.
                village = rng.choice(villages)
                name = short_community_name(village.name).removesuffix("村").removesuffix("社区") + "安置小区"
                if name in used:
                    name = names.new_compound_name(rng, used, city=city[:4])
                used.add(name)
                county_specs.append(_compound(rng, village, name, old=False, mode=ManagementMode.MARKET))
                continue
            community = rng.choice(urban)
            county_specs.append(
                _compound(
                    rng,
                    community,
                    names.new_compound_name(rng, used, city=city[:4]),
                    old=False,
                    mode=ManagementMode.MARKET,
                )
            )
        _assign_companies(rng, county_specs, cos)
        specs.extend(county_specs)
    return specs


def _article_compounds(rng, city: str, companies) -> list[dict]:
    """The compounds the article names; sizes follow SHOWCASE so that units match households."""

    def households(name: str) -> int | None:
        if name not in SHOWCASE:
            return None
        b, f, s, u, *_ = SHOWCASE[name]
        return b * f * s * u

    def company(name: str):
        return next(c for cos in companies.values() for c in cos["market"] if c.name == name)

    region = {
        c.code: c
        for c in Region.objects.filter(code__in=[WANTONG, YIMENG_COMMUNITY, DAYUDIAN, ZHONGDA_COMMUNITY])
    }
    if city == LINYI:
        big = company(LUOZHUANG_BIG_COMPANY)
        return [
            _compound(
                rng,
                region[WANTONG],
                WANTONG_COMPOUND,
                old=False,
                mode=ManagementMode.MARKET,
                company=big,
                households=households(WANTONG_COMPOUND),
                year=2009,
            ),
            # A single building of 36 households, unmanaged until a large company took it by the
            # hand (大手牵小手).
            _compound(
                rng,
                region[YIMENG_COMMUNITY],
                YIMENG_COMPOUND,
                old=True,
                mode=ManagementMode.PAIRING,
                company=big,
                households=households(YIMENG_COMPOUND),
                year=1996,
            ),
        ]
    return [
        _compound(
            rng,
            region[DAYUDIAN],
            GANGWAN_COMPOUND,
            old=False,
            mode=ManagementMode.MARKET,
            company=company(GANGWAN_COMPANY),
            households=households(GANGWAN_COMPOUND),
            year=2017,
        ),
        _compound(
            rng,
            region[ZHONGDA_COMMUNITY],
            ZHONGDA_COMPOUND,
            old=False,
            mode=ManagementMode.MARKET,
            company=rng.choice(companies[ZHONGDA_COMMUNITY[:6]]["large"]),
            households=households(ZHONGDA_COMPOUND),
            year=2015,
        ),
    ]


def _compound(
    rng, community: Region, name: str, *, old: bool, mode: str, company=None, households=None, year=None
) -> dict:
    if old:
        households = households or rng.choice(
            (rng.randint(24, 80), rng.randint(60, 180), rng.randint(120, 320))
        )
        # 老旧小区: mostly built before 2000; a few early-2000s ones are included by city plans.
        year = year or (rng.randint(1978, 1999) if rng.random() < 0.9 else rng.randint(2000, 2004))
        area = households * rng.uniform(55, 82)
    else:
        households = households or rng.choice(
            (rng.randint(180, 600), rng.randint(400, 1200), rng.randint(900, 2400))
        )
        year = year or rng.randint(2000, 2023)
        area = households * rng.uniform(92, 135)
    lat, lng = COUNTY_CENTRES[community.code[:6]]
    return {
        "name": name,
        "community": community,
        "address": names.address(
            rng,
            city=community.code[:4],
            county_name=community.parent.parent.name,
            street_name=community.parent.name,
        ),
        "latitude": Decimal(f"{lat + rng.gauss(0, 0.025):.6f}"),
        "longitude": Decimal(f"{lng + rng.gauss(0, 0.03):.6f}"),
        "households": households,
        "total_floor_area": Decimal(f"{area:.2f}"),
        "year_built": year,
        "is_old": old,
        "management_mode": mode,
        "company": company,
        "resident_party_members": 0,
        "is_generated": True,
    }


def _assign_companies(rng, specs: list[dict], cos: dict[str, list]) -> None:
    """Fallback compounds to the county's public-welfare companies (each backs at least one),
    pairings to its large companies, market compounds to its market companies (each serves at
    least one; the large ones serve more)."""
    by_mode = defaultdict(list)
    for spec in specs:
        by_mode[spec["management_mode"]].append(spec)
    for mode, pool, weights in (
        (ManagementMode.FALLBACK, cos["public_welfare"], None),
        (ManagementMode.PAIRING, cos["large"], None),
        (ManagementMode.MARKET, cos["market"], [4 if c in cos["large"] else 1 for c in cos["market"]]),
    ):
        targets = by_mode[mode]
        order = list(range(len(targets)))
        rng.shuffle(order)
        for n, i in enumerate(order):
            if n < len(pool):
                targets[i]["company"] = pool[n]
            else:
                targets[i]["company"] = rng.choices(pool, weights=weights)[0]


def _assign_party_members(rng, city: str, specs: list[dict]) -> None:
    """Resident party members. A compound with at least BRANCH_MIN_PARTY_MEMBERS is eligible for
    a branch; in Heze exactly HEZE_BRANCH_ELIGIBLE are (the article's 638), in Linyi about half."""
    threshold = settings.BRANCH_MIN_PARTY_MEMBERS
    if city == HEZE:
        forced = [s for s in specs if s["name"] in ARTICLE_COMPOUNDS]
        others = [s for s in specs if s["name"] not in ARTICLE_COMPOUNDS and s["households"] >= 40]
        # Weighted sample without replacement (key = u^(1/w)): newer, larger compounds first.
        keyed = sorted(
            others,
            key=lambda s: rng.random() ** (1 / (3 if not s["is_old"] else 1)),
            reverse=True,
        )
        eligible = {id(s) for s in forced + keyed[: HEZE_BRANCH_ELIGIBLE - len(forced)]}
    else:
        eligible = {
            id(s)
            for s in specs
            if s["name"] in ARTICLE_COMPOUNDS
            or (s["households"] >= 40 and rng.random() < (0.35 if s["is_old"] else 0.7))
        }
    for spec in specs:
        if id(spec) in eligible:
            spec["resident_party_members"] = max(
                threshold, round(spec["households"] * rng.uniform(0.015, 0.05))
            )
        else:
            spec["resident_party_members"] = rng.randint(0, threshold - 1)


# ------------------------------------------------------------ showcase buildings, units, owners
def _showcase(rng, today: datetime.date) -> dict[str, int]:
    counts: Counter = Counter()
    for compound in Compound.objects.filter(name__in=SHOWCASE, is_generated=True).select_related("community"):
        b_count, floors, stairs, per_floor, lift, (low, high), developer_units, parking = SHOWCASE[
            compound.name
        ]
        id_area = compound.community_id[:6]
        # The developer still holds the last units built (unsold); together they count as one
        # owner (司法解释 第9条).
        first_held = b_count * floors * stairs * per_floor - developer_units
        dwellings = []
        for b in range(1, b_count + 1):
            building = building_create(
                actor=None,
                data={"compound": compound, "name": f"{b}号楼", "floors": floors, "has_lift": lift},
            )
            counts["楼栋"] += 1
            for s in range(1, stairs + 1):
                for floor in range(1, floors + 1):
                    for k in range(1, per_floor + 1):
                        area = Decimal(f"{rng.uniform(low, high):.2f}")
                        registered = rng.random() > 0.08  # some still await registration
                        dwellings.append(
                            unit_create(
                                actor=None,
                                data={
                                    "building": building,
                                    "compound": compound,
                                    "stair": f"{s}单元",
                                    "number": f"{floor}{k:02d}",
                                    "floor": floor,
                                    "kind": UnitKind.DWELLING,
                                    "registered_area": area if registered else None,
                                    "contract_area": None if registered else area,
                                    "developer_held": len(dwellings) >= first_held,
                                },
                            )
                        )
        counts["房屋"] += len(dwellings)
        sold, held = dwellings[:first_held], dwellings[first_held:]
        if held:
            owner_create(
                actor=None,
                data={"name": GANGWAN_DEVELOPER, "is_developer": True, "is_generated": True},
                units=held,
            )
            counts["业主"] += 1
        owners = []
        i = 0
        while i < len(sold):
            unit = sold[i]
            since = _since(rng, compound.year_built, today)
            # One buyer now and then holds the neighbouring unit too (one owner, two units).
            units = [unit] + ([sold[i + 1]] if i + 1 < len(sold) and rng.random() < 0.03 else [])
            owner = owner_create(actor=None, data=_owner_data(rng, id_area), units=[])
            for u in units:
                owner_unit_link(owner=owner, unit=u, actor=None, since=since)
            owners.append(owner)
            if rng.random() < 0.04:  # co-owners (spouses)
                spouse = owner_create(actor=None, data=_owner_data(rng, id_area), units=[])
                owner_unit_link(owner=spouse, unit=unit, actor=None, since=since)
                counts["业主"] += 1
            i += len(units)
        counts["业主"] += len(owners)
        if parking:
            garage = building_create(
                actor=None, data={"compound": compound, "name": "地下车库", "floors": 1, "has_lift": lift}
            )
            counts["楼栋"] += 1
            for p in range(1, parking + 1):
                space = unit_create(
                    actor=None,
                    data={
                        "building": garage,
                        "compound": compound,
                        "number": f"P{p:03d}",
                        "floor": -1,
                        "kind": UnitKind.PARKING,
                        "registered_area": Decimal(f"{rng.uniform(12.5, 15.0):.2f}"),
                    },
                )
                owner_unit_link(
                    owner=rng.choice(owners),
                    unit=space,
                    actor=None,
                    since=_since(rng, compound.year_built, today),
                )
                counts["车位"] += 1
    return dict(counts)


def _since(rng, year_built: int, today: datetime.date) -> datetime.date:
    start = datetime.date(year_built, 6, 1)
    return start + datetime.timedelta(days=rng.randrange(0, max(1, (today - start).days)))


def _owner_data(rng, area: str) -> dict:
    # Some owners were born elsewhere in Shandong; 371324 and 371727 are historical codes
    # (苍山县, 定陶县) that stay valid on ID cards.
    area = rng.choice((area, area, area, "371302", "371324", "371727", "370102"))
    return {
        "name": names.person_name(rng),
        "phone": names.mobile(rng),
        "id_number": make_id_number(rng, area),
        "is_generated": True,
    }


# ------------------------------------------------------------ departments
def _departments(rng, counties: dict[str, Region]) -> int:
    """Functional departments of each city and county, and the street offices (街道办事处)."""
    created = 0
    for city_code in (LINYI, HEZE):
        city = Region.objects.get(code=city_code)
        c = city.name
        short = c.removesuffix("市")
        for kind, name in (
            (DepartmentKind.HOUSING, f"{c}住房和城乡建设局"),
            (DepartmentKind.URBAN_MANAGEMENT, f"{c}城市管理局"),
            (DepartmentKind.PUBLIC_SECURITY, f"{c}公安局"),
            (DepartmentKind.FIRE, f"{c}消防救援支队"),
            (DepartmentKind.POWER, f"国网{short}供电公司"),
            (DepartmentKind.WATER, f"{c}供水有限公司"),
            (DepartmentKind.GAS, f"{c}燃气有限公司"),
            (DepartmentKind.HEATING, f"{c}热力有限公司"),
        ):
            _department(rng, name, kind, city)
            created += 1
    for code, county in counties.items():
        city_name = CITY_NAMES[code[:4] + "00"]
        n = county.name
        district = county.kind == RegionKind.DISTRICT
        label = county_label(n).removeprefix(city_name.removesuffix("市"))
        for kind, name in (
            (DepartmentKind.HOUSING, f"{n}住房和城乡建设局"),
            (DepartmentKind.URBAN_MANAGEMENT, f"{n}综合行政执法局"),
            (DepartmentKind.PUBLIC_SECURITY, f"{city_name}公安局{label}分局" if district else f"{n}公安局"),
            (DepartmentKind.FIRE, f"{n}消防救援大队"),
            (DepartmentKind.POWER, f"国网{city_name}{label}供电公司" if district else f"国网{n}供电公司"),
            (DepartmentKind.WATER, f"{n}供水有限公司"),
            (DepartmentKind.GAS, f"{n}燃气有限公司"),
            (DepartmentKind.HEATING, f"{n}热力有限公司"),
        ):
            _department(rng, name, kind, county)
            created += 1
    for street in Region.objects.filter(
        level=RegionLevel.STREET, kind=RegionKind.STREET, code__regex=r"^37(13|17)"
    ).order_by("code"):
        _department(rng, f"{street.name}办事处", DepartmentKind.STREET_OFFICE, street)
        created += 1
    return created


def _department(rng, name: str, kind: str, region: Region) -> None:
    area_code = "0539" if region.code.startswith("3713") else "0530"
    department_create(
        actor=None,
        data={
            "name": name,
            "kind": kind,
            "region": region,
            "contact_phone": f"{area_code}-{rng.randint(2_000_000, 8_999_999)}",
            "is_generated": True,
        },
    )
