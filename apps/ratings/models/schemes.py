"""Rating schemes (评定办法): dimensions → items, veto items and star cut-offs."""

from __future__ import annotations

import itertools
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse

from apps.core.models import TimeStampedModel
from apps.core.scoping import Scope, q_region
from apps.ratings.choices import CurveKind, Indicator, ItemMethod, SubjectKind
from apps.ratings.validators import validate_document


class RatingScheme(TimeStampedModel):
    """A rating scheme of one jurisdiction and subject kind; a scheme in use is never edited."""

    jurisdiction = models.ForeignKey(
        "regions.Region", verbose_name="制定区划（市或县区）", on_delete=models.PROTECT, related_name="+"
    )
    subject_kind = models.CharField("评定对象", max_length=20, choices=SubjectKind.choices)
    title = models.CharField("办法名称", max_length=120)
    version = models.PositiveSmallIntegerField("版本", default=1)
    previous = models.ForeignKey(
        "self", verbose_name="上一版本", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source_document = models.FileField(
        "依据文件", upload_to="ratings/schemes/", blank=True, validators=[validate_document]
    )
    source_note = models.CharField("文件文号或说明", max_length=200, blank=True)
    effective_from = models.DateField("生效日期")
    effective_to = models.DateField("失效日期", null=True, blank=True)
    total_points = models.DecimalField("总分", max_digits=6, decimal_places=1)
    star_cutoffs = models.JSONField(
        "星级分数线", default=list, help_text="一星到五星的最低分，严格递增，如 [60, 70, 80, 88, 94]"
    )
    is_example = models.BooleanField("示例办法", default=False)
    is_legacy = models.BooleanField("历史数据", default=False)
    is_generated = models.BooleanField("演示数据（生成）", default=False)

    class Meta:
        verbose_name = "评定办法"
        verbose_name_plural = "评定办法"
        ordering = ["jurisdiction_id", "subject_kind", "title", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "subject_kind", "title", "version"],
                name="%(app_label)s_%(class)s_one_version",
                violation_error_message="该办法的这一版本已存在",
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_dates_ordered",
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=models.F("effective_from")),
                violation_error_message="失效日期不能早于生效日期",
            ),
        ]

    def __str__(self):
        label = f"{self.title}（第{self.version}版）"
        return f"【示例】{label}" if self.is_example else label

    def get_absolute_url(self):
        return reverse("scheme_detail", args=[self.pk])

    @property
    def audit_region_code(self) -> str:
        return self.jurisdiction_id

    def stars_for(self, score: Decimal | None) -> int | None:
        """Stars of a total score under this scheme's cut-offs (None below one star)."""
        if score is None:
            return None
        stars = None
        for i, cut in enumerate(self.star_cutoffs, start=1):
            if score >= Decimal(str(cut)):
                stars = i
        return stars

    def clean(self):
        errors = {}
        if self.jurisdiction_id and self.jurisdiction.level not in ("city", "county"):
            errors["jurisdiction"] = "评定办法由市或县区制定"
        cuts = self.star_cutoffs
        if not isinstance(cuts, list) or not 1 <= len(cuts) <= 5:
            errors["star_cutoffs"] = "星级分数线应为一到五个分数"
        else:
            try:
                values = [Decimal(str(c)) for c in cuts]
            except Exception:
                values = None
                errors["star_cutoffs"] = "星级分数线应为数字"
            if values is not None:
                if any(b <= a for a, b in itertools.pairwise(values)):
                    errors["star_cutoffs"] = "星级分数线必须严格递增"
                elif values[0] < 0 or (self.total_points is not None and values[-1] > self.total_points):
                    errors["star_cutoffs"] = "星级分数线应在 0 到总分之间"
        if self.effective_from and self.effective_to and self.effective_to < self.effective_from:
            errors["effective_to"] = "失效日期不能早于生效日期"
        if errors:
            raise ValidationError(errors)

    @classmethod
    def scope_q(cls, scope: Scope, via: str = ""):
        """Officials see the schemes of their own and their enclosing jurisdictions (a county sees
        the city's scheme); company staff and others see the schemes that rate them via rounds."""
        if scope.region_prefix:
            inside = q_region(scope, f"{via}jurisdiction_id")
            above = Q(**{f"{via}jurisdiction__pk__in": _ancestors(scope.region_code)})
            return inside | above
        if scope.company_id:
            from apps.ratings.models.rounds import RatingEntry

            rated = RatingEntry.objects.filter(
                scheme=OuterRef(f"{via}pk" if via else "pk"), party_org__company_id=scope.company_id
            )
            served = RatingEntry.objects.filter(
                scheme=OuterRef(f"{via}pk" if via else "pk"), compound__company_id=scope.company_id
            )
            return Q(Exists(rated)) | Q(Exists(served))
        return None


def _ancestors(code: str) -> list[str]:
    """City and county codes enclosing a region code (NBS prefixes)."""
    out = []
    if len(code) >= 4:
        out.append(code[:4] + "00")
    if len(code) >= 6:
        out.append(code[:6])
    return out


