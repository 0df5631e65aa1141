"""Programmes that bring every old compound under property service (RULES.md §3 target 2, §8):
service arrangements over time, 兜底 agreements and inspections, 大手牵小手 pairings with their
subsidy schedule, and the subsidies ledger.

An arrangement is in force on the days [start_date, end_date] (end inclusive, open when empty).
Two arrangements of one compound never overlap: on PostgreSQL an exclusion constraint
(migration 0002, btree_gist over daterange), everywhere the same rule in services.py.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from apps.core.models import TimeStampedModel
from apps.core.scoping import Scope, q_region
from apps.programs.choices import (
    MODES_WITH_COMPANY,
    AgreementStatus,
    ArrangementMode,
    Basic,
    PairingOutcome,
    Programme,
    SubsidyBasis,
    SubsidyStatus,
)

FEN = Decimal("0.01")
NOT_NEGATIVE = [MinValueValidator(Decimal("0"), "不能为负数")]


def in_force_q(on: datetime.date, prefix: str = "") -> Q:
    """Rows (arrangements, agreements) whose [start_date, end_date] contains the day."""
    return Q(**{f"{prefix}start_date__lte": on}) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": on})
    )


def _scope_q(scope: Scope, via: str = "", company_field: str = "company_id") -> Q | None:
    """Officials: by the compound's community; a company: its own rows; committee and residents:
    their compound."""
    if scope.region_prefix:
        return q_region(scope, f"{via}compound__community_id")
    if scope.company_id:
        return Q(**{f"{via}{company_field}": scope.company_id})
    if scope.compound_id:
        return Q(**{f"{via}compound_id": scope.compound_id})
    return None


def add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


COLLECTED_ABOVE_DUE = "收缴率不能超过100%（实收不能大于应收）"


# ------------------------------------------------------------ shared fields and rules
def _compound_fk(related_name: str):
    return models.ForeignKey(
        "registry.Compound", verbose_name="小区", on_delete=models.PROTECT, related_name=related_name
    )


def _company_fk(label: str, related_name: str, **options):
    return models.ForeignKey(
        "registry.PropertyCompany",
        verbose_name=label,
        on_delete=models.PROTECT,
        related_name=related_name,
        **options,
    )


def _user_fk(label: str, related_name: str = "+"):
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=label,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name=related_name,
    )


def _fee_field(label: str = "物业费标准（元/㎡·月）", message: str = "物业费标准不能为负数"):
    """A fee standard in 元/㎡·月, optional, never negative."""
    return models.DecimalField(
        label,
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"), message)],
    )


def _money(label: str, *, optional: bool = False, validators=NOT_NEGATIVE, **options):
    """An amount in yuan to the fen."""
    return models.DecimalField(
        label,
        max_digits=12,
        decimal_places=2,
        null=optional,
        blank=optional,
        validators=validators,
        **options,
    )


def _generated():
    return models.BooleanField("演示数据（生成）", default=False)


def _is_kind(company, kind: str) -> bool:
    from apps.registry.models import CompanyKind

    return company.kind == CompanyKind(kind)


def _check_collected(due, collected, field: str) -> None:
    if due is not None and collected is not None and collected > due:
        raise ValidationError({field: COLLECTED_ABOVE_DUE})


class OfCompound:
    """A programme row of one compound: audited in, and scoped by, the compound's community (or
    the row's company, or the compound itself, by role — `_scope_q`)."""

    @property
    def audit_region_code(self) -> str:
        return self.compound.community_id

    @classmethod
    def scope_q(cls, scope: Scope, via: str = ""):
        return _scope_q(scope, via)


class OfParent:
    """A row that belongs to another programme row (the foreign key `parent_field`): audited and
    scoped as that row."""

    parent_field = ""

    @property
    def audit_region_code(self) -> str:
        return getattr(self, self.parent_field).audit_region_code

    @classmethod
    def scope_q(cls, scope: Scope, via: str = ""):
        parent = cls._meta.get_field(cls.parent_field).related_model
        return parent.scope_q(scope, via=f"{via}{cls.parent_field}__")


class Monthly:
    """A row of one month: `period` holds the month's first day whatever day was entered."""

    def _month_start(self) -> None:
        if self.period and self.period.day != 1:
            self.period = month_start(self.period)


