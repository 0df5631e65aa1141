"""Writes to the registry: compounds, buildings, units, owners, companies, departments.

Every function checks the actor's permission and scope itself (actor=None is the system),
validates fully, saves, and records an audit Event in one transaction; every refusal is a
DomainError (ForbiddenError for permission and scope) and writes nothing. Views, the admin and
the imports call these with the acting user, so no adapter can skip a check.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from apps.core.errors import DomainError
from apps.core.services import (
    domain_error,
    event_record,
    permission_check,
    record_create,
    record_update,
    scope_check,
    scoped_create,
    scoped_delete,
    scoped_update,
)
from apps.core.validators import check_id_number, id_number_hash, normalize_id_number, normalize_mobile
from apps.registry.models import Building, Compound, Department, Owner, OwnerUnit, PropertyCompany, Unit


# ------------------------------------------------------------ companies and departments
def company_create(*, actor, data: dict) -> PropertyCompany:
    data = {**data, "credit_code": (data.get("credit_code") or "").strip().upper()}
    return scoped_create(model=PropertyCompany, data=data, actor=actor)


def company_update(*, company: PropertyCompany, actor, data: dict) -> PropertyCompany:
    if "credit_code" in data:
        data = {**data, "credit_code": (data["credit_code"] or "").strip().upper()}
    return scoped_update(obj=company, data=data, actor=actor)


def company_delete(*, company: PropertyCompany, actor) -> None:
    scoped_delete(obj=company, actor=actor)


def department_create(*, actor, data: dict) -> Department:
    return scoped_create(model=Department, data=data, actor=actor)


def department_update(*, department: Department, actor, data: dict) -> Department:
    return scoped_update(obj=department, data=data, actor=actor)


def department_delete(*, department: Department, actor) -> None:
    scoped_delete(obj=department, actor=actor)


# ------------------------------------------------------------ compounds
def next_compound_code(community_code: str) -> str:
    """Community code + a 3-digit sequence number. Called under a lock on the community row."""
    last = Compound.objects.filter(code__startswith=community_code).aggregate(m=Max("code"))["m"]
    seq = int(last[-3:]) + 1 if last else 1
    if seq > 999:
        raise DomainError("该社区的小区编号已用尽（最多999个）")
    return f"{community_code}{seq:03d}"


@transaction.atomic
def compound_create(*, actor, data: dict) -> Compound:
    permission_check(actor=actor, perm="registry.add_compound")
    data = dict(data)
    community = data.get("community")
    if community is not None and not data.get("code"):
        # Lock the community row so that two concurrent creates cannot take the same number.
        type(community).objects.select_for_update().filter(pk=community.pk).first()
        data["code"] = next_compound_code(community.pk)
    return scoped_create(model=Compound, data=data, actor=actor)


def compound_arrangement_sync(*, compound: Compound, actor, management_mode: str, company) -> Compound:
    """Set the compound's management mode and company to the service arrangement in force.

    For the service that changed the arrangement (apps.programs), which has checked the actor's
    own permission and scope for that change (a company signing a pairing holds no registry
    permission): the fields follow from the arrangement, so only the audit event is written here."""
    try:
        return record_update(
            obj=compound, data={"management_mode": management_mode, "company": company}, actor=actor
        )
    except ValidationError as exc:
        raise domain_error(exc, Compound) from exc


def compound_update(*, compound: Compound, actor, data: dict) -> Compound:
    permission_check(actor=actor, perm="registry.change_compound")
    data = {
        k: v for k, v in data.items() if k != "code"
    }  # the code is permanent (used by Open311 address_id)
    if (
        "community" in data
        and data["community"] is not None
        and data["community"].pk != compound.community_id
    ):
        raise DomainError("小区不能改属其他社区；请新建小区后迁移数据")
    return scoped_update(obj=compound, data=data, actor=actor)


def compound_delete(*, compound: Compound, actor) -> None:
    scoped_delete(obj=compound, actor=actor)


def building_create(*, actor, data: dict) -> Building:
    return scoped_create(model=Building, data=data, actor=actor)


def building_update(*, building: Building, actor, data: dict) -> Building:
    return scoped_update(obj=building, data=data, actor=actor)


def building_delete(*, building: Building, actor) -> None:
    scoped_delete(obj=building, actor=actor)


def unit_create(*, actor, data: dict) -> Unit:
    data = dict(data)
    if data.get("building") is not None and not data.get("compound"):
        data["compound"] = data["building"].compound
    return scoped_create(model=Unit, data=data, actor=actor)


def unit_update(*, unit: Unit, actor, data: dict) -> Unit:
    return scoped_update(obj=unit, data=data, actor=actor)


def unit_delete(*, unit: Unit, actor) -> None:
    scoped_delete(obj=unit, actor=actor)


# ------------------------------------------------------------ owners
def _owner_fields(data: dict) -> dict:
    """Turn an ID number into its keyed hash + last four; the number itself is never stored."""
    data = dict(data)
    id_number = data.pop("id_number", None)
    if id_number:
        message = check_id_number(id_number)
        if message:
            raise DomainError(f"居民身份证号：{message}", field_errors={"id_number": [message]})
        number = normalize_id_number(id_number)
        data["id_hash"] = id_number_hash(number)
        data["id_last4"] = number[-4:]
    if data.get("phone"):
        data["phone"] = normalize_mobile(data["phone"])
    return data


@transaction.atomic
def owner_create(*, actor, data: dict, units: list[Unit] | None = None) -> Owner:
    """Register an owner, with the units they hold (each inside the actor's scope). An owner
    registered without a unit is visible to the unrestricted only, until a unit is linked."""
    permission_check(actor=actor, perm="registry.add_owner")
    for unit in units or []:
        scope_check(actor=actor, obj=unit, message=f"房屋“{unit}”不在您的管辖范围内。")
    try:
        owner = record_create(model=Owner, data=_owner_fields(data), actor=actor)
        for unit in units or []:
            record_create(model=OwnerUnit, data={"owner": owner, "unit": unit, "since": None}, actor=actor)
    except ValidationError as exc:
        raise domain_error(exc, Owner) from exc
    return owner


def owner_update(*, owner: Owner, actor, data: dict) -> Owner:
    return scoped_update(obj=owner, data=_owner_fields(data), actor=actor)


def owner_delete(*, owner: Owner, actor) -> None:
    scoped_delete(obj=owner, actor=actor)


@transaction.atomic
def owner_unit_link(*, owner: Owner, unit: Unit, actor, since: datetime.date | None = None) -> OwnerUnit:
    """Link an owner to a unit inside the actor's scope; an owner who already holds units must be
    inside it too (one registered without a unit may be linked by whoever finds it)."""
    permission_check(actor=actor, perm="registry.add_ownerunit")
    if owner.unit_links.exists():
        scope_check(actor=actor, obj=owner)
    return scoped_create(model=OwnerUnit, data={"owner": owner, "unit": unit, "since": since}, actor=actor)


def owner_unit_unlink(*, link: OwnerUnit, actor) -> None:
    scoped_delete(obj=link, actor=actor)


def owner_find_by_id_number(id_number: str):
    """Owners whose ID number hashes to the same value (matching without storing the number)."""
    return Owner.objects.filter(id_hash=id_number_hash(id_number))


@transaction.atomic
def owner_view_pii(*, owner: Owner, actor) -> None:
    """Record that a user saw an owner's unmasked personal data (RULES.md §7): only a role that
    needs it, only inside the actor's scope."""
    permission_check(
        actor=actor, perm="registry.view_owner_pii", message="您的角色无权查看业主完整个人信息。"
    )
    scope_check(actor=actor, obj=owner)
    event_record(actor=actor, verb="owner.view_pii", obj=owner)
