from django.db import models
from django.urls import reverse

from apps.core.scoping import CODE_LENGTH, PREFIX_LENGTH, Scope, q_region
from apps.regions.choices import RegionKind, RegionLevel

LEVEL_ORDER = [
    RegionLevel.PROVINCE,
    RegionLevel.CITY,
    RegionLevel.COUNTY,
    RegionLevel.STREET,
    RegionLevel.COMMUNITY,
]
CHILD_LEVEL = {LEVEL_ORDER[i]: LEVEL_ORDER[i + 1] for i in range(len(LEVEL_ORDER) - 1)}


# Which kinds a row of each level may have.
KINDS_BY_LEVEL = {
    RegionLevel.PROVINCE: {RegionKind.PROVINCE},
    RegionLevel.CITY: {RegionKind.CITY},
    RegionLevel.COUNTY: {RegionKind.DISTRICT, RegionKind.COUNTY, RegionKind.COUNTY_CITY, RegionKind.DEV_ZONE},
    RegionLevel.STREET: {RegionKind.STREET, RegionKind.TOWN, RegionKind.TOWNSHIP},
    RegionLevel.COMMUNITY: {RegionKind.URBAN_COMMUNITY, RegionKind.VILLAGE, RegionKind.OTHER},
}


class Region(models.Model):
    """An administrative division (NBS 统计用区划代码), from province down to community/village."""

    code = models.CharField("区划代码", max_length=12, primary_key=True)
    name = models.CharField("名称", max_length=100, db_index=True)
    level = models.CharField("层级", max_length=12, choices=RegionLevel.choices, db_index=True)
    kind = models.CharField("类型", max_length=20, choices=RegionKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级区划",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    vintage = models.CharField("版本", max_length=16, blank=True, help_text="如 NBS2023")
    source = models.CharField("数据来源", max_length=64, blank=True)

    class Meta:
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"
        ordering = ["code"]
        permissions = [("import_region", "可导入行政区划")]
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_code_digits",
                condition=models.Q(code__regex=r"^[0-9]{6}([0-9]{3}){0,2}$"),
                violation_error_message="区划代码应为6位、9位或12位数字",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("region_detail", args=[self.pk])

    @property
    def prefix(self) -> str:
        return self.code[: PREFIX_LENGTH[self.level]]

    @property
    def audit_region_code(self) -> str:
        return self.code

    @property
    def child_level(self) -> str | None:
        return CHILD_LEVEL.get(self.level)

    def contains(self, code: str) -> bool:
        return code.startswith(self.prefix)

    def clean(self):
        from django.core.exceptions import ValidationError

        errors = {}
        if self.level and self.code and len(self.code) != CODE_LENGTH.get(self.level, 0):
            errors["code"] = f"{self.get_level_display()}级区划代码应为{CODE_LENGTH[self.level]}位"
        if self.level and self.kind and self.kind not in KINDS_BY_LEVEL.get(self.level, set()):
            errors["kind"] = f"{self.get_level_display()}级区划不能是“{self.get_kind_display()}”"
        if self.parent_id and self.level:
            parent = self.parent
            if CHILD_LEVEL.get(parent.level) != self.level and not (
                # Cities without counties (东莞、中山): streets sit directly under the city.
                parent.level == RegionLevel.CITY and self.level == RegionLevel.STREET
            ):
                errors["parent"] = f"上级区划“{parent}”的下级不能是{self.get_level_display()}"
            elif not self.code.startswith(parent.prefix):
                errors["code"] = f"区划代码应以上级区划代码前缀 {parent.prefix} 开头"
        elif self.level and self.level != RegionLevel.PROVINCE:
            errors["parent"] = "除省级外，区划必须有上级区划"
        if errors:
            raise ValidationError(errors)

    @classmethod
    def scope_q(cls, scope: Scope, via: str = ""):
        return q_region(scope, f"{via}code")

    def ancestors(self) -> list["Region"]:
        """From the top (province) down to the parent; one query per level at most (≤ 4)."""
        chain = []
        node = self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return list(reversed(chain))
