"""Demo step: the community of the seed article that the NBS 2020 list lacks (万通社区)."""

from __future__ import annotations

from apps.core.demo import SHENGZHUANG, WANTONG, WANTONG_NAME, WANTONG_SOURCE
from apps.regions.choices import RegionKind, RegionLevel
from apps.regions.models import Region
from apps.regions.services import region_create


def seed(*, rng, today, log) -> None:
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
