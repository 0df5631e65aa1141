"""Roles, the permissions each role's group holds, and their sync into auth groups.

A user has exactly one role (User.role) and one scope (a region or an organisation, see
apps/core/scoping.py). Permissions are Django permissions held by one group per role; each
app declares what it grants to each role on its AppConfig (`contribution.grants`), and the
groups are the union (`role_permissions()`).
"""

from __future__ import annotations

import logging

from django.db import models

log = logging.getLogger(__name__)


class Role(models.TextChoices):
    CITY = "city", "市级管理人员"
    COUNTY = "county", "县区管理人员"
    STREET = "street", "街道（镇）管理人员"
    COMMUNITY = "community", "社区书记/工作人员"
    COMPANY = "company", "物业企业人员"
    COMMITTEE = "committee", "业委会（物管会）成员"
    DEPARTMENT = "department", "职能部门经办人"
    RESIDENT = "resident", "居民/业主"


# Roles whose scope is a region, and the region level each one must be scoped to.
REGION_ROLES = {
    Role.CITY: "city",
    Role.COUNTY: "county",
    Role.STREET: "street",
    Role.COMMUNITY: "community",
}
OFFICIAL_ROLES = frozenset(REGION_ROLES)


def perms(app: str, models_: tuple[str, ...] | str, *verbs: str) -> set[str]:
    """`perms("registry", ("compound", "unit"), "view", "add")` → {"registry.view_compound", ...}."""
    if isinstance(models_, str):
        models_ = (models_,)
    return {f"{app}.{verb}_{model}" for model in models_ for verb in verbs}


def role_permissions() -> dict[str, frozenset[str]]:
    """Role → permissions: the union of what every installed app grants (its AppConfig's
    `contribution.grants`, see apps/core/contributions.py). Each app names only its own."""
    from apps.core.contributions import role_grants

    grants = role_grants()
    return {role.value: grants.get(role.value, frozenset()) for role in Role}


def group_name(role: str) -> str:
    return f"角色：{Role(role).label}"


def sync_role_groups() -> None:
    """Create one auth group per role and give it exactly the permissions listed above."""
    from django.contrib.auth.models import Group, Permission

    by_key = {
        f"{p.content_type.app_label}.{p.codename}": p
        for p in Permission.objects.select_related("content_type")
    }
    for role, perm_keys in role_permissions().items():
        group, _ = Group.objects.get_or_create(name=group_name(role))
        wanted = [by_key[k] for k in sorted(perm_keys) if k in by_key]
        missing = sorted(k for k in perm_keys if k not in by_key)
        if missing:
            log.debug("role %s: permissions not installed yet: %s", role, missing)
        group.permissions.set(wanted)


def sync_role_groups_after_migrate(sender, app_config=None, **kwargs):
    # Runs once per app after migrate; only act after the last app so every permission exists.
    from django.apps import apps

    last = [a for a in apps.get_app_configs() if a.models_module is not None][-1]
    if app_config is not None and app_config.label != last.label:
        return
    sync_role_groups()
