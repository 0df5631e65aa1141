"""Writes of the dashboard app: loading region boundaries for the coverage map."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from apps.core.services import event_record
from apps.dashboards.geojson import FeatureError, parse_boundaries
from apps.dashboards.models import RegionBoundary
from apps.regions.models import Region


@dataclass
class BoundaryReport:
    created: int = 0
    updated: int = 0
    errors: list[FeatureError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@transaction.atomic
def boundaries_load(
    *, data, source: str, licence: str, actor, code_property: str = "code", file_name: str = ""
) -> BoundaryReport:
    """Load the boundaries of a GeoJSON FeatureCollection, matched to regions by `code_property`.

    All or nothing: any bad feature (or a missing source or licence) and nothing is saved; the
    report lists every problem. A region that already has a boundary gets the new one. One
    `regionboundary.import` event records the file, source, licence and the regions touched.
    """
    source, licence = (source or "").strip(), (licence or "").strip()
    report = BoundaryReport()
    if not source:
        report.errors.append(FeatureError(0, "", "请说明边界数据的来源（--source）"))
    if not licence:
        report.errors.append(
            FeatureError(0, "", "请说明边界数据的许可协议（--licence），无明确许可的数据不应导入")
        )
    known = set(Region.objects.values_list("code", flat=True))
    rows, errors = parse_boundaries(data, code_property=code_property, known_codes=known)
    report.errors.extend(errors)
    if report.errors:
        return report
    existing = {
        b.region_id: b for b in RegionBoundary.objects.filter(region_id__in=[r["region_id"] for r in rows])
    }
    to_create, to_update = [], []
    for row in rows:
        values = {
            "geometry": row["geometry"],
            "source": source[:200],
            "licence": licence[:200],
            "file_name": file_name[:200],
        }
        current = existing.get(row["region_id"])
        if current is None:
            to_create.append(RegionBoundary(region_id=row["region_id"], **values))
        else:
            for name, value in values.items():
                setattr(current, name, value)
            to_update.append(current)
    RegionBoundary.objects.bulk_create(to_create, batch_size=500)
    RegionBoundary.objects.bulk_update(
        to_update, ["geometry", "source", "licence", "file_name", "updated_at"], batch_size=500
    )
    report.created, report.updated = len(to_create), len(to_update)
    event_record(
        actor=actor,
        verb="regionboundary.import",
        changes={
            "created": report.created,
            "updated": report.updated,
            "regions": sorted(r["region_id"] for r in rows),
            "source": source,
            "licence": licence,
        },
        note=f"导入区划边界文件 {file_name}".strip(),
        region_code="",
    )
    return report