class ServiceArrangement(OfCompound, TimeStampedModel):
    """Who serves a compound, how, and from when to when (服务安排)."""

    compound = _compound_fk("arrangements")
    mode = models.CharField("服务模式", max_length=16, choices=ArrangementMode.choices)
    company = _company_fk("服务企业", "arrangements", null=True, blank=True)
    provider_name = models.CharField(
        "服务机构", max_length=100, blank=True, help_text="街道物业服务中心或自治组织的名称"
    )
    start_date = models.DateField("开始日期")
    end_date = models.DateField("结束日期", null=True, blank=True, help_text="含当日；空表示长期")
    security = models.BooleanField("保安", default=True)
    cleaning = models.BooleanField("保洁", default=True)
    greenery = models.BooleanField("保绿", default=True)
    repairs = models.BooleanField("保修", default=True)
    extra_services = models.CharField("其他服务", max_length=200, blank=True)
    fee_per_sqm = _fee_field()
    note = models.CharField("备注", max_length=200, blank=True)
    is_generated = _generated()

    class Meta:
        verbose_name = "服务安排"
        verbose_name_plural = "服务安排"
        ordering = ["compound_id", "-start_date"]
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_end_after_start",
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                violation_error_message="结束日期不能早于开始日期",
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_fee_not_negative",
                condition=Q(fee_per_sqm__isnull=True) | Q(fee_per_sqm__gte=0),
                violation_error_message="物业费标准不能为负数",
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_company_matches_mode",
                condition=(
                    Q(mode__in=[m.value for m in MODES_WITH_COMPANY], company__isnull=False)
                    | (~Q(mode__in=[m.value for m in MODES_WITH_COMPANY]) & Q(company__isnull=True))
                ),
                violation_error_message="市场化、兜底、大手牵小手必须指定服务企业；其他模式不能指定服务企业",
            ),
        ]
        indexes = [models.Index(fields=["compound", "start_date"], name="programs_arr_compound_start")]
        permissions = [("view_coverage", "可查看物业服务覆盖统计")]

    def __str__(self):
        end = self.end_date or "长期"
        return f"{self.compound.name if self.compound_id else ''} {self.get_mode_display()} {self.start_date}—{end}"

    def get_absolute_url(self):
        return reverse("arrangement_detail", args=[self.pk])

    @property
    def provider(self) -> str:
        return self.company.name if self.company_id else self.provider_name

    @property
    def basics(self) -> list[str]:
        return [b.label for b in Basic if getattr(self, b.value)]

    def in_force(self, on: datetime.date) -> bool:
        return self.start_date <= on and (self.end_date is None or self.end_date >= on)

    def clean(self):
        errors = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = "结束日期不能早于开始日期"
        if self.mode in MODES_WITH_COMPANY and not self.company_id:
            errors["company"] = f"“{self.get_mode_display()}”必须指定服务企业"
        if self.mode and self.mode not in MODES_WITH_COMPANY and self.company_id:
            errors["company"] = f"“{self.get_mode_display()}”不能指定服务企业"
        if (
            self.mode == ArrangementMode.FALLBACK
            and self.company_id
            and not _is_kind(self.company, "public_welfare")
        ):
            errors["company"] = "兜底服务企业必须是国有公益性物业企业"
        if self.mode and self.mode not in MODES_WITH_COMPANY and not self.provider_name:
            errors["provider_name"] = "请填写街道物业服务中心或自治组织的名称"
        if errors:
            raise ValidationError(errors)


class CollectionRecord(OfParent, Monthly, TimeStampedModel):
    """Property fees due and collected in one month under an arrangement (收缴率)."""

    parent_field = "arrangement"
    arrangement = models.ForeignKey(
        ServiceArrangement, verbose_name="服务安排", on_delete=models.CASCADE, related_name="collections"
    )
    period = models.DateField("月份", help_text="当月1日")
    amount_due = _money("应收（元）")
    amount_collected = _money("实收（元）")

    class Meta:
        verbose_name = "物业费收缴"
        verbose_name_plural = "物业费收缴"
        ordering = ["arrangement_id", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["arrangement", "period"],
                name="%(app_label)s_%(class)s_unique_period",
                violation_error_message="该月份已登记收缴情况",
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_collected_le_due",
                condition=Q(amount_collected__lte=models.F("amount_due")),
                violation_error_message=COLLECTED_ABOVE_DUE,
            ),
        ]

    def __str__(self):
        return f"{self.period:%Y-%m} 收缴率 {self.rate_percent}%"

    @property
    def rate(self) -> Fraction | None:
        if not self.amount_due:
            return None
        return Fraction(self.amount_collected) / Fraction(self.amount_due)

    @property
    def rate_percent(self) -> str:
        rate = self.rate
        return "—" if rate is None else f"{float(rate) * 100:.1f}"

    def clean(self):
        self._month_start()
        _check_collected(self.amount_due, self.amount_collected, "amount_collected")


