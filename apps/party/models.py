import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse

from apps.core.models import TimeStampedModel
from apps.core.scoping import Scope, q_region
from apps.core.validators import mask_mobile, validate_mobile
from apps.party.choices import PartyOrgKind


class PartyOrg(TimeStampedModel):
    """A party organisation: industry committee, company organisation, compound or joint branch."""

    pii_fields = {"secretary_phone": "mobile"}  # apps/core/pii.py; shown masked to every role

    name = models.CharField("党组织名称", max_length=120, db_index=True)
    kind = models.CharField("类别", max_length=24, choices=PartyOrgKind.choices, db_index=True)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级党组织",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    region = models.ForeignKey(
        "regions.Region", verbose_name="所在区划", on_delete=models.PROTECT, related_name="+"
    )
    secretary_name = models.CharField("书记", max_length=50, blank=True)
    secretary_phone = models.CharField("书记电话", max_length=11, blank=True, validators=[validate_mobile])
    member_count = models.PositiveIntegerField("党员人数", default=0)
    founded_on = models.DateField("成立日期", null=True, blank=True)
    company = models.ForeignKey(
        "registry.PropertyCompany",
        verbose_name="所属物业企业",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="party_orgs",
        help_text="企业党组织填写",
    )
    compound = models.ForeignKey(
        "registry.Compound",
        verbose_name="所在小区",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="party_branches",
        help_text="小区党支部填写",
    )
    covered_companies = models.ManyToManyField(
        "registry.PropertyCompany",
        verbose_name="联建覆盖的物业企业",
        blank=True,
        related_name="joint_branches",
        help_text="联合党支部填写：覆盖的若干物业企业",
    )
    is_generated = models.BooleanField("演示数据（生成）", default=False)

    class Meta:
        verbose_name = "党组织"
        verbose_name_plural = "党组织"
        ordering = ["region_id", "kind", "name"]
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_company_org_has_company",
                condition=~Q(kind="company_org") | Q(company__isnull=False),
                violation_error_message="物业企业党组织必须指定所属企业",
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_branch_has_compound",
                condition=~Q(kind="compound_branch") | Q(compound__isnull=False),
                violation_error_message="小区党支部必须指定所在小区",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("partyorg_detail", args=[self.pk])

    @property
    def audit_region_code(self) -> str:
        return self.region_id

    @property
    def masked_secretary_phone(self) -> str:
        return mask_mobile(self.secretary_phone)

    def clean(self):
        errors = {}
        if self.kind == PartyOrgKind.COMPANY_ORG and not self.company_id:
            errors["company"] = "物业企业党组织必须指定所属企业"
        if self.kind == PartyOrgKind.COMPOUND_BRANCH:
            if not self.compound_id:
                errors["compound"] = "小区党支部必须指定所在小区"
            elif self.region_id and self.compound.community_id != self.region_id:
                errors["region"] = "小区党支部的所在区划应为小区所属社区"
        if self.kind != PartyOrgKind.COMPANY_ORG and self.company_id:
            errors["company"] = "只有物业企业党组织填写所属企业"
        if self.kind != PartyOrgKind.COMPOUND_BRANCH and self.compound_id:
            errors["compound"] = "只有小区党支部填写所在小区"
        if self.parent_id and self.parent_id == self.pk:
            errors["parent"] = "上级党组织不能是自身"
        from apps.core.validators import future_date_errors

        errors.update(future_date_errors(self, {"founded_on": "成立日期"}))
        if errors:
            raise ValidationError(errors)

    @classmethod
    def scope_q(cls, scope: Scope, via: str = ""):
        if scope.region_prefix:
            return q_region(scope, f"{via}region_id")
        if scope.company_id:
            # Exists, not a join through covered_companies: a join would repeat rows.
            joint = PartyOrg.covered_companies.through.objects.filter(
                partyorg_id=OuterRef(f"{via}pk" if via else "pk"), propertycompany_id=scope.company_id
            )
            return Q(**{f"{via}company_id": scope.company_id}) | Q(Exists(joint))
        if scope.compound_id:
            return Q(**{f"{via}compound_id": scope.compound_id})
        return None


