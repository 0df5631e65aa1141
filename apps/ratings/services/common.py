"""Permission and scope checks shared by the ratings services."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

from apps.core.errors import ForbiddenError
from apps.core.scoping import scope_of


def check_perm(actor, perm: str, *, region_code: str | None = None, company_id: int | None = None) -> None:
    """actor=None is the system (demo, data migration). Otherwise the permission and the scope:
    a region official inside `region_code`, or company staff of `company_id`."""
    if actor is None:
        return
    if not actor.has_perm(perm):
        raise ForbiddenError("您的角色无权执行此操作。")
    scope = scope_of(actor)
    if scope.everything:
        return
    if company_id is not None and scope.company_id == company_id:
        return
    if region_code is not None and scope.region_prefix and not scope.department_id:
        if region_code.startswith(scope.region_prefix):
            return
    raise ForbiddenError("该对象不在您的管辖范围内。")


def points(value, *, field: str, label: str, maximum: Decimal) -> Decimal:
    """A score typed by a person: a number from 0 to the item's maximum, one decimal."""
    try:
        d = Decimal(str(value)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError, TypeError) as exc:
        raise ValidationError({field: f"{label}：得分应为数字"}) from exc
    if d < 0:
        raise ValidationError({field: f"{label}：得分不能为负数"})
    if d > maximum:
        raise ValidationError({field: f"{label}：得分 {d} 超过本项满分 {maximum}"})
    return d
