from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from apps.core.models import TimeStampedModel
from apps.core.scoping import Scope
from apps.registry.choices import DepartmentKind
from apps.workorders.choices import HandlerKind, LimitUnit, Urgency

LIMIT_VALIDATORS = [MinValueValidator(1, "期限至少为1"), MaxValueValidator(720, "期限过长（最多720）")]


@dataclass(frozen=True)
class Limit:
    amount: int
    unit: str

    def __str__(self):
        return f"{self.amount}{LimitUnit(self.unit).label}"


@dataclass(frozen=True)
class StageLimits:
    """The time limits of the three stages: accept (受理派单), sign (签收), resolve (办结)."""

    accept: Limit
    sign: Limit
    resolve: Limit


class StageLimitFields(models.Model):
    """Six fields: a number and a unit for each of the three stages."""

    accept_limit = models.PositiveSmallIntegerField("受理派单时限", validators=LIMIT_VALIDATORS)
    accept_unit = models.CharField(
        "受理派单时限单位", max_length=16, choices=LimitUnit.choices, default=LimitUnit.WORKING_DAYS
    )
    sign_limit = models.PositiveSmallIntegerField("签收时限", validators=LIMIT_VALIDATORS)
    sign_unit = models.CharField(
        "签收时限单位", max_length=16, choices=LimitUnit.choices, default=LimitUnit.WORKING_DAYS
    )
    resolve_limit = models.PositiveSmallIntegerField("办结时限", validators=LIMIT_VALIDATORS)
    resolve_unit = models.CharField(
        "办结时限单位", max_length=16, choices=LimitUnit.choices, default=LimitUnit.WORKING_DAYS
    )

    class Meta:
        abstract = True

    @property
    def stage_limits(self) -> StageLimits:
        return StageLimits(
            accept=Limit(self.accept_limit, self.accept_unit),
            sign=Limit(self.sign_limit, self.sign_unit),
            resolve=Limit(self.resolve_limit, self.resolve_unit),
        )


class Category(StageLimitFields, TimeStampedModel):
    """A kind of request (诉求分类) with its default handling unit and default time limits."""

    code = models.SlugField(
        "分类代码", max_length=32, unique=True, error_messages={"unique": "分类代码已存在"}
    )
    name = models.CharField(
        "分类名称", max_length=30, unique=True, error_messages={"unique": "分类名称已存在"}
    )
    description = models.CharField("说明", max_length=200, blank=True)
    default_handler_kind = models.CharField(
        "默认处理单位", max_length=16, choices=HandlerKind.choices, default=HandlerKind.COMPANY
    )
    default_department_kind = models.CharField(
        "默认职能部门类别",
        max_length=24,
        choices=DepartmentKind.choices,
        blank=True,
        help_text="默认处理单位为职能部门时填写",
    )
    evidence_required = models.BooleanField("办结须上传照片", default=True)
    is_active = models.BooleanField("启用", default=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=100)

    class Meta:
        verbose_name = "诉求分类"
        verbose_name_plural = "诉求分类"
        ordering = ["sort_order", "id"]

    def __str__(self):
        return self.name

    def clean(self):
        if self.default_handler_kind == HandlerKind.DEPARTMENT and not self.default_department_kind:
            raise ValidationError({"default_department_kind": "默认处理单位为职能部门时，请选择部门类别"})

    @classmethod
    def scope_q(cls, scope: Scope, via: str = ""):
        return Q()  # the list of categories is public to every signed-in user


class CategoryLimit(StageLimitFields, TimeStampedModel):
    """Time limits of a category for one urgency, for one city or (city blank) all cities.

    Lookup order: this city and urgency → all cities and urgency → (urgent only) the same chain
    for 一般 → the category's defaults. City officials edit their own city's rows.
    """

    category = models.ForeignKey(
        Category, verbose_name="分类", on_delete=models.CASCADE, related_name="limits"
    )
    urgency = models.CharField("紧急程度", max_length=10, choices=Urgency.choices)
    city_code = models.CharField(
        "适用城市区划代码", max_length=6, blank=True, help_text="留空表示适用于所有城市", db_index=True
    )
    note = models.CharField("依据/说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "分类时限"
        verbose_name_plural = "分类时限"
        ordering = ["category_id", "city_code", "urgency"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "urgency", "city_code"],
                name="%(app_label)s_%(class)s_unique_rule",
                violation_error_message="该分类在此城市、此紧急程度下已有时限设置",
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_city_code_form",
                condition=Q(city_code="") | Q(city_code__regex=r"^[0-9]{4}00$"),
                violation_error_message="适用城市应为6位市级区划代码（末两位为00），或留空",
            ),
        ]

    def __str__(self):
        return f"{self.category} · {self.get_urgency_display()} · {self.city_code or '全部城市'}"

    @property
    def audit_region_code(self) -> str:
        return self.city_code

    @classmethod
    def scope_q(cls, scope: Scope, via: str = ""):
        if scope.region_prefix:
            city = scope.region_code[:4] + "00"
            return Q(**{f"{via}city_code__in": ["", city]}) | Q(
                **{f"{via}city_code__startswith": scope.region_prefix}
            )
        return Q(**{f"{via}city_code": ""})