class FallbackAgreement(OfCompound, TimeStampedModel):
    """A county assigns an unmanaged old compound to a public-welfare company (兜底服务协议)."""

    compound = _compound_fk("fallback_agreements")
    company = _company_fk("公益性物业企业", "fallback_agreements")
    arrangement = models.OneToOneField(
        ServiceArrangement,
        verbose_name="服务安排",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="fallback_agreement",
    )
    start_date = models.DateField("开始日期")
    end_date = models.DateField("结束日期", null=True, blank=True)
    scope_text = models.TextField("服务范围", default="保安、保洁、保绿、保修等基础服务")
    standard = models.TextField("服务标准", blank=True)
    fee_per_sqm = _fee_field("收费标准（元/㎡·月）", "收费标准不能为负数")
    monthly_subsidy = _money("财政补助（元/月）", default=Decimal("0"))
    status = models.CharField(
        "状态", max_length=12, choices=AgreementStatus.choices, default=AgreementStatus.SIGNED
    )
    notice_sent_on = models.DateField("整改通知日期", null=True, blank=True)
    is_generated = _generated()

    class Meta:
        verbose_name = "兜底服务协议"
        verbose_name_plural = "兜底服务协议"
        ordering = ["compound_id", "-start_date"]
        permissions = [("assign_fallback", "可指定公益性物业兜底")]

    def __str__(self):
        return f"{self.compound.name}（兜底：{self.company.name}）"

    def get_absolute_url(self):
        return reverse("fallback_detail", args=[self.pk])

    def monthly_subsidy_on(self, on: datetime.date) -> Decimal:
        return self.monthly_subsidy


class Inspection(OfParent, Monthly, TimeStampedModel):
    """A monthly check of the four basics at a fallback compound, done on a phone (巡查)."""

    parent_field = "agreement"
    agreement = models.ForeignKey(
        FallbackAgreement, verbose_name="兜底协议", on_delete=models.CASCADE, related_name="inspections"
    )
    period = models.DateField("月份", help_text="当月1日")
    inspected_on = models.DateField("巡查日期")
    inspector = _user_fk("巡查人", related_name=None)
    security_ok = models.BooleanField("保安合格", default=True)
    cleaning_ok = models.BooleanField("保洁合格", default=True)
    greenery_ok = models.BooleanField("保绿合格", default=True)
    repairs_ok = models.BooleanField("保修合格", default=True)
    passed = models.BooleanField("合格", default=True, editable=False)
    notes = models.TextField("情况说明", blank=True)
    photo = models.ImageField("现场照片", upload_to="programs/inspections/%Y/%m/", blank=True)

    class Meta:
        verbose_name = "兜底巡查"
        verbose_name_plural = "兜底巡查"
        ordering = ["agreement_id", "-period"]
        permissions = [("inspect_fallback", "可进行兜底服务巡查")]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "period"],
                name="%(app_label)s_%(class)s_unique_period",
                violation_error_message="该协议本月已巡查",
            )
        ]

    def __str__(self):
        return f"{self.agreement.compound.name} {self.period:%Y年%m月}巡查"

    @property
    def failed_items(self) -> list[str]:
        return [b.label for b in Basic if not getattr(self, f"{b.value}_ok")]

    def clean(self):
        self._month_start()
        self.passed = not self.failed_items
        if not self.passed and not self.notes.strip():
            raise ValidationError({"notes": "不合格时请填写情况说明"})


@dataclass(frozen=True)
class ScheduleLine:
    """One year of a pairing's transition: the subsidy per month and the residents' paying share."""

    year: int
    start: datetime.date
    end: datetime.date  # inclusive
    monthly_amount: Decimal
    resident_share: Fraction


def _fractions(text: str) -> list[Fraction]:
    return [Fraction(part.strip()) for part in text.split(",") if part.strip()]


