from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse

from apps.core.models import TimeStampedModel
from apps.core.scoping import Scope, q_or, q_region
from apps.core.validators import (
    future_date_errors,
    future_year_error,
    mask_id_last4,
    mask_mobile,
    mask_name,
    validate_credit_code,
    validate_mobile,
)
from apps.registry.choices import CompanyKind, DepartmentKind, ManagementMode, UnitKind

POSITIVE_AREA = [MinValueValidator(Decimal("0.01"), message="面积必须大于0")]


class PropertyCompany(TimeStampedModel):
    """A property service company (物业服务企业), identified by its unified social credit code."""

    name = models.CharField("企业名称", max_length=100, db_index=True)
    credit_code = models.CharField(
        "统一社会信用代码",
        max_length=18,
        unique=True,
        validators=[validate_credit_code],
        error_messages={"unique": "该统一社会信用代码已登记"},
    )
    kind = models.CharField(
        "企业类型", max_length=20, choices=CompanyKind.choices, default=CompanyKind.MARKET
    )
    region = models.ForeignKey(
        "regions.Region", verbose_name="注册地（县区）", on_delete=models.PROTECT, related_name="companies"
    )
    address = models.CharField("地址", max_length=200, blank=True)
    legal_representative = models.CharField("法定代表人", max_length=50, blank=True)
    contact_phone = models.CharField("联系电话", max_length=11, blank=True, validators=[validate_mobile])
    is_generated = models.BooleanField("演示数据（生成）", default=False)

    class Meta:
        verbose_name = "物业服务企业"
        verbose_name_plural = "物业服务企业"
        ordering = ["name", "id"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("company_detail", args=[self.pk])

    @property
    def audit_region_code(self) -> str:
        return self.region_id

    def clean(self):
        if self.credit_code:
            self.credit_code = self.credit_code.strip().upper()

    @classmethod
    def scope_q(cls, scope: Scope, via: str = ""):
        outer = OuterRef(f"{via}pk" if via else "pk")
        if scope.region_prefix:
            serves = Compound.objects.filter(company=outer, community__pk__startswith=scope.region_prefix)
            return q_region(scope, f"{via}region_id") | Q(Exists(serves))
        if scope.company_id:
            return Q(**{f"{via}pk": scope.company_id})
        if scope.compound_id:
            return Q(Exists(Compound.objects.filter(pk=scope.compound_id, company=outer)))
        return None


class Department(TimeStampedModel):
    """A functional department (职能部门) that handles whistles and reports in."""

    name = models.CharField("部门名称", max_length=100)
    kind = models.CharField("部门类别", max_length=24, choices=DepartmentKind.choices)
    region = models.ForeignKey(
        "regions.Region", verbose_name="所属区划", on_delete=models.PROTECT, related_name="+"
    )
    contact_phone = models.CharField("联系电话", max_length=20, blank=True)
    is_generated = models.BooleanField("演示数据（生成）", default=False)

    class Meta:
        verbose_name = "职能部门"
        verbose_name_plural = "职能部门"
        ordering = ["region_id", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "name"],
                name="%(app_label)s_%(class)s_unique_name",
                violation_error_message="该区划下已有同名部门",
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("department_detail", args=[self.pk])

    @property
    def audit_region_code(self) -> str:
        return self.region_id

    @classmethod
    def scope_q(cls, scope: Scope, via: str = ""):
        return q_or(
            q_region(scope, f"{via}region_id"),
            Q(**{f"{via}pk": scope.department_id}) if scope.department_id else None,
        )


MODES_WITH_COMPANY = (ManagementMode.MARKET, ManagementMode.FALLBACK, ManagementMode.PAIRING)


class Compound(TimeStampedModel):
    """A residential compound (住宅小区 / 物业服务区域) in a community."""

    code = models.CharField(
        "小区编码",
        max_length=15,
        unique=True,
        help_text="社区区划代码 + 3位序号，由系统生成",
        error_messages={"unique": "小区编码重复"},
    )
    name = models.CharField("小区名称", max_length=100, db_index=True)
    community = models.ForeignKey(
        "regions.Region", verbose_name="所属社区", on_delete=models.PROTECT, related_name="compounds"
    )
    address = models.CharField("地址", max_length=200, blank=True)
    latitude = models.DecimalField(
        "纬度",
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[
            MinValueValidator(Decimal("-90"), "纬度应在-90到90之间"),
            MaxValueValidator(Decimal("90"), "纬度应在-90到90之间"),
        ],
    )
    longitude = models.DecimalField(
        "经度",
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[
            MinValueValidator(Decimal("-180"), "经度应在-180到180之间"),
            MaxValueValidator(Decimal("180"), "经度应在-180到180之间"),
        ],
    )
    households = models.PositiveIntegerField("户数", validators=[MinValueValidator(1, "户数必须大于0")])
    total_floor_area = models.DecimalField(
        "总建筑面积（㎡）", max_digits=12, decimal_places=2, validators=POSITIVE_AREA
    )
    year_built = models.PositiveSmallIntegerField(
        "建成年份",
        validators=[
            MinValueValidator(1949, "建成年份不早于1949年"),
            MaxValueValidator(2100, "建成年份不合理"),
        ],
    )
    is_old = models.BooleanField("老旧小区", default=False)
    management_mode = models.CharField(
        "管理模式", max_length=16, choices=ManagementMode.choices, default=ManagementMode.NONE, db_index=True
    )
    company = models.ForeignKey(
        PropertyCompany,
        verbose_name="服务企业",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="compounds",
    )
    resident_party_members = models.PositiveIntegerField("居住党员人数", default=0)
    is_generated = models.BooleanField("演示数据（生成）", default=False)

    class Meta:
        verbose_name = "小区"
        verbose_name_plural = "小区"
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_company_matches_mode",
                condition=(
                    Q(management_mode__in=[m.value for m in MODES_WITH_COMPANY], company__isnull=False)
                    | (
                        ~Q(management_mode__in=[m.value for m in MODES_WITH_COMPANY])
                        & Q(company__isnull=True)
                    )
                ),
                violation_error_message="市场化、兜底、大手牵小手模式必须指定服务企业；其他模式不能指定服务企业",
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_area_positive",
                condition=Q(total_floor_area__gt=0),
                violation_error_message="总建筑面积必须大于0",
            ),
        ]
        indexes = [models.Index(fields=["community", "management_mode"], name="registry_compound_comm_mode")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("compound_detail", args=[self.pk])

    @property
    def audit_region_code(self) -> str:
        return self.community_id

    @property
    def is_served(self) -> bool:
        """Has some property service (RULES.md §3, target 2)."""
        return self.management_mode != ManagementMode.NONE

    @property
    def is_branch_eligible(self) -> bool:
        return self.resident_party_members >= settings.BRANCH_MIN_PARTY_MEMBERS

    def clean(self):
        errors = {}
        if self.community_id:
            from apps.regions.choices import RegionLevel

            if self.community.level != RegionLevel.COMMUNITY:
                errors["community"] = "小区必须属于社区（村）级区划"
            elif self.code and not self.code.startswith(self.community_id):
                errors["code"] = "小区编码应以所属社区的区划代码开头"
        if self.management_mode in MODES_WITH_COMPANY and not self.company_id:
            errors["company"] = f"“{self.get_management_mode_display()}”模式必须指定服务企业"
        if self.management_mode not in MODES_WITH_COMPANY and self.company_id:
            errors["company"] = f"“{self.get_management_mode_display()}”模式不能指定服务企业"
        if self.company_id and self.management_mode == ManagementMode.FALLBACK:
            if self.company.kind != CompanyKind.PUBLIC_WELFARE:
                errors["company"] = "兜底管理的服务企业必须是国有公益性物业企业"
        if message := future_year_error(self.year_built, "建成年份"):
            errors["year_built"] = message
        elif self.is_old and self.year_built and self.year_built > settings.OLD_COMPOUND_LATEST_YEAR:
            errors["is_old"] = (
                f"{self.year_built}年建成的小区不能标为老旧小区"
                f"（老旧小区应为{settings.OLD_COMPOUND_LATEST_YEAR}年及以前建成）"
            )
        if errors:
            raise ValidationError(errors)

    @classmethod
    def scope_q(cls, scope: Scope, via: str = ""):
        if scope.region_prefix:
            return q_region(scope, f"{via}community_id")
        if scope.company_id:
            return Q(**{f"{via}company_id": scope.company_id})
        if scope.compound_id:
            return Q(**{f"{via}pk": scope.compound_id})
        return None


class Building(TimeStampedModel):
    """A building (楼栋) in a compound."""

    compound = models.ForeignKey(
        Compound, verbose_name="小区", on_delete=models.CASCADE, related_name="buildings"
    )
    name = models.CharField("楼栋", max_length=30, help_text="如 3号楼")
    floors = models.PositiveSmallIntegerField("层数", validators=[MinValueValidator(1, "层数必须大于0")])
    has_lift = models.BooleanField("有电梯", default=False)

    class Meta:
        verbose_name = "楼栋"
        verbose_name_plural = "楼栋"
        ordering = ["compound_id", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["compound", "name"],
                name="%(app_label)s_%(class)s_unique_name",
                violation_error_message="该小区已有同名楼栋",
            )
        ]

    def __str__(self):
        return f"{self.compound.name} {self.name}" if self.compound_id else self.name

    def get_absolute_url(self):
        return reverse("building_detail", args=[self.pk])

    @property
    def audit_region_code(self) -> str:
        return self.compound.community_id

    @classmethod
    def scope_q(cls, scope: Scope, via: str = ""):
        return Compound.scope_q(scope, via=f"{via}compound__")


