"""A county's units-and-owners workbook through the import (validate, then commit), beside the
row rate of a plain bulk insert of the same rows as the floor (docs/benchmarks.md, "Ledger
imports"). Each phase runs in its own process so that its peak RSS (/proc VmHWM) is its own:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rp_bench \\
        .venv/bin/python bench/imports_units.py all --rows 200000

Phases: setup (regions, compounds, buildings of one county; the workbook, write-only),
floor (bulk_create of the same units, owners and links, then deleted), validate, commit, clean.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# Always DEBUG off, as in production: with DEBUG on Django keeps the SQL of the last 9,000
# queries (`connection.queries`), and the commit's 1,000-row INSERTs made that hundreds of MiB of
# "peak RSS" (docs/benchmarks.md, 2026-12-04). DEBUG off needs a secret key of its own.
os.environ["DJANGO_DEBUG"] = "0"
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-imports-only-not-a-secret-" + "x" * 32)

WORK = Path(os.environ.get("BENCH_IMPORTS_DIR", "/tmp/bench-imports"))
COUNTY = "371311"  # 罗庄区
UNITS_PER_BUILDING = 60
BUILDINGS_PER_COMPOUND = 10
TAG = "导入基准"


def peak_rss_mb(field: str = "VmHWM") -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


class RssTrace:
    """The job's progress callback: the process's RSS at every tenth of the rows, to show whether
    memory stays flat along one run (not only its peak)."""

    def __init__(self, n: int):
        self.step = max(n // 10, 1)
        self.points: list[tuple[int, int]] = []

    def __call__(self, done: int, total) -> None:
        if done % self.step == 0:
            self.points.append((done, round(peak_rss_mb("VmRSS"))))


def profiled(phase: str, run):
    """`run()`, under cProfile when BENCH_PROFILE names a directory (stats saved as <phase>.prof)."""
    folder = os.environ.get("BENCH_PROFILE")
    if not folder:
        return run()
    import cProfile

    profile = cProfile.Profile()
    try:
        return profile.runcall(run)
    finally:
        Path(folder).mkdir(parents=True, exist_ok=True)
        profile.dump_stats(str(Path(folder) / f"{phase}.prof"))


def setup_django():
    import django
    from django.conf import settings

    django.setup()
    if settings.DEBUG:
        raise SystemExit("bench/imports_units.py runs with DEBUG off (DJANGO_DEBUG=0)")


def id_number(i: int) -> str:
    from apps.core.validators import id_number_check_char

    birth = datetime.date(1950, 1, 1) + datetime.timedelta(days=i // 1000)
    body = f"{COUNTY}{birth:%Y%m%d}{i % 1000:03d}"
    return body + id_number_check_char(body)


def rows(n: int, compounds):
    """(compound code, building, stair, number, area, owner, phone, id number, since) × n."""
    i = 0
    for compound in compounds:
        for b in range(BUILDINGS_PER_COMPOUND):
            for u in range(UNITS_PER_BUILDING):
                if i >= n:
                    return
                stair = f"{u // 20 + 1}单元"
                number = f"{(u % 20) // 2 + 1}0{u % 2 + 1}"
                yield (
                    compound.code,
                    f"{b + 1}号楼",
                    stair,
                    number,
                    float(60 + i % 80) + 0.5,
                    f"业主{i}",
                    f"139{i:08d}",
                    id_number(i),
                    "2020/5/1",
                )
                i += 1


def phase_setup(n: int) -> dict:
    setup_django()
    from django.conf import settings
    from openpyxl import Workbook

    from apps.regions.models import Region
    from apps.regions.services import regions_load
    from apps.registry.models import Building, Compound

    if not Region.objects.exists():
        regions_load(
            text=(Path(settings.BASE_DIR) / "data" / "divisions_linyi_heze.csv").read_text("utf-8"),
            actor=None,
        )
    communities = list(Region.objects.filter(code__startswith=COUNTY, level="community").order_by("code"))
    needed = -(-n // (UNITS_PER_BUILDING * BUILDINGS_PER_COMPOUND))
    compounds = list(Compound.objects.filter(name__startswith=TAG).order_by("code"))
    if len(compounds) < needed:
        new = []
        for k in range(len(compounds), needed):
            community = communities[k % len(communities)]
            seq = 900 - k // len(communities)
            new.append(
                Compound(
                    code=f"{community.code}{seq:03d}",
                    name=f"{TAG}{k}小区",
                    community=community,
                    households=600,
                    total_floor_area=Decimal("60000"),
                    year_built=2005,
                    management_mode="none",
                )
            )
        Compound.objects.bulk_create(new)
        compounds = list(Compound.objects.filter(name__startswith=TAG).order_by("code"))
        Building.objects.bulk_create(
            [
                Building(compound=c, name=f"{b + 1}号楼", floors=18)
                for c in compounds
                for b in range(BUILDINGS_PER_COMPOUND)
            ],
            ignore_conflicts=True,
        )
    WORK.mkdir(parents=True, exist_ok=True)
    path = WORK / f"units-{n}.xlsx"
    started = time.perf_counter()
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("导入模板")
    ws.append(
        [
            "小区编码",
            "楼栋",
            "单元",
            "房号",
            "登记面积（㎡）",
            "业主姓名",
            "手机号",
            "居民身份证号",
            "取得日期",
        ]
    )
    for r in rows(n, compounds):
        ws.append(list(r))
    wb.save(path)
    with_dimension(path, f"A1:I{n + 1}")
    return {
        "phase": "setup",
        "rows": n,
        "compounds": len(compounds),
        "file_mb": round(path.stat().st_size / 1e6, 1),
        "write_s": round(time.perf_counter() - started, 1),
    }


def with_dimension(path: Path, ref: str) -> None:
    """Write the sheet's <dimension> as Excel and WPS do. openpyxl's write-only mode leaves it
    out, and a read-only load of a sheet without one parses the whole sheet to size it, twice per
    phase (the progress estimate, then the read): 6 % of the validation at 20,000 rows, a cost of
    the generated file, not of an uploaded one."""
    import zipfile

    sheet = "xl/worksheets/sheet1.xml"
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == sheet and b"<dimension" not in data:
                data = data.replace(b"</sheetPr>", f'</sheetPr><dimension ref="{ref}"/>'.encode(), 1)
            dst.writestr(item, data)
    tmp.replace(path)


def _actor():
    from django.contrib.auth import get_user_model

    User = get_user_model()
    user, _ = User.objects.get_or_create(
        username="bench-imports", defaults={"is_superuser": True, "is_staff": True}
    )
    return user


def phase_floor(n: int) -> dict:
    """A plain bulk insert of the same units, owners and links (no validation, no audit)."""
    setup_django()
    from django.db import transaction

    from apps.core.validators import id_number_hash
    from apps.registry.models import Building, Compound, Owner, Unit

    compounds = list(Compound.objects.filter(name__startswith=TAG).order_by("code"))
    buildings = {(b.compound_id, b.name): b for b in Building.objects.filter(compound__in=compounds)}
    by_code = {c.code: c for c in compounds}
    started = time.perf_counter()
    with transaction.atomic():
        chunk_units, chunk_owners, chunk_rows = [], [], []
        for r in rows(n, compounds):
            compound = by_code[r[0]]
            chunk_units.append(
                Unit(
                    compound=compound,
                    building=buildings[(compound.pk, r[1])],
                    stair=r[2],
                    number=r[3],
                    registered_area=Decimal(str(r[4])),
                )
            )
            chunk_owners.append(
                Owner(name=r[5], phone=r[6], id_hash=id_number_hash(r[7]), id_last4=r[7][-4:])
            )
            chunk_rows.append(r)
            if len(chunk_units) == 1000:
                _flush(chunk_units, chunk_owners)
                chunk_units, chunk_owners, chunk_rows = [], [], []
        if chunk_units:
            _flush(chunk_units, chunk_owners)
        seconds = time.perf_counter() - started
        transaction.set_rollback(True)  # leave the database as it was
    return {
        "phase": "floor",
        "rows": n,
        "seconds": round(seconds, 1),
        "rows_per_s": round(n / seconds),
        "peak_rss_mb": round(peak_rss_mb()),
    }


def _flush(units, owners):
    from apps.registry.models import Owner, OwnerUnit, Unit

    Unit.objects.bulk_create(units)
    Owner.objects.bulk_create(owners)
    OwnerUnit.objects.bulk_create(
        [
            OwnerUnit(owner=o, unit=u, since=datetime.date(2020, 5, 1))
            for o, u in zip(owners, units, strict=True)
        ]
    )


def _batch(n: int):
    import shutil

    from django.conf import settings

    from apps.imports.models import BatchStatus, ImportBatch

    actor = _actor()
    batch = ImportBatch.objects.filter(ledger="units", owner=actor, original_name=f"units-{n}.xlsx").first()
    if batch is None:
        dest = Path(settings.IMPORTS_ROOT) / "bench" / f"units-{n}.xlsx"
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(WORK / f"units-{n}.xlsx", dest)
        batch = ImportBatch.objects.create(
            ledger="units",
            owner=actor,
            original_name=f"units-{n}.xlsx",
            file=f"bench/units-{n}.xlsx",
            size=dest.stat().st_size,
            status=BatchStatus.VALIDATING,
        )
    return batch


def phase_validate(n: int) -> dict:
    setup_django()
    from apps.imports.engine import validate_batch

    batch = _batch(n)
    trace = RssTrace(n)
    started = time.perf_counter()
    counts = profiled("validate", lambda: validate_batch(batch, progress=trace))
    seconds = time.perf_counter() - started
    return {
        "phase": "validate",
        "rows": counts["rows"],
        "problems": counts["problems"],
        "create": counts["create"],
        "seconds": round(seconds, 1),
        "rows_per_s": round(counts["rows"] / seconds),
        "peak_rss_mb": round(peak_rss_mb()),
        "rss_mb_by_rows": trace.points,
    }


def phase_commit(n: int) -> dict:
    setup_django()
    from apps.imports.engine import commit_batch
    from apps.imports.models import ImportBatch

    batch = _batch(n)
    batch = ImportBatch.objects.get(pk=batch.pk)
    trace = RssTrace(n)
    started = time.perf_counter()
    counts = profiled("commit", lambda: commit_batch(batch, progress=trace))
    seconds = time.perf_counter() - started
    return {
        "phase": "commit",
        "rows": counts["rows"],
        "create": counts["create"],
        "seconds": round(seconds, 1),
        "rows_per_s": round(counts["rows"] / seconds),
        "peak_rss_mb": round(peak_rss_mb()),
        "rss_mb_by_rows": trace.points,
    }


def phase_clean(n: int) -> dict:
    setup_django()
    from apps.core.models import Event
    from apps.imports.models import ImportBatch
    from apps.registry.models import Compound, Owner, Unit

    # one compound at a time: a county's 200,000 rows in one delete exceed PostgreSQL's 65,535
    # parameters per statement (the collector's IN lists)
    for compound in Compound.objects.filter(name__startswith=TAG).order_by("pk"):
        Owner.objects.filter(unit_links__unit__compound=compound).delete()
        Unit.objects.filter(compound=compound).delete()
    ImportBatch.objects.filter(owner__username="bench-imports").delete()
    Event.objects.filter(actor__username="bench-imports").delete()
    return {"phase": "clean", "compounds_kept": Compound.objects.filter(name__startswith=TAG).count()}


PHASES = {
    "setup": phase_setup,
    "floor": phase_floor,
    "validate": phase_validate,
    "commit": phase_commit,
    "clean": phase_clean,
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("phase", choices=[*PHASES, "all"])
    parser.add_argument("--rows", type=int, default=200_000)
    args = parser.parse_args()
    if args.phase != "all":
        print(json.dumps(PHASES[args.phase](args.rows), ensure_ascii=False), flush=True)
        return
    print(
        json.dumps(
            {
                "uptime": subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip(),
                "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            }
        ),
        flush=True,
    )
    for phase in ("clean", "setup", "floor", "validate", "commit", "clean", "floor", "clean"):
        subprocess.run([sys.executable, __file__, phase, "--rows", str(args.rows)], check=True)
    print(
        json.dumps({"uptime": subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()}),
        flush=True,
    )


if __name__ == "__main__":
    main()