class SchemeDimension(models.Model):
    """A dimension (评定维度) of a scheme, e.g. 党建引领好, with its share of the points."""

    scheme = models.ForeignKey(
        RatingScheme, verbose_name="评定办法", on_delete=models.CASCADE, related_name="dimensions"
    )
    order = models.PositiveSmallIntegerField("顺序", default=0)
    name = models.CharField("维度名称", max_length=60)
    max_points = models.DecimalField("满分", max_digits=6, decimal_places=1)

    class Meta:
        verbose_name = "评定维度"
        verbose_name_plural = "评定维度"
        ordering = ["scheme_id", "order", "pk"]

    def __str__(self):
        return self.name


class SchemeItem(models.Model):
    """One item (评定细则): assessor-scored with evidence, objective by an indicator, or a veto."""

    dimension = models.ForeignKey(
        SchemeDimension,
        verbose_name="维度",
        on_delete=models.CASCADE,
        related_name="items",
        null=True,
        blank=True,
    )
    scheme = models.ForeignKey(
        RatingScheme, verbose_name="评定办法", on_delete=models.CASCADE, related_name="items"
    )
    order = models.PositiveSmallIntegerField("顺序", default=0)
    code = models.CharField("编号", max_length=20)
    name = models.CharField("评定内容", max_length=200)
    method = models.CharField("计分方式", max_length=12, choices=ItemMethod.choices)
    max_points = models.DecimalField("满分", max_digits=6, decimal_places=1, default=Decimal("0"))
    indicator = models.CharField("客观指标", max_length=30, choices=Indicator.choices, blank=True)
    curve_kind = models.CharField("计分曲线", max_length=12, choices=CurveKind.choices, blank=True)
    curve = models.JSONField(
        "曲线参数",
        default=dict,
        blank=True,
        help_text='分档：{"steps": [[值, 分], ...]}（达到该值得该分，取最高档）；线性：{"zero": 值, "full": 值}；'
        '可选 "missing": 无数据时得分',
    )
    guidance = models.CharField("评分说明", max_length=300, blank=True)

    class Meta:
        verbose_name = "评定细则"
        verbose_name_plural = "评定细则"
        ordering = ["scheme_id", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "code"],
                name="%(app_label)s_%(class)s_code_unique",
                violation_error_message="同一办法内细则编号不能重复",
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_veto_no_points",
                condition=~Q(method="veto") | Q(max_points=0),
                violation_error_message="一票否决项不计分",
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def is_veto(self) -> bool:
        return self.method == ItemMethod.VETO

    def points_for(self, value: Decimal | None) -> Decimal:
        """Points an objective value earns on this item's curve (0 when there is no value)."""
        if value is None:
            # A scheme may say what an item earns without data (e.g. no call-backs in the period).
            return min(Decimal(str((self.curve or {}).get("missing", 0))), self.max_points)
        if self.curve_kind == CurveKind.THRESHOLDS:
            best = Decimal("0")
            for threshold, points in self.curve.get("steps", []):
                t, p = Decimal(str(threshold)), Decimal(str(points))
                # Steps on a falling indicator (complaints) list the thresholds descending.
                if (self.curve.get("lower_is_better") and value <= t) or (
                    not self.curve.get("lower_is_better") and value >= t
                ):
                    best = max(best, p)
            return min(best, self.max_points)
        zero, full = Decimal(str(self.curve.get("zero", 0))), Decimal(str(self.curve.get("full", 0)))
        if zero == full:
            return self.max_points if value >= full else Decimal("0")
        share = (value - zero) / (full - zero)
        share = max(Decimal("0"), min(Decimal("1"), share))
        return (self.max_points * share).quantize(Decimal("0.1"))

    def clean(self):
        errors = {}
        if self.max_points is not None and self.max_points < 0:
            errors["max_points"] = "满分不能为负数"
        if self.method == ItemMethod.VETO and self.max_points:
            errors["max_points"] = "一票否决项不计分"
        if self.method != ItemMethod.VETO and not self.max_points:
            errors["max_points"] = "计分项的满分必须大于0"
        if self.method == ItemMethod.OBJECTIVE:
            if not self.indicator:
                errors["indicator"] = "客观指标项必须选择指标"
            if self.curve_kind == CurveKind.THRESHOLDS:
                steps = (self.curve or {}).get("steps")
                if not steps or not all(isinstance(s, list | tuple) and len(s) == 2 for s in steps):
                    errors["curve"] = "分档计分须列出 [值, 分] 档位"
                elif any(Decimal(str(p)) > (self.max_points or 0) for _, p in steps):
                    errors["curve"] = "档位得分不能超过本项满分"
            elif self.curve_kind == CurveKind.LINEAR:
                if "zero" not in (self.curve or {}) or "full" not in (self.curve or {}):
                    errors["curve"] = "线性计分须给出零分值和满分值"
            else:
                errors["curve_kind"] = "客观指标项必须选择计分曲线"
            missing = (self.curve or {}).get("missing")
            if missing is not None and (
                Decimal(str(missing)) < 0 or Decimal(str(missing)) > (self.max_points or 0)
            ):
                errors["curve"] = "无数据时得分应在 0 到本项满分之间"
        if errors:
            raise ValidationError(errors)
