"""公共用房: the ledger of a compound's public spaces, the per-jurisdiction norms, recovery cases
(公共用房清理), service centres with multi-use rooms (一屋多用) and their bookings."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from apps.core.models import TimeStampedModel
from apps.core.scoping import Scope, q_region
from apps.spaces.choices import (
    BookingStatus,
    DocumentKind,
    HandoverTo,
    OccupantKind,
    RecoveryStatus,
    RoomType,
    RoomUse,
    SpaceKind,
    SpaceStatus,
)

POSITIVE_AREA = [MinValueValidator(Decimal("0.01"), message="面积必须大于0")]
NON_NEGATIVE_HEIGHT = [MinValueValidator(Decimal("0"), message="层高不能小于0")]


class PythonCheckedMixin:
    """The CHECK constraints of these models restate field validators and `clean()`, which give
    the field's own Chinese message. Django's validation of a CHECK constraint builds a query
    over every field (costly in bulk: the demo's ~6,500 spaces), so full_clean() leaves them to
    the database as the backstop; unique constraints are still validated."""

    def get_constraints(self):
        return [
            (model, [c for c in constraints if not isinstance(c, models.CheckConstraint)])
            for model, constraints in super().get_constraints()
        ]


def _compound_q(scope: Scope, via: str):
    from apps.registry.models import Compound

    return Compound.scope_q(scope, via=via)


# ------------------------------------------------------------------ per-jurisdiction norms
class SpaceRules(TimeStampedModel):
    """Per-jurisdiction numbers of the space norms (RULES.md §6); the nearest region wins."""

    region = models.OneToOneField(
        "regions.Region", verbose_name="适用区划", on_delete=models.PROTECT, related_name="space_rules"
    )
    property_permille_min = models.DecimalField(
        "物业服务用房下限（‰总建筑面积）",
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"), "不能小于0")],
    )
    property_permille_max = models.DecimalField(
        "物业服务用房上限（‰总建筑面积）",
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"), "不能小于0")],
    )
    property_min_area = models.DecimalField(
        "物业服务用房最少面积（㎡）", max_digits=8, decimal_places=2, validators=NON_NEGATIVE_HEIGHT
    )
    committee_office_min_area = models.DecimalField(
        "业委会办公用房最少面积（㎡）", max_digits=8, decimal_places=2, validators=NON_NEGATIVE_HEIGHT
    )
    government_min_area = models.DecimalField(
        "政务管理用房最少面积（㎡）", max_digits=8, decimal_places=2, validators=NON_NEGATIVE_HEIGHT
    )
    community_area_per_100_households = models.DecimalField(
        "社区服务设施（㎡/百户）", max_digits=8, decimal_places=2, validators=NON_NEGATIVE_HEIGHT
    )
    min_clear_height = models.DecimalField(
        "计入面积的最低层高（m）", max_digits=4, decimal_places=2, validators=NON_NEGATIVE_HEIGHT
    )
    max_floor_without_lift = models.PositiveSmallIntegerField("无电梯时所在楼层上限")
    source = models.CharField("依据", max_length=200, blank=True)

    class Meta:
        verbose_name = "公共用房配置标准"
        verbose_name_plural = "公共用房配置标准"
        ordering = ["region_id"]
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_permille_range",
                condition=Q(property_permille_min__lte=models.F("property_permille_max")),
                violation_error_message="物业服务用房下限不能大于上限",
            )
        ]

    def __str__(self):
        return f"{self.region}公共用房配置标准"

    @property
    def audit_region_code(self) -> str:
        return self.region_id

    @classmethod
    def scope_q(cls, scope: Scope, via: str = ""):
        if scope.region_prefix:
            code = scope.region_code
            above = [c for c in (code[:2] + "0000", code[:4] + "00", code[:6], code[:9]) if c != code]
            return q_region(scope, f"{via}region_id") | Q(**{f"{via}region_id__in": above})
        return None


# ------------------------------------------------------------------ the ledger
class PublicSpace(PythonCheckedMixin, TimeStampedModel):
    """One public space of a compound (物业服务用房, 业委会办公用房, 政务管理用房 ...)."""

    compound = models.ForeignKey(
        "registry.Compound", verbose_name="小区", on_delete=models.PROTECT, related_name="public_spaces"
    )
    kind = models.CharField("用房类别", max_length=20, choices=SpaceKind.choices, db_index=True)
    name = models.CharField("名称", max_length=100, help_text="如 物业服务中心、3号楼底商101")
    room_type = models.CharField("房屋性质", max_length=16, choices=RoomType.choices, default=RoomType.ROOM)
    building = models.CharField("所在楼栋", max_length=50, blank=True)
    floor = models.SmallIntegerField("所在楼层", help_text="地下层填负数，如 -1")
    above_ground = models.BooleanField("地面以上", default=True)
    has_lift = models.BooleanField("所在楼栋有电梯", default=False)
    is_residential = models.BooleanField("居住用房", default=False, help_text="物业服务用房应为非居住房屋")
    floor_area = models.DecimalField(
        "建筑面积（㎡）", max_digits=10, decimal_places=2, validators=POSITIVE_AREA
    )
    clear_height = models.DecimalField(
        "室内层高（m）", max_digits=4, decimal_places=2, validators=NON_NEGATIVE_HEIGHT
    )
    status = models.CharField(
        "使用状态", max_length=12, choices=SpaceStatus.choices, default=SpaceStatus.AS_INTENDED, db_index=True
    )
    occupant_kind = models.CharField("占用方类别", max_length=20, choices=OccupantKind.choices, blank=True)
    occupant_name = models.CharField("占用方", max_length=100, blank=True)
    occupied_since = models.DateField("占用起始日期", null=True, blank=True)
    converted_use = models.CharField("改变后的用途", max_length=100, blank=True)
    converted_decision = models.CharField(
        "业主大会决定",
        max_length=200,
        blank=True,
        help_text="改变共有部分用途须经业主大会决定（民法典第278条）",
    )
    # The owners' decision itself (apps/voting): a passed decision of this compound, checked by
    # services.space_create / space_update.
    owners_decision = models.ForeignKey(
        "voting.Decision",
        verbose_name="业主共同决定（表决）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.CharField("备注", max_length=300, blank=True)
    is_generated = models.BooleanField("演示数据（生成）", default=False)

    class Meta:
        verbose_name = "公共用房"
        verbose_name_plural = "公共用房"
        ordering = ["compound_id", "kind", "id"]
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_area_positive",
                condition=Q(floor_area__gt=0),
                violation_error_message="建筑面积必须大于0",
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_height_non_negative",
                condition=Q(clear_height__gte=0),
                violation_error_message="室内层高不能小于0",
            ),
        ]
        indexes = [models.Index(fields=["compound", "kind"], name="spaces_space_compound_kind")]

    def __str__(self):
        return f"{self.compound.name} {self.name}" if self.compound_id else self.name

    def get_absolute_url(self):
        return reverse("space_detail", args=[self.pk])

    @property
    def audit_region_code(self) -> str:
        return self.compound.community_id

    def clean(self):
        errors = {}
        if self.floor is not None and self.above_ground and self.floor < 1:
            errors["floor"] = "地面以上的用房所在楼层应不小于1"
        if self.floor is not None and not self.above_ground and self.floor > 0:
            errors["floor"] = "地下用房的楼层请填负数，如 -1"
        if self.status == SpaceStatus.OCCUPIED:
            if not self.occupant_name:
                errors["occupant_name"] = "被占用的用房须填写占用方"
            if not self.occupied_since:
                errors["occupied_since"] = "被占用的用房须填写占用起始日期"
        if (
            self.status == SpaceStatus.CONVERTED
            and not self.converted_decision
            and not self.owners_decision_id
        ):
            errors["converted_decision"] = "改变用途须经业主大会同意，请填写业主大会决定或关联表决"
        if self.owners_decision_id and self.status != SpaceStatus.CONVERTED:
            errors["owners_decision"] = "只有“经业主大会同意改变用途”的用房可关联业主共同决定"
        if errors:
            raise ValidationError(errors)

    @classmethod
    def scope_q(cls, scope: Scope, via: str = ""):
        return _compound_q(scope, f"{via}compound__")


def document_path(instance, filename: str) -> str:
    today = datetime.date.today()
    return f"spaces/{today:%Y/%m}/{filename}"


PDF_MAGIC = b"%PDF-"
IMAGE_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}


def validate_document(upload) -> None:
    """A document is a PDF or an image, proven by its content (not by its name)."""
    name = getattr(upload, "name", "") or "文件"
    max_bytes = settings.SPACES_DOCUMENT_MAX_BYTES
    size = getattr(upload, "size", None)
    if size is not None and size > max_bytes:
        raise ValidationError(f"“{name}”超过{max_bytes // 1024 // 1024}MB", code="document_too_large")
    if hasattr(upload, "seek"):
        upload.seek(0)
    head = upload.read(max_bytes + 1) if hasattr(upload, "read") else b""
    if hasattr(upload, "seek"):
        upload.seek(0)
    if not head:
        raise ValidationError(f"“{name}”是空文件", code="document_empty")
    if head.startswith(PDF_MAGIC):
        return
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(head)) as image:
            fmt = image.format
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError(
            f"“{name}”不是PDF或图片文件，请上传PDF、JPG、PNG", code="document_type"
        ) from exc
    if fmt not in IMAGE_FORMATS:
        raise ValidationError(f"“{name}”的格式（{fmt}）不支持，请上传PDF、JPG、PNG", code="document_type")


class SpaceDocument(TimeStampedModel):
    """A document of a space or of a recovery case: planning approval, handover record, photos."""

    space = models.ForeignKey(
        PublicSpace,
        verbose_name="公共用房",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="documents",
    )
    recovery = models.ForeignKey(
        "spaces.RecoveryCase",
        verbose_name="清理案件",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="documents",
    )
    kind = models.CharField("文件类别", max_length=12, choices=DocumentKind.choices)
    title = models.CharField("标题", max_length=100)
    file = models.FileField("文件", upload_to=document_path, max_length=200, validators=[validate_document])

    class Meta:
        verbose_name = "公共用房文件"
        verbose_name_plural = "公共用房文件"
        ordering = ["-created_at", "id"]
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_one_owner",
                condition=Q(space__isnull=False, recovery__isnull=True)
                | Q(space__isnull=True, recovery__isnull=False),
                violation_error_message="文件须属于一处公共用房或一件清理案件",
            )
        ]

    def __str__(self):
        return self.title

    @property
    def audit_region_code(self) -> str:
        owner = self.space or self.recovery
        return owner.audit_region_code if owner else ""

    @classmethod
    def scope_q(cls, scope: Scope, via: str = ""):
        a = _compound_q(scope, f"{via}space__compound__")
        b = _compound_q(scope, f"{via}recovery__compound__")
        return None if a is None else a | b


# ------------------------------------------------------------------ recovery (公共用房清理)
class RecoveryCase(PythonCheckedMixin, TimeStampedModel):
    """A public room found occupied, and its recovery: joint action, hand-over, conversion."""

    compound = models.ForeignKey(
        "registry.Compound", verbose_name="小区", on_delete=models.PROTECT, related_name="space_recoveries"
    )
    space = models.ForeignKey(
        PublicSpace,
        verbose_name="公共用房",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="recoveries",
    )
    status = models.CharField(
        "进展", max_length=12, choices=RecoveryStatus.choices, default=RecoveryStatus.FOUND, db_index=True
    )
    occupant_kind = models.CharField("占用方类别", max_length=20, choices=OccupantKind.choices)
    occupant_name = models.CharField("占用方", max_length=100)
    occupied_area = models.DecimalField(
        "占用面积（㎡）", max_digits=10, decimal_places=2, validators=POSITIVE_AREA
    )
    occupied_since = models.DateField("占用起始日期", null=True, blank=True)
    found_on = models.DateField("发现日期")
    departments = models.ManyToManyField(
        "registry.Department", verbose_name="参与部门", blank=True, related_name="space_recoveries"
    )
    action_started_on = models.DateField("联合清理开始", null=True, blank=True)
    action_ended_on = models.DateField("联合清理结束", null=True, blank=True)
    action_note = models.CharField("联合清理情况", max_length=300, blank=True)
    recovered_on = models.DateField("收回日期", null=True, blank=True)
    recovered_area = models.DecimalField(
        "收回面积（㎡）", max_digits=10, decimal_places=2, null=True, blank=True, validators=POSITIVE_AREA
    )
    assessed_value = models.DecimalField(
        "评估价值（元）",
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"), "评估价值不能小于0")],
    )
    handed_to = models.CharField("移交对象", max_length=10, choices=HandoverTo.choices, blank=True)
    handed_to_name = models.CharField("接收组织", max_length=100, blank=True)
    handed_over_on = models.DateField("移交日期", null=True, blank=True)
    centre = models.ForeignKey(
        "spaces.ServiceCentre",
        verbose_name="建成的服务中心",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="recoveries",
    )
    converted_on = models.DateField("建成服务阵地日期", null=True, blank=True)
    is_generated = models.BooleanField("演示数据（生成）", default=False)

    class Meta:
        verbose_name = "公共用房清理案件"
        verbose_name_plural = "公共用房清理案件"
        ordering = ["-found_on", "-id"]
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_value_needs_area",
                condition=Q(assessed_value__isnull=True) | Q(recovered_area__isnull=False),
                violation_error_message="填写评估价值时必须填写收回面积",
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_area_positive",
                condition=Q(occupied_area__gt=0) & (Q(recovered_area__isnull=True) | Q(recovered_area__gt=0)),
                violation_error_message="面积必须大于0",
            ),
        ]
        indexes = [models.Index(fields=["status", "recovered_on"], name="spaces_recovery_status_on")]

    def __str__(self):
        return f"{self.compound.name} 公共用房清理" if self.compound_id else "公共用房清理"

    def get_absolute_url(self):
        return reverse("recovery_detail", args=[self.pk])

    @property
    def audit_region_code(self) -> str:
        return self.compound.community_id

    def clean(self):
        errors = {}
        if self.assessed_value is not None and self.recovered_area is None:
            errors["recovered_area"] = "填写评估价值时必须填写收回面积"
        if self.action_started_on and self.action_ended_on and self.action_ended_on < self.action_started_on:
            errors["action_ended_on"] = "联合清理结束日期不能早于开始日期"
        if self.recovered_on and self.found_on and self.recovered_on < self.found_on:
            errors["recovered_on"] = "收回日期不能早于发现日期"
        if errors:
            raise ValidationError(errors)

    @classmethod
    def scope_q(cls, scope: Scope, via: str = ""):
        return _compound_q(scope, f"{via}compound__")


# ------------------------------------------------------------------ service centres and rooms
class ServiceCentre(TimeStampedModel):
    """A party-and-residents service centre (党群服务中心) of a compound."""

    compound = models.ForeignKey(
        "registry.Compound", verbose_name="小区", on_delete=models.PROTECT, related_name="service_centres"
    )
    name = models.CharField("名称", max_length=100)
    space = models.ForeignKey(
        PublicSpace,
        verbose_name="所用公共用房",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    managed_by = models.CharField("管理方", max_length=100, blank=True, help_text="如 小区党支部")
    is_generated = models.BooleanField("演示数据（生成）", default=False)

    class Meta:
        verbose_name = "党群服务中心"
        verbose_name_plural = "党群服务中心"
        ordering = ["compound_id", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("centre_detail", args=[self.pk])

    @property
    def audit_region_code(self) -> str:
        return self.compound.community_id

    @classmethod
    def scope_q(cls, scope: Scope, via: str = ""):
        return _compound_q(scope, f"{via}compound__")


def validate_uses(value) -> None:
    valid = set(RoomUse.values)
    if not isinstance(value, list) or not value or any(v not in valid for v in value):
        raise ValidationError("请至少选择一项用途")


def validate_weekdays(value) -> None:
    if (
        not isinstance(value, list)
        or not value
        or any(not isinstance(v, int) or not 0 <= v <= 6 for v in value)
    ):
        raise ValidationError("开放日须为周一至周日中的若干天")


def all_week() -> list[int]:
    return [0, 1, 2, 3, 4, 5, 6]


class Room(PythonCheckedMixin, TimeStampedModel):
    """A room of a service centre that serves several uses (一屋多用) and can be booked."""

    centre = models.ForeignKey(
        ServiceCentre, verbose_name="服务中心", on_delete=models.CASCADE, related_name="rooms"
    )
    name = models.CharField("房间", max_length=60)
    uses = models.JSONField("用途", default=list, validators=[validate_uses])
    capacity = models.PositiveSmallIntegerField(
        "容纳人数", validators=[MinValueValidator(1, "容纳人数必须大于0")]
    )
    opens_at = models.TimeField("每日开放时间")
    closes_at = models.TimeField("每日关闭时间")
    open_weekdays = models.JSONField(
        "开放日", default=all_week, validators=[validate_weekdays], help_text="0=周一 … 6=周日"
    )
    requires_approval = models.BooleanField("预约须审批", default=False)
    is_active = models.BooleanField("可预约", default=True)

    class Meta:
        verbose_name = "活动室"
        verbose_name_plural = "活动室"
        ordering = ["centre_id", "name"]
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_hours_ordered",
                condition=Q(closes_at__gt=models.F("opens_at")),
                violation_error_message="关闭时间必须晚于开放时间",
            ),
            models.UniqueConstraint(
                fields=["centre", "name"],
                name="%(app_label)s_%(class)s_unique_name",
                violation_error_message="该服务中心已有同名房间",
            ),
        ]

    def __str__(self):
        return f"{self.centre.name} {self.name}" if self.centre_id else self.name

    def get_absolute_url(self):
        return reverse("room_detail", args=[self.pk])

    @property
    def audit_region_code(self) -> str:
        return self.centre.compound.community_id

    @property
    def uses_display(self) -> str:
        labels = dict(RoomUse.choices)
        return "、".join(labels.get(u, u) for u in self.uses or [])

    def open_hours_per_day(self) -> Decimal:
        start = datetime.datetime.combine(datetime.date(2000, 1, 1), self.opens_at)
        end = datetime.datetime.combine(datetime.date(2000, 1, 1), self.closes_at)
        return Decimal((end - start).total_seconds()) / Decimal(3600)

    def clean(self):
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": "关闭时间必须晚于开放时间"})

    @classmethod
    def scope_q(cls, scope: Scope, via: str = ""):
        return _compound_q(scope, f"{via}centre__compound__")


class BookingSeries(TimeStampedModel):
    """A weekly recurring activity (合唱每周二上午) that created one booking per week."""

    room = models.ForeignKey(Room, verbose_name="房间", on_delete=models.CASCADE, related_name="series")
    booker = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="预约人", on_delete=models.PROTECT, related_name="+"
    )
    group_name = models.CharField("团体", max_length=60, blank=True)
    use = models.CharField("用途", max_length=20, choices=RoomUse.choices)
    title = models.CharField("活动名称", max_length=60)
    weekday = models.PositiveSmallIntegerField("每周", validators=[MaxValueValidator(6, "0=周一 … 6=周日")])
    start_time = models.TimeField("开始时间")
    end_time = models.TimeField("结束时间")
    first_date = models.DateField("首次日期")
    last_date = models.DateField("截止日期")
    report = models.JSONField("生成情况", default=dict, blank=True)

    class Meta:
        verbose_name = "周期预约"
        verbose_name_plural = "周期预约"
        ordering = ["room_id", "weekday", "start_time"]

    def __str__(self):
        return self.title

    @property
    def audit_region_code(self) -> str:
        return self.room.centre.compound.community_id

    @classmethod
    def scope_q(cls, scope: Scope, via: str = ""):
        return _compound_q(scope, f"{via}room__centre__compound__")


class Booking(PythonCheckedMixin, TimeStampedModel):
    """One booked slot of a room. No two holding bookings of a room overlap (PostgreSQL: an
    exclusion constraint, migration 0002; every database: the check in services.booking_create)."""

    room = models.ForeignKey(Room, verbose_name="房间", on_delete=models.CASCADE, related_name="bookings")
    booker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="预约人",
        on_delete=models.PROTECT,
        related_name="room_bookings",
    )
    group_name = models.CharField("团体", max_length=60, blank=True, help_text="如 港湾新城合唱团")
    use = models.CharField("用途", max_length=20, choices=RoomUse.choices)
    title = models.CharField("活动名称", max_length=60)
    starts_at = models.DateTimeField("开始时间")
    ends_at = models.DateTimeField("结束时间")
    attendees = models.PositiveSmallIntegerField(
        "人数", default=1, validators=[MinValueValidator(1, "人数必须大于0")]
    )
    status = models.CharField(
        "状态", max_length=12, choices=BookingStatus.choices, default=BookingStatus.PENDING, db_index=True
    )
    series = models.ForeignKey(
        BookingSeries,
        verbose_name="周期预约",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="bookings",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审批人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decision_note = models.CharField("审批意见", max_length=200, blank=True)
    checked_in_at = models.DateTimeField("签到时间", null=True, blank=True)
    is_generated = models.BooleanField("演示数据（生成）", default=False)

    class Meta:
        verbose_name = "活动室预约"
        verbose_name_plural = "活动室预约"
        ordering = ["starts_at", "id"]
        permissions = [
            ("approve_booking", "可审批活动室预约"),
            ("checkin_booking", "可为活动室预约签到"),
        ]
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_time_ordered",
                condition=Q(ends_at__gt=models.F("starts_at")),
                violation_error_message="结束时间必须晚于开始时间",
            )
        ]
        indexes = [models.Index(fields=["room", "starts_at"], name="spaces_booking_room_start")]

    def __str__(self):
        local = self.starts_at.astimezone(datetime.timezone(datetime.timedelta(hours=8)))
        return f"{self.title} {local:%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        return reverse("booking_detail", args=[self.pk])

    @property
    def audit_region_code(self) -> str:
        return self.room.centre.compound.community_id

    @property
    def hours(self) -> Decimal:
        return Decimal((self.ends_at - self.starts_at).total_seconds()) / Decimal(3600)

    def clean(self):
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": "结束时间必须晚于开始时间"})

    @classmethod
    def scope_q(cls, scope: Scope, via: str = ""):
        return _compound_q(scope, f"{via}room__centre__compound__")
