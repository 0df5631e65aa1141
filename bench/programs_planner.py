"""Pairing planner timing on synthetic counties (no database): N unserved compounds scattered
around a county centre, M market companies with capacity C, the same solver as the page
(apps/programs/planner.solve). Run once: `.venv/bin/python bench/programs_planner.py`.

The province benchmark set's counties have up to a few hundred unserved old compounds; the
largest case here is several times that."""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from apps.programs.planner import Adopter, Site, solve

CENTRE = (35.065, 118.340)  # 兰山区


def county(rng: random.Random, sites: int, adopters: int, capacity: int):
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


def main() -> None:
    rng = random.Random(16)
    print(
        f"{'compounds':>9} {'companies':>9} {'slots':>6} {'assigned':>8} {'no coords':>9} {'total km':>9} {'seconds':>8}"
    )
    for n, m, c in ((50, 10, 5), (200, 40, 5), (500, 80, 5), (1500, 200, 6)):
        sites, adopters = county(rng, n, m, c)
        started = time.perf_counter()
        plan = solve(sites, adopters, max_km=5)
        seconds = time.perf_counter() - started
        slots = sum(a.slots for a in adopters)
        print(
            f"{n:>9} {m:>9} {slots:>6} {len(plan.assigned):>8} {len(plan.no_coordinates):>9}"
            f" {plan.total_km:>9.1f} {seconds:>8.3f}"
        )


if __name__ == "__main__":
    main()
