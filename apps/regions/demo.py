"""Demo step: the real NBS divisions of Linyi and Heze (when the table is empty), and the
community of the seed article that the NBS 2020 list lacks (万通社区)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from apps.core.demo import SHENGZHUANG, WANTONG, WANTONG_NAME, WANTONG_SOURCE
from apps.regions.choices import RegionKind, RegionLevel
from apps.regions.models import Region
from apps.regions.services import region_create, regions_load

REGIONS_CSV = Path(settings.BASE_DIR) / "data" / "divisions_linyi_heze.csv"


def regions_ensure(log) -> bool:
    """Load the real Linyi and Heze divisions if the region table is empty. True if it loaded."""
    if Region.objects.exists():
        return False
    report = regions_load(
        text=REGIONS_CSV.read_text(encoding="utf-8"), actor=None, source_name=REGIONS_CSV.name
    )
    if not report.ok:
        raise RuntimeError("；".join(str(e) for e in report.errors[:5]))
    log(f"已导入行政区划 {report.created:,} 条（国家统计局统计用区划代码）")
    return True


def seed(*, rng, today, log) -> None:
    regions_ensure(log)
    if Region.objects.filter(code=WANTONG).exists():
        log(f"{WANTONG_NAME}（{WANTONG}）已存在")
        return
    region_create(
        actor=None,
        data={
            "code": WANTONG,
            "name": WANTONG_NAME,
            "level": RegionLevel.COMMUNITY,
            "kind": RegionKind.URBAN_COMMUNITY,
            "parent": Region.objects.get(code=SHENGZHUANG),
            "vintage": "DEMO",
            "source": WANTONG_SOURCE,
        },
    )
    log(f"新增社区：罗庄区盛庄街道{WANTONG_NAME}（{WANTONG}，{WANTONG_SOURCE}）")
