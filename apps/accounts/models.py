from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models

from apps.core.roles import REGION_ROLES, Role
from apps.core.scoping import Scope, q_region
from apps.core.validators import mask_mobile, validate_mobile


class User(AbstractUser):
    """A platform user: one role and one scope (a region or an organisation)."""

    pii_fields = {"phone": "mobile"}  # apps/core/pii.py

    full_name = models.CharField("姓名", max_length=50, blank=True)
    phone = models.CharField("手机号", max_length=11, blank=True, validators=[validate_mobile])
    role = models.CharField("角色", max_length=16, choices=Role.choices, blank=True, db_index=True)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name="管辖区划",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    company = models.ForeignKey(
        "registry.PropertyCompany",
        verbose_name="所属物业企业",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )
    committee = models.ForeignKey(
        "committees.OwnersCommittee",
        verbose_name="所属业委会",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    department = models.ForeignKey(
        "registry.Department",
        verbose_name="所属职能部门",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )
    compound = models.ForeignKey(
        "registry.Compound",
        verbose_name="居住小区",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="residents",
    )
    is_generated = models.BooleanField("演示数据", default=False)

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_one_org_scope",
                condition=(
                    models.Q(company__isnull=True, committee__isnull=True, department__isnull=True)
                    | models.Q(company__isnull=False, committee__isnull=True, department__isnull=True)
                    | models.Q(company__isnull=True, committee__isnull=False, department__isnull=True)
                    | models.Q(company__isnull=True, committee__isnull=True, department__isnull=False)
                ),
                violation_error_message="一个用户只能属于一个组织（物业企业、业委会或职能部门之一）",
            ),
        ]

    def __str__(self):
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.username

    @property
    def masked_phone(self) -> str:
        return mask_mobile(self.phone)

    @property
    def audit_region_code(self) -> str:
        return self.region_id or ""

    def clean(self):
        super().clean()
        if not self.role:
            return
        errors = {}
        needed = {
            Role.COMPANY: ("company", "物业企业人员必须指定所属物业企业"),
            Role.COMMITTEE: ("committee", "业委会成员必须指定所属业委会"),
            Role.DEPARTMENT: ("department", "职能部门经办人必须指定所属部门"),
            Role.RESIDENT: ("compound", "居民必须指定居住小区"),
        }
        if self.role in REGION_ROLES:
            level = REGION_ROLES[self.role]
            if not self.region_id:
                errors["region"] = f"{Role(self.role).label}必须指定管辖区划"
            elif self.region.level != level:
                errors["region"] = f"{Role(self.role).label}的管辖区划应为{dict(_level_labels())[level]}级"
        elif self.role in needed:
            field, message = needed[self.role]
            if not getattr(self, f"{field}_id"):
                errors[field] = message
        if errors:
            raise ValidationError(errors)

    @classmethod
    def scope_q(cls, scope: Scope, via: str = ""):
        if scope.region_prefix:
            return q_region(scope, f"{via}region_id") | models.Q(**{f"{via}pk": scope.user_id})
        return models.Q(**{f"{via}pk": scope.user_id})


def _level_labels():
    from apps.regions.choices import RegionLevel

    return RegionLevel.choices