class Unit(models.Model):
    """An exclusive part (专有部分): a dwelling, shop or registered parking space.

    Kept narrow on purpose — a province holds millions of units. The compound id is stored
    beside the building id so that per-compound counts and votes need no join.
    """

    compound = models.ForeignKey(
        Compound, verbose_name="小区", on_delete=models.CASCADE, related_name="units"
    )
    building = models.ForeignKey(
        Building, verbose_name="楼栋", on_delete=models.CASCADE, related_name="units"
    )
    stair = models.CharField("单元", max_length=10, blank=True, help_text="如 2单元")
    number = models.CharField("房号", max_length=20)
    floor = models.SmallIntegerField("楼层", null=True, blank=True)
    kind = models.CharField("类型", max_length=10, choices=UnitKind.choices, default=UnitKind.DWELLING)
    registered_area = models.DecimalField(
        "登记面积（㎡）", max_digits=9, decimal_places=2, null=True, blank=True, validators=POSITIVE_AREA
    )
    surveyed_area = models.DecimalField(
        "测绘面积（㎡）", max_digits=9, decimal_places=2, null=True, blank=True, validators=POSITIVE_AREA
    )
    contract_area = models.DecimalField(
        "合同面积（㎡）", max_digits=9, decimal_places=2, null=True, blank=True, validators=POSITIVE_AREA
    )
    developer_held = models.BooleanField("开发建设单位未售出", default=False)

    class Meta:
        verbose_name = "房屋（专有部分）"
        verbose_name_plural = "房屋（专有部分）"
        ordering = ["building_id", "stair", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["building", "stair", "number"],
                name="%(app_label)s_%(class)s_unique_number",
                violation_error_message="该楼栋单元下已有相同房号",
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_has_area",
                condition=Q(registered_area__gt=0) | Q(surveyed_area__gt=0) | Q(contract_area__gt=0),
                violation_error_message="登记面积、测绘面积、合同面积至少填写一项，且必须大于0",
            ),
        ]

    def __str__(self):
        return f"{self.building.name}{self.stair}{self.number}" if self.building_id else self.number

    def get_absolute_url(self):
        return reverse("unit_detail", args=[self.pk])

    @property
    def area(self) -> Decimal | None:
        """专有部分面积: registered, else surveyed, else contract area (司法解释 第8条)."""
        for value in (self.registered_area, self.surveyed_area, self.contract_area):
            if value is not None:
                return value
        return None

    @property
    def audit_region_code(self) -> str:
        return self.compound.community_id

    def clean(self):
        if self.building_id and self.compound_id and self.building.compound_id != self.compound_id:
            raise ValidationError({"building": "楼栋不属于所选小区"})
        if self.building_id and not self.compound_id:
            self.compound_id = self.building.compound_id

    @classmethod
    def scope_q(cls, scope: Scope, via: str = ""):
        return Compound.scope_q(scope, via=f"{via}compound__")


