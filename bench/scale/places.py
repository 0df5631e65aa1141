"""Places of a scale data set: regions (the real divisions of Linyi and Heze; generated
counties, streets and communities for the other cities of Shandong, `source = "generated"`),
property companies, departments, compounds, buildings and units (专有部分)."""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.utils import timezone

from apps.core.fakes import make_credit_code
from apps.regions.choices import RegionKind, RegionLevel
from apps.regions.models import Region
from apps.registry.choices import CompanyKind, DepartmentKind, ManagementMode
from apps.registry.models import Department, PropertyCompany
from bench.scale.bulk import Progress, copy_rows, loading, next_ids

GENERATED_SOURCE = "generated"
LINYI, HEZE = "371300", "371700"
# The other cities of Shandong (GB/T 2260 codes and names); their divisions are generated.
OTHER_CITIES = {
    "370100": "济南市",
    "370200": "青岛市",
    "370300": "淄博市",
    "370400": "枣庄市",
    "370500": "东营市",
    "370600": "烟台市",
    "370700": "潍坊市",
    "370800": "济宁市",
    "370900": "泰安市",
    "371000": "威海市",
    "371100": "日照市",
    "371400": "德州市",
    "371500": "聊城市",
    "371600": "滨州市",
}
GEN_COUNTIES, GEN_STREETS, GEN_COMMUNITIES = 10, 12, 16  # per city, county, street


@dataclass
class Places:
    """What the order generator needs, as plain lists and dicts (no ORM objects)."""

    compounds: list[tuple[int, str, int | None]] = field(default_factory=list)  # (id, community, company)
    weights: list[int] = field(default_factory=list)  # households, for choosing a compound
    street_office: dict[str, int] = field(default_factory=dict)  # street code → department id
    county_department: dict[tuple[str, str], int] = field(default_factory=dict)  # (county, kind) → id
    units: int = 0


def ensure_regions(*, cities: list[str], log) -> None:
    """Load the real divisions if missing; generate the other cities' divisions if asked."""
    from pathlib import Path

    from django.conf import settings

    from apps.regions.services import regions_load

    if not Region.objects.filter(code=LINYI).exists():
        text = (Path(settings.BASE_DIR) / "data" / "divisions_linyi_heze.csv").read_text(encoding="utf-8")
        report = regions_load(text=text, actor=None, source_name="divisions_linyi_heze.csv")
        log(f"区划：载入临沂、菏泽 {report.created:,} 条")
    wanted = [c for c in cities if c in OTHER_CITIES and not Region.objects.filter(code=c).exists()]
    rows = []
    for city in wanted:
        rows.append(
            Region(
                code=city,
                name=OTHER_CITIES[city],
                level=RegionLevel.CITY,
                kind=RegionKind.CITY,
                parent_id="370000",
                source=GENERATED_SOURCE,
            )
        )
        short = OTHER_CITIES[city].removesuffix("市")
        for k in range(1, GEN_COUNTIES + 1):
            county = f"{city[:4]}{k:02d}"
            rows.append(
                Region(
                    code=county,
                    name=f"{short}第{k}区（生成）",
                    level=RegionLevel.COUNTY,
                    kind=RegionKind.DISTRICT,
                    parent_id=city,
                    source=GENERATED_SOURCE,
                )
            )
            for s in range(1, GEN_STREETS + 1):
                street = f"{county}{s:03d}"
                rows.append(
                    Region(
                        code=street,
                        name=f"{short}{k}区第{s}街道（生成）",
                        level=RegionLevel.STREET,
                        kind=RegionKind.STREET,
                        parent_id=county,
                        source=GENERATED_SOURCE,
                    )
                )
                for m in range(1, GEN_COMMUNITIES + 1):
                    rows.append(
                        Region(
                            code=f"{street}{m:03d}",
                            name=f"{short}{k}区{s}街道第{m}社区（生成）",
                            level=RegionLevel.COMMUNITY,
                            kind=RegionKind.URBAN_COMMUNITY,
                            parent_id=street,
                            source=GENERATED_SOURCE,
                        )
                    )
    if rows:
        Region.objects.bulk_create(rows, batch_size=5000)
        log(f"区划：生成 {len(wanted)} 个市的县区、街道、社区 {len(rows):,} 条（source=generated）")


