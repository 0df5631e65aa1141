"""Scale data sets for benchmarks (`bench/generate_scale.py city|province`), PostgreSQL only.

city ≈ 临沂: the real divisions of Linyi, >= 5,000 compounds, >= 1,500,000 units, >= 2,000,000
work orders over two years. province ≈ 山东: the 16 cities (Linyi and Heze real, the other 14
with generated counties/streets/communities, `Region.source = "generated"`), >= 50,000
compounds, >= 5,000,000 units, >= 10,000,000 work orders. Rows are written with COPY; the
rollup tables are counted while the orders are simulated, one county per task (`orders`), plus
whatever orders the database held before, set-based in SQL (`rollups_sql`). See
docs/benchmarks.md.
"""

from __future__ import annotations

import datetime
import random
import time
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone

from apps.registry.models import Compound
from bench.scale.places import HEZE, LINYI, OTHER_CITIES


@dataclass(frozen=True)
class Scale:
    cities: tuple[str, ...]
    compounds: dict[str, int]  # compounds to generate per city
    units_per_compound: int
    orders: int


SCALES = {
    # A few minutes: what `make bench` uses by default.
    "small": Scale(cities=(LINYI,), compounds={LINYI: 1_000}, units_per_compound=100, orders=200_000),
    "city": Scale(cities=(LINYI,), compounds={LINYI: 5_200}, units_per_compound=300, orders=2_100_000),
    "province": Scale(
        cities=(LINYI, HEZE, *OTHER_CITIES),
        compounds={LINYI: 5_200, HEZE: 4_000, **dict.fromkeys(OTHER_CITIES, 3_000)},
        units_per_compound=110,
        orders=10_500_000,
    ),
}


def generate(
    *,
    scale: str,
    orders: int | None = None,
    seed: int = 2021,
    now: datetime.datetime | None = None,
    open_days: int = 21,
    skip_places: bool = False,
    workers: int = 2,
    log=print,
) -> dict:
    """Generate a data set; returns counts and timings. Refuses anything but PostgreSQL."""
    from bench.scale.orders import generate_orders
    from bench.scale.places import ensure_regions, ensure_units_of_work, generate_compounds, load_places

    if connection.vendor != "postgresql":
        raise RuntimeError("generate_scale 需要 PostgreSQL（COPY 批量写入）")
    spec = SCALES[scale]
    rng = random.Random(seed)
    now = now or timezone.now()
    report: dict = {"scale": scale, "seconds": {}}
    t0 = time.monotonic()

    def timed(label, fn, *args, **kwargs):
        t = time.monotonic()
        out = fn(*args, **kwargs)
        report["seconds"][label] = round(time.monotonic() - t, 1)
        return out

    cities = list(spec.cities)
    if not skip_places:
        timed("regions", ensure_regions, cities=cities, log=log)
        companies = timed("units_of_work", ensure_units_of_work, rng=rng, cities=cities, log=log)
        # A city already generated (e.g. a province set built on a copy of the city set) keeps
        # its compounds; only what is missing is added.
        plan = {}
        for city, target in spec.compounds.items():
            # Compounds of this generator (named "…（生成）"), not the demo's.
            have = Compound.objects.filter(
                is_generated=True, code__startswith=city[:4], name__endswith="（生成）"
            ).count()
            if target - have > 0:
                plan[city] = target - have
        report["units"] = timed(
            "compounds_units",
            generate_compounds,
            rng=rng,
            plan=plan,
            units_per_compound=spec.units_per_compound,
            companies=companies,
            log=log,
        )
    places = load_places(cities)
    report["compounds"] = len(places.compounds)
    n = spec.orders if orders is None else orders
    report["orders"] = timed(
        "orders",
        generate_orders,
        rng=rng,
        places=places,
        n=n,
        now=now,
        open_days=open_days,
        workers=workers,
        log=log,
    )
    t = time.monotonic()
    with connection.cursor() as cur:
        for table in (
            "registry_compound",
            "registry_building",
            "registry_unit",
            "workorders_workorder",
            "workorders_assignment",
            "workorders_callback",
            "workorders_countymonthstat",
            "workorders_streetmonthstat",
            "workorders_communitymonthstat",
            "workorders_handlermonthstat",
        ):
            # VACUUM sets the visibility map (index-only scans of the rollups' covering indexes).
            cur.execute(f"VACUUM ANALYZE {table}")
        # Every other table too: with the statistics of the small demo tables (party
        # organisations, committees) missing, the coverage dashboard's EXISTS subqueries were
        # planned as bitmap scans per compound — 2.3 s instead of 25 ms for a city.
        cur.execute("ANALYZE")
    report["seconds"]["vacuum_analyze"] = round(time.monotonic() - t, 1)
    report["seconds"]["total"] = round(time.monotonic() - t0, 1)
    log(f"完成：{report}")
    return report
