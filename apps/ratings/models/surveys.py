"""Satisfaction surveys (满意度测评): templates, campaigns, one-time unit codes, responses."""

from __future__ import annotations

import secrets

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse

from apps.core.models import TimeStampedModel
from apps.core.scoping import Scope, q_region
from apps.ratings.choices import QuestionKind, ResponseVia


class SurveyTemplate(TimeStampedModel):
    """A questionnaire of a city, reused by its campaigns."""

    city = models.ForeignKey(
        "regions.Region", verbose_name="所属市", on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField("问卷名称", max_length=120)
    intro = models.TextField("卷首语", blank=True)
    is_generated = models.BooleanField("演示数据（生成）", default=False)

    class Meta:
        verbose_name = "测评问卷"
        verbose_name_plural = "测评问卷"
        ordering = ["city_id", "title"]

    def __str__(self):
        return self.title

    @property
    def audit_region_code(self) -> str:
        return self.city_id

    def clean(self):
        if self.city_id and self.city.level != "city":
            raise ValidationError({"city": "问卷按市制定"})

    @classmethod
    def scope_q(cls, scope: Scope, via: str = ""):
        if scope.region_prefix:
            return Q(**{f"{via}city__pk__startswith": scope.region_prefix[:4]})
        return None


class SurveyQuestion(models.Model):
    """A question: single or multiple choice, a 1–5 scale (feeds the index) or open text."""

    template = models.ForeignKey(
        SurveyTemplate, verbose_name="问卷", on_delete=models.CASCADE, related_name="questions"
    )
    order = models.PositiveSmallIntegerField("顺序", default=0)
    kind = models.CharField("题型", max_length=10, choices=QuestionKind.choices)
    text = models.CharField("题目", max_length=200)
    options = models.JSONField("选项", default=list, blank=True)
    required = models.BooleanField("必答", default=True)

    class Meta:
        verbose_name = "问卷题目"
        verbose_name_plural = "问卷题目"
        ordering = ["template_id", "order", "pk"]

    def __str__(self):
        return self.text

    def clean(self):
        if self.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            if not isinstance(self.options, list) or len(self.options) < 2:
                raise ValidationError({"options": "选择题至少需要两个选项"})
        elif self.options:
            raise ValidationError({"options": "只有选择题填写选项"})


def _token() -> str:
    return secrets.token_urlsafe(12)


class SurveyCampaign(TimeStampedModel):
    """A survey campaign: one questionnaire, a set of compounds, an answering period."""

    template = models.ForeignKey(
        SurveyTemplate, verbose_name="问卷", on_delete=models.PROTECT, related_name="campaigns"
    )
    region = models.ForeignKey(
        "regions.Region", verbose_name="组织区划", on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField("测评名称", max_length=120)
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期")
    compounds = models.ManyToManyField(
        "registry.Compound", verbose_name="参评小区", related_name="survey_campaigns"
    )
    token = models.CharField("链接标识", max_length=32, unique=True, default=_token, editable=False)
    closed_early_on = models.DateField("提前结束", null=True, blank=True)
    is_generated = models.BooleanField("演示数据（生成）", default=False)

    class Meta:
        verbose_name = "满意度测评"
        verbose_name_plural = "满意度测评"
        permissions = [("view_survey_text", "查看开放题答复（已去除个人信息）")]
        ordering = ["-starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_dates_ordered",
                condition=Q(ends_on__gte=models.F("starts_on")),
                violation_error_message="结束日期不能早于开始日期",
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("survey_campaign_detail", args=[self.pk])

    @property
    def audit_region_code(self) -> str:
        return self.region_id

    def is_open(self, on) -> bool:
        last = self.closed_early_on or self.ends_on
        return self.starts_on <= on <= last and not (self.closed_early_on and on >= self.closed_early_on)

    def clean(self):
        errors = {}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = "结束日期不能早于开始日期"
        if self.region_id and self.region.level not in ("city", "county", "street"):
            errors["region"] = "测评由市、县区或街道组织"
        if self.template_id and self.region_id and not self.region_id.startswith(self.template.city_id[:4]):
            errors["template"] = "只能使用本市的问卷"
        if errors:
            raise ValidationError(errors)

    @classmethod
    def scope_q(cls, scope: Scope, via: str = ""):
        if scope.region_prefix:
            # Officials see campaigns organised inside their region and above it (their compounds take part).
            return q_region(scope, f"{via}region_id") | Q(
                **{f"{via}region__pk__in": [scope.region_code[:4] + "00", scope.region_code[:6]]}
            )
        return None


class UnitCode(models.Model):
    """A one-time code issued to one exclusive unit for one campaign (only its hash is kept)."""

    campaign = models.ForeignKey(
        SurveyCampaign, verbose_name="测评", on_delete=models.CASCADE, related_name="codes"
    )
    unit = models.ForeignKey("registry.Unit", verbose_name="房屋", on_delete=models.CASCADE, related_name="+")
    code_hash = models.CharField("户码摘要", max_length=64, unique=True)
    used_at = models.DateTimeField("使用时间", null=True, blank=True)

    class Meta:
        verbose_name = "测评户码"
        verbose_name_plural = "测评户码"
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "unit"],
                name="%(app_label)s_%(class)s_one_per_unit",
                violation_error_message="该房屋已发放本次测评户码",
            )
        ]

    def __str__(self):
        return f"{self.campaign} 户码"


class SurveyResponse(models.Model):
    """One household's answers. Anonymous: the household is kept only as a keyed hash, so staff
    can refuse a second response without learning whose answers these are."""

    campaign = models.ForeignKey(
        SurveyCampaign, verbose_name="测评", on_delete=models.PROTECT, related_name="responses"
    )
    compound = models.ForeignKey(
        "registry.Compound", verbose_name="小区", on_delete=models.PROTECT, related_name="+"
    )
    household_key = models.CharField("住户标识摘要", max_length=64)
    via = models.CharField("核验方式", max_length=8, choices=ResponseVia.choices)
    submitted_on = models.DateField("提交日期")
    index = models.DecimalField("满意度指数", max_digits=5, decimal_places=1, null=True, blank=True)
    is_generated = models.BooleanField("演示数据（生成）", default=False)

    class Meta:
        verbose_name = "测评答卷"
        verbose_name_plural = "测评答卷"
        ordering = ["campaign_id", "pk"]
        indexes = [models.Index(fields=["compound", "campaign"], name="ratings_resp_compound_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "household_key"],
                name="%(app_label)s_%(class)s_one_per_household",
                violation_error_message="该户已提交过本次测评",
            )
        ]

    def __str__(self):
        return f"{self.campaign} 答卷"

    @property
    def audit_region_code(self) -> str:
        return self.compound.community_id

    @classmethod
    def scope_q(cls, scope: Scope, via: str = ""):
        if scope.region_prefix:
            return q_region(scope, f"{via}compound__community_id")
        return None


class SurveyAnswer(models.Model):
    """The answer to one question of one response."""

    response = models.ForeignKey(
        SurveyResponse, verbose_name="答卷", on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(
        SurveyQuestion, verbose_name="题目", on_delete=models.PROTECT, related_name="+"
    )
    choices = models.JSONField("所选", default=list, blank=True)
    scale = models.PositiveSmallIntegerField("评分", null=True, blank=True)
    text = models.TextField("填写内容", blank=True)

    class Meta:
        verbose_name = "答题"
        verbose_name_plural = "答题"
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_scale_range",
                condition=Q(scale__isnull=True) | Q(scale__gte=1, scale__lte=5),
                violation_error_message="评分应为1到5分",
            )
        ]

    def __str__(self):
        return str(self.question)