def _counties(cities: list[str]) -> list[str]:
    return list(
        Region.objects.filter(
            level=RegionLevel.COUNTY, code__regex=r"^(" + "|".join(c[:4] for c in cities) + ")"
        )
        .order_by("code")
        .values_list("code", flat=True)
    )


def ensure_units_of_work(*, rng: random.Random, cities: list[str], log) -> dict:
    """Property companies per county (12 market + 1 public-welfare), a street office per street,
    housing / urban-management / water departments per county. Marked generated."""
    counties = _counties(cities)
    have = set(
        PropertyCompany.objects.filter(is_generated=True, region_id__in=counties).values_list(
            "region_id", flat=True
        )
    )
    used = set(PropertyCompany.objects.values_list("credit_code", flat=True))
    new = []
    for county in counties:
        if county in have:
            continue
        for i in range(13):
            kind = CompanyKind.PUBLIC_WELFARE if i == 12 else CompanyKind.MARKET
            code = make_credit_code(rng, county)
            while code in used:
                code = make_credit_code(rng, county)
            used.add(code)
            name = f"{county}号{'公益' if i == 12 else ''}物业服务有限公司{i + 1}（生成）"
            new.append(
                PropertyCompany(name=name, credit_code=code, kind=kind, region_id=county, is_generated=True)
            )
    PropertyCompany.objects.bulk_create(new, batch_size=2000)
    streets = list(
        Region.objects.filter(level=RegionLevel.STREET, parent_id__in=counties).values_list("code", "name")
    )
    existing = set(Department.objects.values_list("region_id", "name"))
    deps = []
    for code, name in streets:
        dep_name = f"{name}办事处" if not name.endswith("办事处") else name
        if (code, dep_name) not in existing:
            deps.append(
                Department(
                    name=dep_name, kind=DepartmentKind.STREET_OFFICE, region_id=code, is_generated=True
                )
            )
    for county in counties:
        for kind, label in (
            (DepartmentKind.HOUSING, "住房和城乡建设局"),
            (DepartmentKind.URBAN_MANAGEMENT, "综合行政执法局"),
            (DepartmentKind.WATER, "供水公司"),
        ):
            dep_name = f"{county}{label}（生成）"
            if (county, dep_name) not in existing:
                deps.append(Department(name=dep_name, kind=kind, region_id=county, is_generated=True))
    Department.objects.bulk_create(deps, batch_size=2000)
    log(f"单位：物业企业 {len(new):,} 家，职能部门（含街道办事处）{len(deps):,} 个")
    companies: dict[str, dict] = {}
    for pk, county, kind in PropertyCompany.objects.filter(region_id__in=counties).values_list(
        "pk", "region_id", "kind"
    ):
        companies.setdefault(county, {"market": [], "public_welfare": []})[kind].append(pk)
    return companies


MODES = (
    (ManagementMode.MARKET, 60),
    (ManagementMode.PAIRING, 6),
    (ManagementMode.FALLBACK, 6),
    (ManagementMode.STREET_CENTRE, 10),
    (ManagementMode.SELF_MANAGED, 8),
    (ManagementMode.NONE, 10),
)
COMPOUND_COLUMNS = (
    "id",
    "code",
    "name",
    "community_id",
    "address",
    "households",
    "total_floor_area",
    "year_built",
    "is_old",
    "management_mode",
    "company_id",
    "resident_party_members",
    "is_generated",
    "created_at",
    "updated_at",
)
BUILDING_COLUMNS = ("id", "compound_id", "name", "floors", "has_lift", "created_at", "updated_at")
UNIT_COLUMNS = (
    "compound_id",
    "building_id",
    "stair",
    "number",
    "floor",
    "kind",
    "registered_area",
    "developer_held",
)


