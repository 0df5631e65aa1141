#!/usr/bin/env python
"""Interleaved runs side by side: one markdown table, a column per results file of bench/run.py,
in the order they ran (A B A B …), and the after/before ratio of each pair.

    python bench/compare.py before=bench/results/X-before-1.json after=bench/results/X-after-1.json \
        before=bench/results/X-before-2.json after=bench/results/X-after-2.json

Each argument is `label=file`; consecutive (first label, second label) files form a pair. The
shared 2-core machine moves absolute figures by tens of per cent between minutes, so the ratio of
the two runs of a pair (same data set, same few minutes) is the figure to read; each run's
/healthz rate is printed too, as the measure of how busy the machine was.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HTTP_RATES = (
    ("health", "GET /healthz (stack baseline), req/s"),
    ("intake_form", "intake, resident form (one compound), creates/s"),
    ("intake_form_spread", "intake, resident form (spread), creates/s"),
    ("open311_post", "intake, Open311 POST (one compound), creates/s"),
    ("open311_post_spread", "intake, Open311 POST (spread), creates/s"),
    ("transitions", "accept + dispatch, pairs/s"),
)


def _get(d: dict, *path):
    for p in path:
        if not isinstance(d, dict) or p not in d:
            return None
        d = d[p]
    return d


def rows(results: list[dict]) -> list[tuple[str, list, bool]]:
    """(label, one value per run, higher_is_better)."""
    out = []
    for key, label in HTTP_RATES:
        out.append((label, [_get(r, "http", key, "per_second") for r in results], True))
        if key != "health":
            out.append(
                (
                    "… of /healthz",
                    [
                        ratio(_get(r, "http", key, "per_second"), _get(r, "http", "health", "per_second"))
                        for r in results
                    ],
                    True,
                )
            )
            out.append(("… p99 ms", [_get(r, "http", key, "p99_ms") for r in results], False))
            out.append(("… app CPU ms/req", [_get(r, "http", key, "app_cpu_ms") for r in results], False))
            out.append(("… PG CPU ms/req", [_get(r, "http", key, "pg_cpu_ms") for r in results], False))
    for path, label in (
        (("http", "dashboard_coverage", "city_371300", "p95_ms"), "dashboard coverage city p95 ms"),
        (("http", "dashboard_coverage", "province_370000", "p95_ms"), "dashboard coverage province p95 ms"),
        (("http", "dashboard_coverage", "workorders_city", "p95_ms"), "dashboard workorders city p95 ms"),
        (
            ("http", "dashboard_coverage", "workorders_province", "p95_ms"),
            "dashboard workorders province p95 ms",
        ),
        (("metrics", "city", "rollups", "p50_ms"), "city figures from rollups p50 ms"),
        (("metrics", "city", "direct", "p50_ms"), "city figures direct p50 ms"),
        (("metrics", "province", "rollups", "p50_ms"), "province figures from rollups p50 ms"),
        (("metrics", "province", "direct", "p50_ms"), "province figures direct p50 ms"),
        (("metrics", "province", "full_dashboard_from_rollups", "p50_ms"), "province whole dashboard p50 ms"),
        (("sweep", "first", "seconds"), "sla_sweep over the set's open orders, s"),
        (("sweep_million", "first", "seconds"), "sla_sweep over 1M more open orders, s"),
        (("sweep_million", "second", "seconds"), "… second (no-op) run, s"),
    ):
        values = [_get(r, *path) for r in results]
        if any(v is not None for v in values):
            out.append((label, values, False))
    workers = [_get(r, "http", "rss", "workers") for r in results]
    out.append(("peak RSS per worker MiB", [max(w) if w else None for w in workers], False))
    return out


def ratio(a, b):
    return round(a / b, 3) if a is not None and b else None


def fmt(v) -> str:
    if v is None:
        return "—"
    if isinstance(v, float):
        return f"{v:,.3f}" if v < 1 else f"{v:,.1f}"
    return f"{v:,}"


def table(labelled: list[tuple[str, dict]]) -> str:
    labels = [label for label, _ in labelled]
    results = [r for _, r in labelled]
    pairs = [(i, i + 1) for i in range(0, len(results) - 1, 2)]
    head = [
        f"{label} {i // 2 + 1} ({_get(r, 'machine', 'date')[11:]})" for i, (label, r) in enumerate(labelled)
    ]
    head += [f"{labels[b]}/{labels[a]} {n + 1}" for n, (a, b) in enumerate(pairs)]
    lines = ["| measurement | " + " | ".join(head) + " |", "|---" * (len(head) + 1) + "|"]
    load = [_get(r, "machine", "load_average_at_start") for r in results]
    lines.append(
        "| load average at start (1 min) | "
        + " | ".join(fmt(round(x[0], 1)) if x else "—" for x in load)
        + " |"
        + " |" * len(pairs)
    )
    for label, values, _higher in rows(results):
        cells = [fmt(v) for v in values]
        cells += ["—" if (x := ratio(values[b], values[a])) is None else f"{x:.2f}" for a, b in pairs]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str]) -> None:
    labelled = []
    for arg in argv:
        label, _, path = arg.partition("=")
        labelled.append((label, json.loads(Path(path).read_text())))
    print(table(labelled))


if __name__ == "__main__":
    main(sys.argv[1:])