class PairingAgreement(OfCompound, TimeStampedModel):
    """A large company adopts an unmanaged compound for a transition period (大手牵小手)."""

    compound = _compound_fk("pairings")
    company = _company_fk("帮扶企业", "pairings")
    arrangement = models.OneToOneField(
        ServiceArrangement,
        verbose_name="服务安排",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="pairing",
    )
    start_date = models.DateField("帮扶开始日期")
    years = models.PositiveSmallIntegerField(
        "过渡期（年）", validators=[MinValueValidator(1, "过渡期至少1年")]
    )
    transition_date = models.DateField("转市场化日期", editable=False)
    subsidy_basis = models.CharField(
        "补助方式", max_length=16, choices=SubsidyBasis.choices, default=SubsidyBasis.PER_AREA
    )
    subsidy_rate = models.DecimalField(
        "首年补助标准（元/月）",
        max_digits=8,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"), "补助标准不能为负数")],
        help_text="按面积为元/㎡·月，按户为元/户·月",
    )
    decline = models.CharField(
        "逐年补助系数", max_length=100, help_text="如 1,0.6,0.3：第N年补助 = 首年标准 × 第N个系数"
    )
    resident_shares = models.CharField(
        "逐年居民缴费比例", max_length=100, help_text="如 0.3,0.6,0.9：居民承担物业费的比例"
    )
    fee_per_sqm = _fee_field()
    status = models.CharField(
        "状态", max_length=12, choices=AgreementStatus.choices, default=AgreementStatus.DRAFT
    )
    signed_on = models.DateField("签订日期", null=True, blank=True)
    distance_km = models.DecimalField("距离（公里）", max_digits=8, decimal_places=2, null=True, blank=True)
    reminded_on = models.DateField("到期提醒日期", null=True, blank=True)
    outcome = models.CharField("过渡结果", max_length=20, choices=PairingOutcome.choices, blank=True)
    outcome_on = models.DateField("结果日期", null=True, blank=True)
    outcome_note = models.CharField("结果说明", max_length=200, blank=True)
    # 签订市场化合同 by an owners' decision (选聘物业服务企业, 民法典 第278条): a passed decision of
    # the same compound, checked by services.pairing_outcome_record.
    owners_decision = models.ForeignKey(
        "voting.Decision",
        verbose_name="业主共同决定",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_generated = _generated()

    class Meta:
        verbose_name = "大手牵小手协议"
        verbose_name_plural = "大手牵小手协议"
        ordering = ["compound_id", "-start_date"]
        permissions = [
            ("sign_pairing", "可签订大手牵小手协议"),
            ("run_planner", "可使用结对规划"),
        ]
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_rate_not_negative",
                condition=Q(subsidy_rate__gte=0),
                violation_error_message="补助标准不能为负数",
            )
        ]

    def __str__(self):
        return f"{self.compound.name}（{self.company.name}帮扶）"

    def get_absolute_url(self):
        return reverse("pairing_detail", args=[self.pk])

    def schedule(self) -> list[ScheduleLine]:
        """Year by year: subsidy per month = first-year rate × factor × (area or households),
        rounded to the fen (half up); the last factor and share carry on past the list's end."""
        factors = _fractions(self.decline) or [Fraction(1)]
        shares = _fractions(self.resident_shares) or [Fraction(0)]
        base = (
            self.compound.total_floor_area
            if self.subsidy_basis == SubsidyBasis.PER_AREA
            else Decimal(self.compound.households)
        )
        lines = []
        for year in range(1, self.years + 1):
            factor = factors[min(year, len(factors)) - 1]
            share = shares[min(year, len(shares)) - 1]
            start = add_years(self.start_date, year - 1)
            end = add_years(self.start_date, year) - datetime.timedelta(days=1)
            exact = Fraction(self.subsidy_rate) * factor * Fraction(base)
            amount = (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(FEN, ROUND_HALF_UP)
            lines.append(ScheduleLine(year, start, end, amount, share))
        return lines

    def monthly_subsidy_on(self, on: datetime.date) -> Decimal:
        for line in self.schedule():
            if line.start <= on <= line.end:
                return line.monthly_amount
        return Decimal("0.00")

    def clean(self):
        errors = {}
        for name in ("decline", "resident_shares"):
            try:
                values = _fractions(getattr(self, name) or "")
            except (ValueError, ZeroDivisionError):
                errors[name] = "请填写以逗号分隔的数字，如 1,0.6,0.3"
                continue
            if any(v < 0 or v > 1 for v in values):
                errors[name] = "每个系数应在0到1之间"
        if self.company_id and not _is_kind(self.company, "market"):
            errors["company"] = "大手牵小手的帮扶企业应为市场化物业企业"
        if self.start_date and self.years:
            self.transition_date = add_years(self.start_date, self.years)
        if errors:
            raise ValidationError(errors)


class Milestone(OfParent, models.Model):
    """A step of a pairing's transition (e.g. residents' first payments, owners' decision)."""

    parent_field = "pairing"
    pairing = models.ForeignKey(
        PairingAgreement, verbose_name="帮扶协议", on_delete=models.CASCADE, related_name="milestones"
    )
    title = models.CharField("节点", max_length=100)
    due_date = models.DateField("计划日期")
    done_on = models.DateField("完成日期", null=True, blank=True)

    class Meta:
        verbose_name = "过渡节点"
        verbose_name_plural = "过渡节点"
        ordering = ["pairing_id", "due_date"]

    def __str__(self):
        return self.title


class SubsidyApplication(OfCompound, Monthly, TimeStampedModel):
    """A company's claim of the public subsidy for one month of a programme (财政补助)."""

    programme = models.CharField("项目", max_length=12, choices=Programme.choices)
    pairing = models.ForeignKey(
        PairingAgreement,
        verbose_name="帮扶协议",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="subsidies",
    )
    fallback = models.ForeignKey(
        FallbackAgreement,
        verbose_name="兜底协议",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="subsidies",
    )
    compound = _compound_fk("+")
    company = _company_fk("申请企业", "+")
    period = models.DateField("补助月份", help_text="当月1日")
    amount = _money("申请金额（元）", validators=[MinValueValidator(FEN, "申请金额必须大于0")])
    scheduled_amount = _money("补助标准金额（元）", validators=())
    over_schedule_reason = models.CharField("超标准原因", max_length=200, blank=True)
    fees_due = _money("当月物业费应收（元）", optional=True)
    fees_collected = _money("当月物业费实收（元）", optional=True)
    status = models.CharField(
        "状态", max_length=12, choices=SubsidyStatus.choices, default=SubsidyStatus.APPLIED
    )
    applied_by = _user_fk("申请人")
    approved_by = _user_fk("审核人")
    second_approver = _user_fk("复核人")
    refusal_reason = models.CharField("不通过原因", max_length=200, blank=True)
    disbursed_on = models.DateField("拨付日期", null=True, blank=True)
    disbursed_amount = _money("拨付金额（元）", optional=True, validators=())
    is_generated = _generated()

    class Meta:
        verbose_name = "财政补助申请"
        verbose_name_plural = "财政补助申请"
        ordering = ["-period", "compound_id"]
        permissions = [
            ("apply_subsidy", "可申请财政补助"),
            ("approve_subsidy", "可审核财政补助"),
            ("disburse_subsidy", "可登记补助拨付"),
        ]
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_amount_positive",
                condition=Q(amount__gt=0),
                violation_error_message="申请金额必须大于0",
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_one_programme",
                condition=Q(pairing__isnull=False, fallback__isnull=True)
                | Q(pairing__isnull=True, fallback__isnull=False),
                violation_error_message="补助申请必须且只能对应一个帮扶或兜底协议",
            ),
        ]

    def __str__(self):
        return f"{self.compound.name} {self.period:%Y年%m月}补助"

    def get_absolute_url(self):
        return reverse("subsidy_detail", args=[self.pk])

    @property
    def agreement(self):
        return self.pairing if self.pairing_id else self.fallback

    @property
    def above_schedule(self) -> bool:
        return (
            self.amount is not None
            and self.scheduled_amount is not None
            and self.amount > self.scheduled_amount
        )

    def clean(self):
        self._month_start()
        _check_collected(self.fees_due, self.fees_collected, "fees_collected")