class PartyInstructor(TimeStampedModel):
    """A party-building instructor (党建指导员): gives work coverage to companies and committees."""

    pii_fields = {"phone": "mobile"}  # apps/core/pii.py; shown masked to every role

    name = models.CharField("姓名", max_length=50)
    phone = models.CharField("手机号", max_length=11, blank=True, validators=[validate_mobile])
    sending_unit = models.CharField("选派单位", max_length=100, blank=True)
    region = models.ForeignKey(
        "regions.Region", verbose_name="工作区划", on_delete=models.PROTECT, related_name="+"
    )
    companies = models.ManyToManyField(
        "registry.PropertyCompany", verbose_name="指导的物业企业", blank=True, related_name="instructors"
    )
    committees = models.ManyToManyField(
        "committees.OwnersCommittee", verbose_name="指导的业委会", blank=True, related_name="instructors"
    )
    start_date = models.DateField("开始日期")
    end_date = models.DateField("结束日期", null=True, blank=True)
    is_generated = models.BooleanField("演示数据（生成）", default=False)

    class Meta:
        verbose_name = "党建指导员"
        verbose_name_plural = "党建指导员"
        ordering = ["region_id", "name"]
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_dates_ordered",
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                violation_error_message="结束日期不能早于开始日期",
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("instructor_detail", args=[self.pk])

    @property
    def audit_region_code(self) -> str:
        return self.region_id

    @property
    def masked_phone(self) -> str:
        return mask_mobile(self.phone)

    def clean(self):
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "结束日期不能早于开始日期"})

    def in_post(self, on: datetime.date) -> bool:
        return self.start_date <= on and (self.end_date is None or self.end_date >= on)

    @classmethod
    def scope_q(cls, scope: Scope, via: str = ""):
        if scope.region_prefix:
            return q_region(scope, f"{via}region_id")
        if scope.company_id:
            return Q(**{f"{via}companies": scope.company_id})
        return None


class PartyOrgRating(TimeStampedModel):
    """A star rating (星级评定) of a company party organisation — a simple record per year."""

    party_org = models.ForeignKey(
        PartyOrg, verbose_name="党组织", on_delete=models.CASCADE, related_name="ratings"
    )
    year = models.PositiveSmallIntegerField(
        "年度", validators=[MinValueValidator(2000, "年度不合理"), MaxValueValidator(2100, "年度不合理")]
    )
    stars = models.PositiveSmallIntegerField(
        "星级", validators=[MinValueValidator(1, "星级应为1到5星"), MaxValueValidator(5, "星级应为1到5星")]
    )
    issuer = models.CharField("评定单位", max_length=100)
    issued_on = models.DateField("评定日期", null=True, blank=True)

    class Meta:
        verbose_name = "党组织星级评定"
        verbose_name_plural = "党组织星级评定"
        ordering = ["-year", "party_org_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["party_org", "year"],
                name="%(app_label)s_%(class)s_one_per_year",
                violation_error_message="该党组织本年度已有星级评定",
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_stars_range",
                condition=Q(stars__gte=1, stars__lte=5),
                violation_error_message="星级应为1到5星",
            ),
        ]

    def __str__(self):
        return f"{self.party_org} {self.year}年 {self.stars}星"

    @property
    def audit_region_code(self) -> str:
        return self.party_org.region_id

    def clean(self):
        from apps.core.validators import future_date_errors, future_year_error

        errors = future_date_errors(self, {"issued_on": "评定日期"})
        if message := future_year_error(self.year, "年度"):
            errors["year"] = message
        if self.party_org_id and self.party_org.kind != PartyOrgKind.COMPANY_ORG:
            errors["party_org"] = "星级评定只适用于物业企业党组织"
        if errors:
            raise ValidationError(errors)

    @classmethod
    def scope_q(cls, scope: Scope, via: str = ""):
        return PartyOrg.scope_q(scope, via=f"{via}party_org__")


class RedCollarSecretary(TimeStampedModel):
    """A red-collar secretary (红领书记): a cadre dispatched to a community party organisation."""

    pii_fields = {"phone": "mobile"}  # apps/core/pii.py; shown masked to every role

    name = models.CharField("姓名", max_length=50)
    phone = models.CharField("手机号", max_length=11, blank=True, validators=[validate_mobile])
    sending_unit = models.CharField("选派单位", max_length=100)
    community = models.ForeignKey(
        "regions.Region",
        verbose_name="任职社区",
        on_delete=models.PROTECT,
        related_name="red_collar_secretaries",
    )
    start_date = models.DateField("任职开始")
    end_date = models.DateField("任职结束", null=True, blank=True)
    duties = models.TextField("工作职责", blank=True)
    is_generated = models.BooleanField("演示数据（生成）", default=False)

    class Meta:
        verbose_name = "红领书记"
        verbose_name_plural = "红领书记"
        ordering = ["community_id", "-start_date"]
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_dates_ordered",
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                violation_error_message="任职结束日期不能早于开始日期",
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("secretary_detail", args=[self.pk])

    @property
    def audit_region_code(self) -> str:
        return self.community_id

    @property
    def masked_phone(self) -> str:
        return mask_mobile(self.phone)

    def in_post(self, on: datetime.date) -> bool:
        return self.start_date <= on and (self.end_date is None or self.end_date >= on)

    def clean(self):
        errors = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = "任职结束日期不能早于开始日期"
        if self.community_id and self.community.level != "community":
            errors["community"] = "红领书记应选派到社区（村）"
        if errors:
            raise ValidationError(errors)

    @classmethod
    def scope_q(cls, scope: Scope, via: str = ""):
        return q_region(scope, f"{via}community_id")


def in_post_q(on: datetime.date, via: str = "") -> Q:
    """Q for people in post on a date (start ≤ on, and no end or end ≥ on)."""
    return Q(**{f"{via}start_date__lte": on}) & (
        Q(**{f"{via}end_date__isnull": True}) | Q(**{f"{via}end_date__gte": on})
    )
