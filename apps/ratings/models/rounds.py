"""Rating rounds (年度评定), each subject's entry in a round (its result), item scores, objections."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse

from apps.core.models import TimeStampedModel
from apps.core.scoping import Scope, q_region
from apps.ratings.choices import EntryStatus, ObjectionStatus, RoundStatus
from apps.ratings.validators import validate_document


class RatingRound(TimeStampedModel):
    """An annual rating round opened by a city with one scheme and a timetable."""

    scheme = models.ForeignKey(
        "ratings.RatingScheme", verbose_name="评定办法", on_delete=models.PROTECT, related_name="rounds"
    )
    region = models.ForeignKey(
        "regions.Region", verbose_name="组织区划", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField("评定年度")
    title = models.CharField("名称", max_length=120)
    period_start = models.DateField("考评期起")
    period_end = models.DateField("考评期止")
    self_assess_due = models.DateField("自评截止")
    review_due = models.DateField("审核截止")
    status = models.CharField("状态", max_length=10, choices=RoundStatus.choices, default=RoundStatus.OPEN)
    notice_starts_on = models.DateField("公示开始", null=True, blank=True)
    notice_ends_on = models.DateField("公示结束", null=True, blank=True)
    is_generated = models.BooleanField("演示数据（生成）", default=False)

    class Meta:
        verbose_name = "评定轮次"
        verbose_name_plural = "评定轮次"
        ordering = ["-year", "region_id", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "region", "year"],
                name="%(app_label)s_%(class)s_one_per_year",
                violation_error_message="该区划本年度已用此办法开展评定",
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_period_ordered",
                condition=Q(period_end__gte=models.F("period_start")),
                violation_error_message="考评期止不能早于考评期起",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("round_detail", args=[self.pk])

    @property
    def audit_region_code(self) -> str:
        return self.region_id

    def clean(self):
        errors = {}
        if self.period_start and self.period_end and self.period_end < self.period_start:
            errors["period_end"] = "考评期止不能早于考评期起"
        if self.self_assess_due and self.review_due and self.review_due < self.self_assess_due:
            errors["review_due"] = "审核截止不能早于自评截止"
        if self.region_id and self.region.level != "city":
            errors["region"] = "评定轮次由市级组织"
        if (
            self.scheme_id
            and self.region_id
            and not self.region_id.startswith(self.scheme.jurisdiction_id[:4])
        ):
            errors["scheme"] = "只能使用本市（或所辖县区）的评定办法"
        if errors:
            raise ValidationError(errors)

    @classmethod
    def scope_q(cls, scope: Scope, via: str = ""):
        if scope.region_prefix:
            # A county or street sees its city's rounds (its subjects are rated in them).
            return Q(**{f"{via}region__pk__startswith": scope.region_prefix[:4]})
        if scope.company_id:
            return Q(**{f"{via}region__pk__in": _company_cities(scope.company_id)})
        if scope.compound_id:
            return Q(**{f"{via}region__pk__in": _compound_cities(scope.compound_id)})
        return None


def _company_cities(company_id: int) -> list[str]:
    from apps.registry.models import PropertyCompany

    codes = PropertyCompany.objects.filter(pk=company_id).values_list("region_id", flat=True)
    return [c[:4] + "00" for c in codes]


def _compound_cities(compound_id: int) -> list[str]:
    from apps.registry.models import Compound

    codes = Compound.objects.filter(pk=compound_id).values_list("community_id", flat=True)
    return [c[:4] + "00" for c in codes]


class RatingEntry(TimeStampedModel):
    """One subject in one round — and, once final, its rating result (valid until the next round).

    Legacy results (typed-in star records before the engine) have no round and belong to the
    "历史数据" scheme."""

    round = models.ForeignKey(
        RatingRound,
        verbose_name="评定轮次",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="entries",
    )
    scheme = models.ForeignKey(
        "ratings.RatingScheme", verbose_name="评定办法", on_delete=models.PROTECT, related_name="entries"
    )
    party_org = models.ForeignKey(
        "party.PartyOrg",
        verbose_name="物业企业党组织",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="star_results",
    )
    compound = models.ForeignKey(
        "registry.Compound",
        verbose_name="物业服务项目（小区）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="star_results",
    )
    region = models.ForeignKey(
        "regions.Region", verbose_name="所在区划", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField("评定年度")
    status = models.CharField("状态", max_length=10, choices=EntryStatus.choices, default=EntryStatus.PENDING)
    self_score = models.DecimalField("自评得分", max_digits=6, decimal_places=1, null=True, blank=True)
    score = models.DecimalField("审核得分", max_digits=6, decimal_places=1, null=True, blank=True)
    stars = models.PositiveSmallIntegerField("星级", null=True, blank=True)
    vetoed = models.BooleanField("一票否决", default=False)
    veto_reason = models.CharField("否决原因", max_length=300, blank=True)
    valid_from = models.DateField("生效日期", null=True, blank=True)
    valid_until = models.DateField("有效期至", null=True, blank=True, help_text="下一轮评定生效时截止")
    revoked_stars = models.PositiveSmallIntegerField("撤销前星级", null=True, blank=True)
    revoke_reason = models.CharField("撤销原因", max_length=300, blank=True)
    is_legacy = models.BooleanField("历史数据", default=False)
    legacy_issuer = models.CharField("评定单位（历史数据）", max_length=100, blank=True)
    is_generated = models.BooleanField("演示数据（生成）", default=False)

    class Meta:
        verbose_name = "评定结果"
        verbose_name_plural = "评定结果"
        permissions = [
            ("selfassess_ratingentry", "提交自评"),
            ("review_ratingentry", "审核打分"),
            ("approve_ratingentry", "审定评定结果"),
            ("revoke_ratingentry", "撤销星级"),
        ]
        ordering = ["-year", "region_id", "pk"]
        indexes = [models.Index(fields=["party_org", "status", "year"], name="ratings_entry_org_idx")]
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_one_subject",
                condition=(Q(party_org__isnull=False) & Q(compound__isnull=True))
                | (Q(party_org__isnull=True) & Q(compound__isnull=False)),
                violation_error_message="评定对象须为一个企业党组织或一个服务项目",
            ),
            models.UniqueConstraint(
                fields=["round", "party_org"],
                name="%(app_label)s_%(class)s_org_once_per_round",
                violation_error_message="该党组织已在本轮评定中",
            ),
            models.UniqueConstraint(
                fields=["round", "compound"],
                name="%(app_label)s_%(class)s_compound_once_per_round",
                violation_error_message="该项目已在本轮评定中",
            ),
            models.UniqueConstraint(
                fields=["party_org", "year"],
                condition=Q(is_legacy=True),
                name="%(app_label)s_%(class)s_legacy_once_per_year",
                violation_error_message="该党组织本年度已有历史星级记录",
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_stars_range",
                condition=Q(stars__isnull=True) | Q(stars__gte=1, stars__lte=5),
                violation_error_message="星级应为1到5星",
            ),
        ]

    def __str__(self):
        return f"{self.subject} {self.year}年"

    def get_absolute_url(self):
        return reverse("entry_detail", args=[self.pk])

    @property
    def subject(self):
        return self.party_org if self.party_org_id else self.compound

    @property
    def audit_region_code(self) -> str:
        return self.region_id

    @property
    def stars_label(self) -> str:
        if self.status == EntryStatus.REVOKED:
            return f"已撤销（原{self.revoked_stars}星）" if self.revoked_stars else "已撤销"
        if self.vetoed:
            return "一票否决"
        return f"{self.stars}星" if self.stars else "未达星级"

    @classmethod
    def scope_q(cls, scope: Scope, via: str = ""):
        if scope.region_prefix:
            return q_region(scope, f"{via}region_id")
        if scope.company_id:
            return Q(**{f"{via}party_org__company_id": scope.company_id}) | Q(
                **{f"{via}compound__company_id": scope.company_id}
            )
        if scope.compound_id:
            return Q(**{f"{via}compound_id": scope.compound_id})
        return None


class ItemScore(models.Model):
    """One item of one entry: the self-assessment, the computed objective value, the review."""

    entry = models.ForeignKey(
        RatingEntry, verbose_name="评定结果", on_delete=models.CASCADE, related_name="scores"
    )
    item = models.ForeignKey(
        "ratings.SchemeItem", verbose_name="细则", on_delete=models.PROTECT, related_name="+"
    )
    self_points = models.DecimalField("自评分", max_digits=6, decimal_places=1, null=True, blank=True)
    self_note = models.CharField("自评说明", max_length=500, blank=True)
    evidence = models.FileField(
        "佐证材料", upload_to="ratings/evidence/%Y/", blank=True, validators=[validate_document]
    )
    objective_value = models.DecimalField("指标值", max_digits=12, decimal_places=4, null=True, blank=True)
    objective_numerator = models.CharField("分子", max_length=60, blank=True)
    objective_denominator = models.CharField("分母", max_length=60, blank=True)
    objective_source = models.CharField("数据来源", max_length=300, blank=True)
    computed_points = models.DecimalField("按指标得分", max_digits=6, decimal_places=1, null=True, blank=True)
    review_points = models.DecimalField("审核得分", max_digits=6, decimal_places=1, null=True, blank=True)
    review_comment = models.CharField("审核意见", max_length=500, blank=True)
    override_reason = models.CharField("改动客观分的理由", max_length=500, blank=True)
    veto_hit = models.BooleanField("触发否决", default=False)

    class Meta:
        verbose_name = "细则得分"
        verbose_name_plural = "细则得分"
        ordering = ["entry_id", "item__order", "item_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "item"],
                name="%(app_label)s_%(class)s_once",
                violation_error_message="该细则已有得分记录",
            )
        ]

    def __str__(self):
        return f"{self.entry} · {self.item.code}"


class Objection(TimeStampedModel):
    """An objection (异议) lodged during the public notice; it must be answered before final."""

    entry = models.ForeignKey(
        RatingEntry, verbose_name="评定结果", on_delete=models.CASCADE, related_name="objections"
    )
    text = models.TextField("异议内容")
    lodged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="提出人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        "状态", max_length=10, choices=ObjectionStatus.choices, default=ObjectionStatus.OPEN
    )
    answer = models.TextField("答复", blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="答复人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)

    class Meta:
        verbose_name = "公示异议"
        verbose_name_plural = "公示异议"
        permissions = [("answer_objection", "答复异议")]
        ordering = ["entry_id", "pk"]

    def __str__(self):
        return f"对{self.entry}的异议"

    @property
    def audit_region_code(self) -> str:
        return self.entry.region_id

    @classmethod
    def scope_q(cls, scope: Scope, via: str = ""):
        return RatingEntry.scope_q(scope, via=f"{via}entry__")