class PlannerCapacity(TimeStampedModel):
    """How many compounds a county lets one market company adopt in the pairing planner (结对容量)."""

    county = models.ForeignKey(
        "regions.Region", verbose_name="县区", on_delete=models.PROTECT, related_name="+"
    )
    company = models.ForeignKey(
        "registry.PropertyCompany",
        verbose_name="企业",
        on_delete=models.CASCADE,
        related_name="planner_capacities",
    )
    capacity = models.PositiveSmallIntegerField(
        "帮扶容量（个小区）", validators=[MinValueValidator(1, "帮扶容量必须是正整数")]
    )

    class Meta:
        verbose_name = "结对规划容量"
        verbose_name_plural = "结对规划容量"
        ordering = ["county_id", "company_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["county", "company"],
                name="%(app_label)s_%(class)s_one_per_company",
                violation_error_message="该企业在本县区已设置容量",
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_capacity_positive",
                condition=Q(capacity__gte=1),
                violation_error_message="帮扶容量必须是正整数",
            ),
        ]

    def __str__(self):
        return f"{self.company.name}：{self.capacity}个小区"

    @property
    def audit_region_code(self) -> str:
        return self.county_id

    @classmethod
    def scope_q(cls, scope: Scope, via: str = ""):
        """Officials of the county or above (a county code inside their region); a company sees
        its own limits."""
        if scope.region_prefix:
            return q_region(scope, f"{via}county_id")
        if scope.company_id:
            return Q(**{f"{via}company_id": scope.company_id})
        return None
