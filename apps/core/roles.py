"""Roles, the permissions each role's group holds, and their sync into auth groups.

A user has exactly one role (User.role) and one scope (a region or an organisation, see
apps/core/scoping.py). Permissions are Django permissions held by one group per role; the
mapping lives here so that a newcomer finds who may do what in one place.
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


def _crud(app: str, model: str, *verbs: str) -> set[str]:
    return {f"{app}.{verb}_{model}" for verb in verbs}


_REGISTRY_MODELS = ("compound", "building", "unit", "owner", "ownerunit", "propertycompany", "department")
_PARTY_MODELS = ("partyorg", "partyinstructor", "partyorgrating", "redcollarsecretary")
_COMMITTEE_MODELS = ("ownerscommittee", "committeemember")


def _all(app: str, models_: tuple[str, ...], *verbs: str) -> set[str]:
    perms: set[str] = set()
    for m in models_:
        perms |= _crud(app, m, *verbs)
    return perms


VIEW_REGISTRY = (
    _all("registry", _REGISTRY_MODELS, "view")
    | _all("party", _PARTY_MODELS, "view")
    | _all("committees", (*_COMMITTEE_MODELS, "committeerules"), "view")
    | {"regions.view_region"}
)


# Work orders (业主吹哨、支部报到): one permission per workflow verb (apps/workorders/choices.py VERBS).
def _wo(*verbs: str) -> set[str]:
    return {f"workorders.{verb}_workorder" for verb in verbs}


VIEW_WORKORDERS = (
    _all(
        "workorders",
        ("workorder", "workorderphoto", "assignment", "callback", "escalation", "category", "categorylimit"),
        "view",
    )
    | {"notifications.view_notification"}
    | _all("workdays", ("workdayyear", "workdayoverride"), "view")
)
VIEW_WORKORDER_STATS = _all("workorders", ("regionmonthstat", "handlermonthstat"), "view")
# The desk of each level: dispatch, call back, close, send back for rework, escalate, merge, reject,
# decide on a unit's request for more time.
DESK_VERBS = _wo(
    "submit", "dispatch", "callback", "close", "reopen", "escalate", "merge", "reject", "approve_extension"
)
# Handling units (company, committee, department / street office) report in and do the work,
# and may ask for more time.
HANDLER_VERBS = _wo("sign", "return", "resolve", "extend") | {"workorders.view_reporter_pii"}

ROLE_PERMISSIONS: dict[str, set[str]] = {
    Role.CITY: VIEW_REGISTRY
    | _all("registry", _REGISTRY_MODELS, "add", "change", "delete")
    | _all("party", _PARTY_MODELS, "add", "change", "delete")
    | _all("committees", _COMMITTEE_MODELS, "add", "change", "delete")
    | _crud("committees", "committeerules", "add", "change")
    | {"registry.view_owner_pii", "regions.import_region", "registry.import_records"}
    | VIEW_WORKORDERS
    | VIEW_WORKORDER_STATS
    | DESK_VERBS
    | _crud("workorders", "categorylimit", "add", "change", "delete")
    | _crud("workdays", "workdayyear", "add", "change")
    | _crud("workdays", "workdayoverride", "add", "change", "delete"),
    Role.COUNTY: VIEW_REGISTRY
    | _all("registry", _REGISTRY_MODELS, "add", "change", "delete")
    | _all("party", _PARTY_MODELS, "add", "change")
    | _all("committees", _COMMITTEE_MODELS, "add", "change")
    | {"registry.import_records"}
    | VIEW_WORKORDERS
    | VIEW_WORKORDER_STATS
    | DESK_VERBS,
    Role.STREET: VIEW_REGISTRY
    | _all("registry", ("compound", "building", "unit", "owner", "ownerunit"), "add", "change")
    | _all("party", ("partyorg", "redcollarsecretary"), "add", "change")
    | _all("committees", _COMMITTEE_MODELS, "add", "change")
    | {"registry.import_records"}
    | VIEW_WORKORDERS
    | VIEW_WORKORDER_STATS
    | DESK_VERBS,
    Role.COMMUNITY: VIEW_REGISTRY
    | _all("registry", ("compound", "building", "unit", "owner", "ownerunit"), "add", "change")
    | _all("committees", _COMMITTEE_MODELS, "add", "change")
    | {"registry.view_owner_pii", "registry.import_records"}
    | VIEW_WORKORDERS
    | VIEW_WORKORDER_STATS
    | DESK_VERBS
    | _wo("accept")
    | {"workorders.view_reporter_pii"},
    Role.COMPANY: _all("registry", ("compound", "building", "unit", "owner", "propertycompany"), "view")
    | _all("party", ("partyorg", "partyinstructor", "partyorgrating"), "view")
    | _all("committees", _COMMITTEE_MODELS, "view")
    | _all("registry", ("building", "unit"), "add", "change")
    | {"registry.view_owner_pii"}
    | VIEW_WORKORDERS
    | VIEW_WORKORDER_STATS
    | HANDLER_VERBS,
    Role.COMMITTEE: _all("registry", ("compound", "building", "unit", "owner", "propertycompany"), "view")
    | _all("party", ("partyorg",), "view")
    | _all("committees", _COMMITTEE_MODELS, "view")
    | VIEW_WORKORDERS
    | VIEW_WORKORDER_STATS
    | HANDLER_VERBS
    | _wo("submit"),
    Role.DEPARTMENT: _all("registry", ("compound", "propertycompany", "department"), "view")
    | VIEW_WORKORDERS
    | VIEW_WORKORDER_STATS
    | HANDLER_VERBS,
    Role.RESIDENT: _all("registry", ("compound", "propertycompany"), "view")
    | _all("committees", ("ownerscommittee",), "view")
    | _all("workorders", ("workorder", "workorderphoto", "category"), "view")
    | _wo("submit", "callback")
    | {"notifications.view_notification"},
}


def group_name(role: str) -> str:
    return f"角色：{Role(role).label}"


def sync_role_groups() -> None:
    """Create one auth group per role and give it exactly the permissions listed above."""
    from django.contrib.auth.models import Group, Permission

    by_key = {
        f"{p.content_type.app_label}.{p.codename}": p
        for p in Permission.objects.select_related("content_type")
    }
    from apps.core.contributions import role_grants  # TEMP(spaces): until main merges grants

    extra = role_grants()
    for role, perm_keys in ROLE_PERMISSIONS.items():
        perm_keys = set(perm_keys) | set(extra.get(str(role), ()))
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
