"""Pairing planner timing (apps/programs/planner). Two modes, run once each:

    .venv/bin/python bench/programs_planner.py              # synthetic counties, no database
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rp_bench_province \\
        .venv/bin/python bench/programs_planner.py county [--county 371311] [--runs 5]

`county` runs the planner of the page on one real county (临沂/菏泽, not a generated one) of a scale
data set built by bench/generate_scale.py (docs/benchmarks.md): by default the real county with
the most unserved old compounds. The generator writes no coordinates, and the planner never
guesses one, so this mode first places the county's compounds that have none at seeded random
points around a centre (about 6 km spread; a few per cent left without, as in the registry) — in
the benchmark database only: it refuses a database whose name does not contain "bench". It then
times, over `--runs` runs: the reads (`inputs_for_county`), the assignment (`solve`: the cost
matrix and scipy's linear_sum_assignment), `plan_for_county` (both), and the whole proposal page
(`GET /programs/planner/?county=…` through Django's test client, as a superuser), and prints the
problem size and the machine's load.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

CENTRE = (35.065, 118.340)  # 兰山区


# ------------------------------------------------------------ synthetic (no database)
def synthetic_county(rng: random.Random, sites: int, adopters: int, capacity: int):
    from apps.programs.planner import Adopter, Site

    def near(spread):
        return CENTRE[0] + rng.gauss(0, spread), CENTRE[1] + rng.gauss(0, spread)

    s = []
    for i in range(sites):
        lat, lon = near(0.05)
        s.append(Site(i, f"小区{i}", None, None) if rng.random() < 0.03 else Site(i, f"小区{i}", lat, lon))
    a = [
        Adopter(10_000 + j, f"企业{j}", *near(0.04), rng.randint(1, 5), rng.randint(0, 2), capacity)
        for j in range(adopters)
    ]
    return s, a


def synthetic() -> None:
    from apps.programs.planner import solve

    rng = random.Random(16)
    print(
        f"{'compounds':>9} {'companies':>9} {'slots':>6} {'assigned':>8} {'no coords':>9} {'total km':>9} {'seconds':>8}"
    )
    for n, m, c in ((50, 10, 5), (200, 40, 5), (500, 80, 5), (1500, 200, 6)):
        sites, adopters = synthetic_county(rng, n, m, c)
        started = time.perf_counter()
        plan = solve(sites, adopters, max_km=5)
        seconds = time.perf_counter() - started
        slots = sum(a.slots for a in adopters)
        print(
            f"{n:>9} {m:>9} {slots:>6} {len(plan.assigned):>8} {len(plan.no_coordinates):>9}"
            f" {plan.total_km:>9.1f} {seconds:>8.3f}"
        )


# ------------------------------------------------------------ one real county of a scale set
def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.db import connection

    name = connection.settings_dict["NAME"] or ""
    if connection.vendor != "postgresql" or "bench" not in name:
        raise SystemExit(f"需要基准测试数据库（PostgreSQL，库名含 bench），当前：{connection.vendor} {name}")


def largest_county() -> tuple[str, int]:
    """The real county (not generated) with the most unserved old compounds."""
    from apps.core.scoping import region_scope
    from apps.programs.selectors import unserved_old_compounds
    from apps.regions.models import Region

    counties = (
        Region.objects.filter(level="county").exclude(source="generated").values_list("code", flat=True)
    )
    counts = {code: unserved_old_compounds(region_scope(code)).count() for code in counties}
    code = max(counts, key=lambda c: (counts[c], c))
    return code, counts[code]


def place_compounds(county: str, *, seed: int = 16, missing_share: float = 0.03) -> int:
    """Seeded coordinates for the county's compounds that have none (benchmark database only)."""
    from decimal import Decimal

    from apps.registry.models import Compound

    rng = random.Random(f"{seed}-{county}")
    centre = (34.9 + rng.random() * 0.4, 118.0 + rng.random() * 0.6)
    todo = list(
        Compound.objects.filter(community__pk__startswith=county, latitude__isnull=True)
        .order_by("pk")
        .only("pk")
    )
    placed = []
    for c in todo:
        own = random.Random(f"{seed}-{c.pk}")  # per compound: a re-run places the same, leaves out the same
        if own.random() < missing_share:
            continue  # stays without coordinates: the planner lists it apart
        c.latitude = Decimal(f"{centre[0] + own.gauss(0, 0.055):.6f}")
        c.longitude = Decimal(f"{centre[1] + own.gauss(0, 0.055):.6f}")
        placed.append(c)
    Compound.objects.bulk_update(placed, ["latitude", "longitude"], batch_size=2000)
    return len(placed)


def _times(fn, runs: int) -> tuple[float, float, object]:
    out, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        out.append(time.perf_counter() - started)
    return min(out), statistics.median(out), result


def county_run(code: str | None, runs: int) -> None:
    _setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    from apps.programs import planner
    from apps.regions.models import Region

    if code is None:
        code, unserved = largest_county()
    else:
        unserved = None
    county = Region.objects.get(code=code)
    placed = place_compounds(code)
    sites, adopters = planner.inputs_for_county(code)
    slots = sum(a.slots for a in adopters)
    placed_sites = sum(1 for s in sites if s.lat is not None)
    t_inputs = _times(lambda: planner.inputs_for_county(code), runs)
    t_solve = _times(lambda: planner.solve(sites, adopters, max_km=settings.PLANNER_MAX_DISTANCE_KM), runs)
    t_plan = _times(lambda: planner.plan_for_county(code), runs)
    plan = t_plan[2]

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    user, _ = get_user_model().objects.get_or_create(
        username="bench_planner", defaults={"is_superuser": True, "is_staff": True}
    )
    client = Client()
    client.force_login(user)
    url = f"/programs/planner/?county={code}"

    def page():
        response = client.get(url, secure=True)
        assert response.status_code == 200, response.status_code
        return response

    t_page = _times(page, runs)
    load = os.getloadavg()
    print(
        f"county {code} {county.name}: unserved old compounds {unserved if unserved is not None else len(sites)}"
    )
    print(
        f"  coordinates placed now: {placed}; sites with coordinates {placed_sites}, without {len(sites) - placed_sites}"
    )
    print(
        f"  market companies {len(adopters)} (with a location {sum(1 for a in adopters if a.lat is not None)}), slots {slots}"
    )
    print(
        f"  cost matrix {placed_sites} × {slots}; assigned {len(plan.assigned)}, total {plan.total_km:.1f} km"
    )
    for label, (best, median, _) in (
        ("reads (inputs_for_county)", t_inputs),
        ("assignment (solve)", t_solve),
        ("plan_for_county", t_plan),
        ("whole page GET", t_page),
    ):
        print(f"  {label:<28} min {best * 1000:8.1f} ms  median {median * 1000:8.1f} ms  ({runs} runs)")
    print(
        f"  machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores; load {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", nargs="?", default="synthetic", choices=("synthetic", "county"))
    parser.add_argument(
        "--county", default=None, help="county code (default: the real county with most unserved)"
    )
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    if args.mode == "county":
        county_run(args.county, args.runs)
    else:
        synthetic()


if __name__ == "__main__":
    main()