class Owner(TimeStampedModel):
    """An owner (业主). ID numbers are kept only as a keyed hash plus the last four characters."""

    pii_fields = {"name": "name", "phone": "mobile", "id_last4": "id_last4"}  # apps/core/pii.py
    pii_permission = "registry.view_owner_pii"

    name = models.CharField("姓名", max_length=50)
    phone = models.CharField("手机号", max_length=11, blank=True, validators=[validate_mobile])
    id_hash = models.CharField("身份证号摘要", max_length=64, blank=True, db_index=True, editable=False)
    id_last4 = models.CharField("身份证号后四位", max_length=4, blank=True, editable=False)
    is_developer = models.BooleanField("开发建设单位", default=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="平台账号",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owner",
    )
    is_generated = models.BooleanField("演示数据（生成）", default=False)

    class Meta:
        verbose_name = "业主"
        verbose_name_plural = "业主"
        ordering = ["id"]
        permissions = [
            ("view_owner_pii", "可查看业主未脱敏个人信息"),
            ("import_records", "可批量导入登记数据"),
        ]

    def __str__(self):
        return mask_name(self.name)

    def get_absolute_url(self):
        return reverse("owner_detail", args=[self.pk])

    @property
    def masked_name(self) -> str:
        return mask_name(self.name)

    @property
    def masked_phone(self) -> str:
        return mask_mobile(self.phone)

    @property
    def masked_id(self) -> str:
        return mask_id_last4(self.id_last4)

    @property
    def audit_region_code(self) -> str:
        link = self.unit_links.select_related("unit").first() if self.pk else None
        return link.unit.compound.community_id if link else ""

    @classmethod
    def scope_q(cls, scope: Scope, via: str = ""):
        outer = OuterRef(f"{via}pk" if via else "pk")
        if scope.role == "resident":
            return Q(**{f"{via}user_id": scope.user_id})
        unit_q = Compound.scope_q(scope, via="unit__compound__")
        if unit_q is None:
            return None
        return Q(Exists(OwnerUnit.objects.filter(unit_q, owner=outer)))


class OwnerUnit(models.Model):
    """An owner holds a unit (owner–unit link), possibly with co-owners."""

    owner = models.ForeignKey(Owner, verbose_name="业主", on_delete=models.CASCADE, related_name="unit_links")
    unit = models.ForeignKey(Unit, verbose_name="房屋", on_delete=models.CASCADE, related_name="owner_links")
    since = models.DateField("取得日期", null=True, blank=True)

    class Meta:
        verbose_name = "业主房屋关系"
        verbose_name_plural = "业主房屋关系"
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "unit"],
                name="%(app_label)s_%(class)s_unique_link",
                violation_error_message="该业主已登记为此房屋的业主",
            )
        ]

    def __str__(self):
        return f"{self.owner} — {self.unit}"

    def clean(self):
        if errors := future_date_errors(self, {"since": "取得日期"}):
            raise ValidationError(errors)

    @property
    def audit_region_code(self) -> str:
        return self.unit.compound.community_id

    @classmethod
    def scope_q(cls, scope: Scope, via: str = ""):
        if scope.role == "resident":
            return Q(**{f"{via}owner__user_id": scope.user_id})
        return Compound.scope_q(scope, via=f"{via}unit__compound__")
