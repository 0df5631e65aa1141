"""The monthly report (月报) on the benchmark set: build the data (the dashboard's selectors),
render the PDF (WeasyPrint) and the xlsx for the province, a city and a county, round-robin, and
print the timings (docs/benchmarks.md "Monthly report"). Read-only: nothing is stored.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rp_bench_bench2 \
        .venv/bin/python manage.py shell -c "exec(open('bench/reports_bench.py').read())"

BENCH_REPORT_MONTH (YYYY-MM, default last month), BENCH_REPORT_ROUNDS (3),
BENCH_REPORT_REGIONS (codes, default the province, the first city and county with compounds).
"""

import datetime
import json
import os
import platform
import statistics
import subprocess
import time
from pathlib import Path

from django.db import connection
from django.utils import timezone

from apps.dashboards.workorders import add_months, parse_month
from apps.regions.models import Region
from apps.registry.models import Compound
from apps.reports import build, render

today = timezone.localdate()
month = parse_month(os.environ.get("BENCH_REPORT_MONTH") or f"{add_months(today.replace(day=1), -1):%Y-%m}")
rounds = int(os.environ.get("BENCH_REPORT_ROUNDS", "3"))
first = Compound.objects.order_by("community_id").values_list("community_id", flat=True).first()
codes = (os.environ.get("BENCH_REPORT_REGIONS") or f"{first[:2]}0000,{first[:4]}00,{first[:6]}").split(",")
regions = [Region.objects.get(code=c) for c in codes]
timings = {r.code: {"build": [], "pdf": [], "xlsx": [], "pages": 0} for r in regions}

for _ in range(rounds):
    for region in regions:  # round-robin: each level sees the same load of the shared machine
        t = timings[region.code]
        start = time.perf_counter()
        data = build.build(region=region, month=month, today=today)
        t["build"].append(time.perf_counter() - start)
        start = time.perf_counter()
        pdf, pages = render.pdf(data)
        t["pdf"].append(time.perf_counter() - start)
        start = time.perf_counter()
        xlsx = render.xlsx(data)
        t["xlsx"].append(time.perf_counter() - start)
        t["pages"], t["bytes"] = pages, len(pdf)
        t["tables"] = sum(len(s["tables"]) for s in data["sections"])
        t["rows"] = sum(len(tb["rows"]) for s in data["sections"] for tb in s["tables"])

facts = {
    "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
    "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPU, Python {platform.python_version()}",
    "uptime": subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip(),
    "database": connection.settings_dict["NAME"],
    "compounds": Compound.objects.count(),
    "month": f"{month:%Y-%m}",
    "rounds": rounds,
}
out = {"facts": facts, "regions": {}}
for region in regions:
    t = timings[region.code]
    total = [b + p + x for b, p, x in zip(t["build"], t["pdf"], t["xlsx"], strict=True)]
    out["regions"][region.code] = {
        "name": region.name,
        "level": region.level,
        "pages": t["pages"],
        "tables": t["tables"],
        "rows": t["rows"],
        "pdf_bytes": t["bytes"],
        **{f"{k}_median_s": round(statistics.median(t[k]), 2) for k in ("build", "pdf", "xlsx")},
        "total_median_s": round(statistics.median(total), 2),
        "total_max_s": round(max(total), 2),
    }
print(json.dumps(out, ensure_ascii=False, indent=2))
Path("bench/results").mkdir(exist_ok=True)
Path(f"bench/results/{today:%Y-%m-%d}-reports.json").write_text(json.dumps(out, ensure_ascii=False, indent=2))
