from django.db import models

from apps.core.models import TimeStampedModel
from apps.core.scoping import Scope, q_region


class RegionBoundary(TimeStampedModel):
    """The outline of a region for the coverage map, loaded by the operator from a GeoJSON file.

    The platform ships no boundary data (none with a clear licence was found); each row records
    where its geometry came from and under which licence, and the map shows that attribution.
    """

    region = models.OneToOneField(
        "regions.Region", verbose_name="区划", on_delete=models.CASCADE, related_name="boundary"
    )
    geometry = models.JSONField("边界（GeoJSON 几何）", help_text="Polygon 或 MultiPolygon，WGS84 经纬度")
    source = models.CharField("数据来源", max_length=200)
    licence = models.CharField("许可协议", max_length=200)
    file_name = models.CharField("导入文件", max_length=200, blank=True)

    class Meta:
        verbose_name = "区划边界"
        verbose_name_plural = "区划边界"
        ordering = ["region_id"]

    def __str__(self):
        return f"{self.region_id}边界"

    @property
    def audit_region_code(self) -> str:
        return self.region_id

    @classmethod
    def scope_q(cls, scope: Scope, via: str = ""):
        return q_region(scope, f"{via}region_id")
