import datetime
from fractions import Fraction

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from apps.committees.choices import CommitteeKind, MemberPosition
from apps.core.models import TimeStampedModel
from apps.core.scoping import Scope, q_region
from apps.core.validators import mask_mobile, mask_name, validate_mobile

FRACTION_VALIDATOR = RegexValidator(r"^\d+/\d+$", "请填写分数，如 1/2")


class CommitteeRules(TimeStampedModel):
    """Per-jurisdiction rules for owners' committees (RULES.md §2); the nearest region wins."""

    region = models.OneToOneField(
        "regions.Region", verbose_name="适用区划", on_delete=models.PROTECT, related_name="committee_rules"
    )
    min_members = models.PositiveSmallIntegerField(
        "委员最少人数", validators=[MinValueValidator(1, "至少1人")]
    )
    max_members = models.PositiveSmallIntegerField(
        "委员最多人数", validators=[MinValueValidator(1, "至少1人")]
    )
    require_odd = models.BooleanField("委员人数须为单数", default=True)
    max_term_years = models.PositiveSmallIntegerField(
        "每届任期上限（年）",
        validators=[MinValueValidator(1, "至少1年"), MaxValueValidator(10, "不超过10年")],
    )
    reelection_window_days = models.PositiveSmallIntegerField("任期届满前换届期（日）")
    street_organises_days = models.PositiveSmallIntegerField(
        "届满前未选出新一届时由街道组织换届（日）",
        null=True,
        blank=True,
        help_text="菏泽条例第11条：30日；不适用则留空",
    )
    red_min_cross_appointed = models.PositiveSmallIntegerField("红色业委会：交叉任职最少人数")
    red_min_party_share = models.CharField(
        "红色业委会：党员占比下限", max_length=9, validators=[FRACTION_VALIDATOR], help_text="分数，如 1/2"
    )
    management_min_owner_share = models.CharField(
        "物管会：业主代表占比下限", max_length=9, validators=[FRACTION_VALIDATOR], help_text="分数，如 1/2"
    )
    source = models.CharField("依据", max_length=200, blank=True)

    class Meta:
        verbose_name = "业委会规则"
        verbose_name_plural = "业委会规则"
        ordering = ["region_id"]
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_size_range",
                condition=Q(min_members__lte=models.F("max_members")),
                violation_error_message="委员最少人数不能大于最多人数",
            )
        ]

    def __str__(self):
        return f"{self.region}业委会规则"

    def get_absolute_url(self):
        return reverse("committeerules_detail", args=[self.pk])

    @property
    def audit_region_code(self) -> str:
        return self.region_id

    @classmethod
    def scope_q(cls, scope: Scope, via: str = ""):
        if scope.region_prefix:
            # Own region and below, plus the rules of the regions above that apply here.
            ancestors = _ancestor_codes(scope.region_code)
            return q_region(scope, f"{via}region_id") | Q(**{f"{via}region_id__in": ancestors})
        return None


def _ancestor_codes(code: str) -> list[str]:
    if not code:
        return []
    out = [code[:2] + "0000", code[:4] + "00", code[:6], code[:9]]
    return [c for c in out if len(c) in (6, 9) and c != code]