def generate_compounds(
    *, rng: random.Random, plan: dict[str, int], units_per_compound: int, companies: dict, log
) -> int:
    """`plan`: city code → compounds to add. Compounds are spread over the city's communities;
    each gets buildings of 2 stairs × floors × 2 units, about `units_per_compound` units."""
    now = timezone.now()
    compound_rows, building_rows, unit_specs = [], [], []
    total_compounds = sum(plan.values())
    first_compound = next_ids("registry_compound", total_compounds)
    cid = first_compound
    seq: dict[str, int] = {}
    with connection.cursor() as cur:
        cur.execute(
            "SELECT substr(code, 1, 12), max(substr(code, 13))::int FROM registry_compound GROUP BY 1"
        )
        seq.update(dict(cur.fetchall()))
    modes = [m for m, _ in MODES]
    mode_weights = [w for _, w in MODES]
    for city, n in plan.items():
        communities = list(
            Region.objects.filter(level=RegionLevel.COMMUNITY, code__startswith=city[:4])
            .order_by("code")
            .values_list("code", flat=True)
        )
        for i in range(n):
            community = communities[i % len(communities)] if i < len(communities) else rng.choice(communities)
            seq[community] = seq.get(community, 0) + 1
            if seq[community] > 999:
                continue
            county = community[:6]
            mode = rng.choices(modes, mode_weights)[0]
            county_cos = companies.get(county, {"market": [], "public_welfare": []})
            company = None
            if mode in (ManagementMode.MARKET, ManagementMode.PAIRING) and county_cos["market"]:
                company = rng.choice(county_cos["market"])
            elif mode == ManagementMode.FALLBACK and county_cos["public_welfare"]:
                company = county_cos["public_welfare"][0]
            if company is None and mode in (
                ManagementMode.MARKET,
                ManagementMode.PAIRING,
                ManagementMode.FALLBACK,
            ):
                mode = ManagementMode.STREET_CENTRE
            target = max(8, int(rng.gauss(units_per_compound, units_per_compound / 3)))
            floors = rng.choice((6, 6, 6, 11, 18, 26)) if target > 60 else rng.choice((3, 4, 5, 6))
            per_building = 2 * floors * 2
            buildings = max(1, round(target / per_building))
            households = buildings * per_building
            year = rng.randint(1985, 2023)
            compound_rows.append(
                (
                    cid,
                    f"{community}{seq[community]:03d}",
                    f"{community[-6:]}小区{seq[community]}（生成）",
                    community,
                    "",
                    households,
                    Decimal(households * 95),
                    year,
                    year < 2000,
                    mode,
                    company,
                    rng.randint(0, 12),
                    True,
                    now,
                    now,
                )
            )
            unit_specs.append((cid, buildings, floors, households))
            cid += 1
    n_compounds = len(compound_rows)
    n_buildings = sum(b for _, b, _, _ in unit_specs)
    first_building = next_ids("registry_building", n_buildings)
    n_units = sum(h for *_, h in unit_specs)

    def buildings_and_units():
        bid = first_building
        for compound_id, buildings, floors, _h in unit_specs:
            for b in range(1, buildings + 1):
                building_rows.append((bid, compound_id, f"{b}号楼", floors, floors > 6, now, now))
                for stair in ("1单元", "2单元"):
                    for floor in range(1, floors + 1):
                        for door in (1, 2):
                            yield (
                                compound_id,
                                bid,
                                stair,
                                f"{floor}{door:02d}",
                                floor,
                                "dwelling",
                                "95.00",
                                False,
                            )
                bid += 1

    with loading(["registry_compound", "registry_building", "registry_unit"], log=log):
        progress = Progress("小区", n_compounds, log=log)
        copy_rows("registry_compound", COMPOUND_COLUMNS, compound_rows, progress)
        progress.finish()
        progress = Progress("房屋（专有部分）", n_units, log=log)
        copy_rows("registry_unit", UNIT_COLUMNS, buildings_and_units(), progress)
        progress.finish()
        progress = Progress("楼栋", n_buildings, log=log)
        copy_rows("registry_building", BUILDING_COLUMNS, building_rows, progress)
        progress.finish()
    return n_units


def load_places(cities: list[str]) -> Places:
    """The compounds of the cities and the units that handle their orders."""
    places = Places()
    prefix = r"^(" + "|".join(c[:4] for c in cities) + ")"
    with connection.cursor() as cur:
        cur.execute(
            "SELECT id, community_id, company_id, households FROM registry_compound WHERE community_id ~ %s ORDER BY id",
            [prefix],
        )
        for pk, community, company, households in cur.fetchall():
            places.compounds.append((pk, community, company))
            places.weights.append(households)
    for pk, region, kind in Department.objects.filter(region__code__regex=prefix).values_list(
        "pk", "region_id", "kind"
    ):
        if kind == DepartmentKind.STREET_OFFICE:
            places.street_office.setdefault(region, pk)
        elif len(region) == 6:
            places.county_department.setdefault((region, kind), pk)
    return places


def today_local() -> datetime.date:
    return timezone.localdate()
