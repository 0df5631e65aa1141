"""Writes to API clients: create (returns the key once), revoke, and last-use bookkeeping."""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from apps.api.models import ApiClient
from apps.core.errors import ConflictError, DomainError
from apps.core.roles import REGION_ROLES, Role
from apps.core.services import event_record, record_create

KEY_PREFIX = "rp_"
PREFIX_CHARS = 8
# last_used_at is written at most once per this many seconds per client, not on every request.
TOUCH_INTERVAL = datetime.timedelta(seconds=60)
REGION_LEVEL_LABELS = {"city": "市", "county": "县区", "street": "街道（乡镇）", "community": "社区（村）"}


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def key_split(key: str) -> str | None:
    """The lookup prefix of a well-formed key, else None."""
    if not key.startswith(KEY_PREFIX) or len(key) != len(KEY_PREFIX) + PREFIX_CHARS + 40:
        return None
    return key[len(KEY_PREFIX) : len(KEY_PREFIX) + PREFIX_CHARS]


def _new_key() -> tuple[str, str]:
    prefix = secrets.token_hex(PREFIX_CHARS // 2)
    return prefix, f"{KEY_PREFIX}{prefix}{secrets.token_urlsafe(30)}"


def scope_fields(*, role: str, scope_code: str) -> dict:
    """The user fields for a role's scope from a region code or an organisation id/code."""
    from apps.committees.models import OwnersCommittee
    from apps.regions.models import Region
    from apps.registry.models import Compound, Department, PropertyCompany

    code = (scope_code or "").strip()
    if role not in Role.values:
        raise DomainError(
            f"未知角色“{role}”，可选：{'、'.join(Role.values)}", field_errors={"role": ["未知角色"]}
        )
    if not code:
        raise DomainError("请指定管辖范围", field_errors={"scope": ["此项必填"]})
    if role in REGION_ROLES:
        region = Region.objects.filter(pk=code).first()
        if region is None:
            raise DomainError(f"区划代码 {code} 不存在", field_errors={"scope": ["区划代码不存在"]})
        if region.level != REGION_ROLES[Role(role)]:
            message = f"{Role(role).label}的管辖范围应为{REGION_LEVEL_LABELS[REGION_ROLES[Role(role)]]}级区划"
            raise DomainError(message, field_errors={"scope": [message]})
        return {"region": region}
    lookups = {
        Role.COMPANY: (PropertyCompany, "company", "credit_code", "物业企业"),
        Role.COMMITTEE: (OwnersCommittee, "committee", None, "业委会"),
        Role.DEPARTMENT: (Department, "department", None, "职能部门"),
        Role.RESIDENT: (Compound, "compound", "code", "小区"),
    }
    model, field, alt, label = lookups[Role(role)]
    obj = None
    if code.isdigit() and len(code) <= 12:
        obj = model.objects.filter(pk=int(code)).first()
    if obj is None and alt:
        obj = model.objects.filter(**{alt: code.upper()}).first()
    if obj is None:
        raise DomainError(f"未找到编号为 {code} 的{label}", field_errors={"scope": [f"{label}不存在"]})
    return {field: obj}


@transaction.atomic
def api_client_create(
    *, actor, name: str, role: str, scope_code: str, days: int | None = None, note: str = ""
) -> tuple[ApiClient, str]:
    """Create a client and its service user; returns (client, key). The key is never stored."""
    from apps.accounts.services import user_create

    name = (name or "").strip()
    if not name:
        raise DomainError("请填写接口客户端名称", field_errors={"name": ["此项必填"]})
    if ApiClient.objects.filter(name=name).exists():
        raise DomainError("已有同名的接口客户端", field_errors={"name": ["已有同名的接口客户端"]})
    days = settings.API_CLIENT_DEFAULT_DAYS if days is None else days
    if days < 1 or days > 3660:
        raise DomainError("有效天数应在1到3660之间", field_errors={"days": ["有效天数应在1到3660之间"]})
    fields = scope_fields(role=role, scope_code=scope_code)
    prefix, key = _new_key()
    user = user_create(
        actor=actor,
        username=f"api-{prefix}",
        password=None,  # a service user can never sign in to the pages
        role=role,
        full_name=f"接口：{name}"[:50],
        **fields,
    )
    client = record_create(
        model=ApiClient,
        data={
            "name": name,
            "key_prefix": prefix,
            "key_hash": key_digest(key),
            "user": user,
            "expires_at": timezone.now() + datetime.timedelta(days=days),
            "created_by": actor if getattr(actor, "pk", None) else None,
            "note": note,
        },
        actor=actor,
    )
    return client, key


@transaction.atomic
def api_client_revoke(*, client: ApiClient, actor) -> ApiClient:
    """Revoke a key at once; its service user is deactivated too, so nothing can act through it."""
    from apps.accounts.services import user_update

    now = timezone.now()
    if ApiClient.objects.filter(pk=client.pk, revoked_at__isnull=True).update(revoked_at=now) != 1:
        raise ConflictError(f"接口客户端“{client}”已被吊销")
    client.revoked_at = now
    user_update(user=client.user, actor=actor, data={"is_active": False})
    event_record(
        actor=actor, verb="apiclient.revoke", obj=client, changes={"revoked_at": [None, now.isoformat()]}
    )
    return client


def api_client_touch(*, client: ApiClient, now: datetime.datetime) -> None:
    """Note when a key was last used. Bookkeeping, not a change of state: no audit event, and
    at most one UPDATE per client per TOUCH_INTERVAL."""
    if client.last_used_at is None or now - client.last_used_at >= TOUCH_INTERVAL:
        ApiClient.objects.filter(pk=client.pk).update(last_used_at=now)
        client.last_used_at = now