class OwnersCommittee(TimeStampedModel):
    """An owners' committee (业委会) or temporary management committee (物管会) of a compound."""

    compound = models.ForeignKey(
        "registry.Compound", verbose_name="小区", on_delete=models.PROTECT, related_name="committees"
    )
    kind = models.CharField(
        "类别", max_length=20, choices=CommitteeKind.choices, default=CommitteeKind.OWNERS_COMMITTEE
    )
    term_start = models.DateField("任期开始")
    term_end = models.DateField("任期届满")
    elected_on = models.DateField("选举（成立）日期", null=True, blank=True)
    filed_on = models.DateField("备案日期", null=True, blank=True)
    dissolved_on = models.DateField("终止日期", null=True, blank=True)
    is_generated = models.BooleanField("演示数据（生成）", default=False)

    class Meta:
        verbose_name = "业主委员会"
        verbose_name_plural = "业主委员会"
        ordering = ["compound_id", "-term_start"]
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_term_ordered",
                condition=Q(term_end__gt=models.F("term_start")),
                violation_error_message="任期届满日期必须晚于任期开始日期",
            )
        ]

    def __str__(self):
        name = self.compound.name if self.compound_id else ""
        return (
            f"{name}{self.get_kind_display()}（{self.term_start:%Y}—{self.term_end:%Y}）"
            if self.term_start and self.term_end
            else name
        )

    def get_absolute_url(self):
        return reverse("committee_detail", args=[self.pk])

    @property
    def audit_region_code(self) -> str:
        return self.compound.community_id

    def is_active(self, on: datetime.date) -> bool:
        return self.term_start <= on <= self.term_end and (
            self.dissolved_on is None or self.dissolved_on > on
        )

    def clean(self):
        errors = {}
        if self.term_start and self.term_end and self.term_end <= self.term_start:
            errors["term_end"] = "任期届满日期必须晚于任期开始日期"
        if self.term_start and self.term_end and self.compound_id:
            from apps.committees.rules import add_years, rules_for

            rules = rules_for(self.compound.community_id)
            if self.term_end > add_years(self.term_start, rules.max_term_years):
                errors["term_end"] = f"每届任期不得超过{rules.max_term_years}年"
        if self.dissolved_on and self.term_start and self.dissolved_on < self.term_start:
            errors["dissolved_on"] = "终止日期不能早于任期开始日期"
        from apps.core.validators import future_date_errors

        for name, message in future_date_errors(
            self, {"elected_on": "选举（成立）日期", "filed_on": "备案日期", "dissolved_on": "终止日期"}
        ).items():
            errors.setdefault(name, message)
        if errors:
            raise ValidationError(errors)

    @classmethod
    def scope_q(cls, scope: Scope, via: str = ""):
        from apps.registry.models import Compound

        if scope.committee_id:
            return Q(**{f"{via}pk": scope.committee_id})
        return Compound.scope_q(scope, via=f"{via}compound__")


class CommitteeMember(TimeStampedModel):
    """A member of an owners' committee, with party membership and cross-appointment."""

    pii_fields = {"name": "name", "phone": "mobile"}  # apps/core/pii.py
    pii_permission = "registry.view_owner_pii"

    committee = models.ForeignKey(
        OwnersCommittee, verbose_name="业委会", on_delete=models.CASCADE, related_name="members"
    )
    name = models.CharField("姓名", max_length=50)
    phone = models.CharField("手机号", max_length=11, blank=True, validators=[validate_mobile])
    position = models.CharField(
        "职务", max_length=10, choices=MemberPosition.choices, default=MemberPosition.MEMBER
    )
    owner = models.ForeignKey(
        "registry.Owner",
        verbose_name="对应业主",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_owner = models.BooleanField("本小区业主", default=True)
    is_party_member = models.BooleanField("中共党员", default=False)
    cross_appointed = models.BooleanField("与小区党支部交叉任职", default=False)
    branch_position = models.CharField(
        "党支部职务", max_length=30, blank=True, help_text="交叉任职时填写，如 支部委员"
    )

    class Meta:
        verbose_name = "业委会成员"
        verbose_name_plural = "业委会成员"
        ordering = ["committee_id", "position", "id"]

    def __str__(self):
        return mask_name(self.name)

    @property
    def masked_phone(self) -> str:
        return mask_mobile(self.phone)

    @property
    def audit_region_code(self) -> str:
        return self.committee.compound.community_id

    def clean(self):
        errors = {}
        if self.cross_appointed and not self.is_party_member:
            errors["cross_appointed"] = "交叉任职的成员应为中共党员"
        if self.cross_appointed and not self.branch_position:
            errors["branch_position"] = "交叉任职请填写其在小区党支部的职务"
        if errors:
            raise ValidationError(errors)

    @classmethod
    def scope_q(cls, scope: Scope, via: str = ""):
        return OwnersCommittee.scope_q(scope, via=f"{via}committee__")


def parse_fraction(text: str) -> Fraction:
    num, den = text.split("/")
    return Fraction(int(num), int(den))
