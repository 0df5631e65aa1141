"""Writes to the registry: compounds, buildings, units, owners, companies, departments.

Every function validates fully, saves, and records an audit Event in one transaction.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max

from apps.core.services import event_record, record_create, record_delete, record_update
from apps.core.validators import check_id_number, id_number_hash, normalize_id_number, normalize_mobile
from apps.registry.models import Building, Compound, Department, Owner, OwnerUnit, PropertyCompany, Unit


# ------------------------------------------------------------ companies and departments
def company_create(*, actor, data: dict) -> PropertyCompany:
    data = {**data, "credit_code": (data.get("credit_code") or "").strip().upper()}
    return record_create(model=PropertyCompany, data=data, actor=actor)


def company_update(*, company: PropertyCompany, actor, data: dict) -> PropertyCompany:
    if "credit_code" in data:
        data = {**data, "credit_code": (data["credit_code"] or "").strip().upper()}
    return record_update(obj=company, data=data, actor=actor)


def company_delete(*, company: PropertyCompany, actor) -> None:
    record_delete(obj=company, actor=actor)


def department_create(*, actor, data: dict) -> Department:
    return record_create(model=Department, data=data, actor=actor)


def department_update(*, department: Department, actor, data: dict) -> Department:
    return record_update(obj=department, data=data, actor=actor)


def department_delete(*, department: Department, actor) -> None:
    record_delete(obj=department, actor=actor)


# ------------------------------------------------------------ compounds
def next_compound_code(community_code: str) -> str:
    """Community code + a 3-digit sequence number. Called under a lock on the community row."""
    last = Compound.objects.filter(code__startswith=community_code).aggregate(m=Max("code"))["m"]
    seq = int(last[-3:]) + 1 if last else 1
    if seq > 999:
        from apps.core.errors import DomainError

        raise DomainError("该社区的小区编号已用尽（最多999个）")
    return f"{community_code}{seq:03d}"


@transaction.atomic
def compound_create(*, actor, data: dict) -> Compound:
    data = dict(data)
    community = data.get("community")
    if community is not None and not data.get("code"):
        # Lock the community row so that two concurrent creates cannot take the same number.
        type(community).objects.select_for_update().filter(pk=community.pk).first()
        data["code"] = next_compound_code(community.pk)
    return record_create(model=Compound, data=data, actor=actor)


def compound_update(*, compound: Compound, actor, data: dict) -> Compound:
    data = {
        k: v for k, v in data.items() if k != "code"
    }  # the code is permanent (used by Open311 address_id)
    if (
        "community" in data
        and data["community"] is not None
        and data["community"].pk != compound.community_id
    ):
        from apps.core.errors import DomainError

        raise DomainError("小区不能改属其他社区；请新建小区后迁移数据")
    return record_update(obj=compound, data=data, actor=actor)


def compound_delete(*, compound: Compound, actor) -> None:
    record_delete(obj=compound, actor=actor)


def building_create(*, actor, data: dict) -> Building:
    return record_create(model=Building, data=data, actor=actor)


def building_update(*, building: Building, actor, data: dict) -> Building:
    return record_update(obj=building, data=data, actor=actor)


def building_delete(*, building: Building, actor) -> None:
    record_delete(obj=building, actor=actor)


def unit_create(*, actor, data: dict) -> Unit:
    data = dict(data)
    if data.get("building") is not None and not data.get("compound"):
        data["compound"] = data["building"].compound
    return record_create(model=Unit, data=data, actor=actor)


def unit_update(*, unit: Unit, actor, data: dict) -> Unit:
    return record_update(obj=unit, data=data, actor=actor)


def unit_delete(*, unit: Unit, actor) -> None:
    record_delete(obj=unit, actor=actor)


# ------------------------------------------------------------ owners
def _owner_fields(data: dict) -> dict:
    """Turn an ID number into its keyed hash + last four; the number itself is never stored."""
    data = dict(data)
    id_number = data.pop("id_number", None)
    if id_number:
        message = check_id_number(id_number)
        if message:
            from django.core.exceptions import ValidationError

            raise ValidationError({"id_number": message})
        number = normalize_id_number(id_number)
        data["id_hash"] = id_number_hash(number)
        data["id_last4"] = number[-4:]
    if data.get("phone"):
        data["phone"] = normalize_mobile(data["phone"])
    return data


@transaction.atomic
def owner_create(*, actor, data: dict, units: list[Unit] | None = None) -> Owner:
    owner = record_create(model=Owner, data=_owner_fields(data), actor=actor)
    for unit in units or []:
        owner_unit_link(owner=owner, unit=unit, actor=actor)
    return owner


def owner_update(*, owner: Owner, actor, data: dict) -> Owner:
    return record_update(obj=owner, data=_owner_fields(data), actor=actor)


def owner_delete(*, owner: Owner, actor) -> None:
    record_delete(obj=owner, actor=actor)


def owner_unit_link(*, owner: Owner, unit: Unit, actor, since=None) -> OwnerUnit:
    return record_create(model=OwnerUnit, data={"owner": owner, "unit": unit, "since": since}, actor=actor)


def owner_unit_unlink(*, link: OwnerUnit, actor) -> None:
    record_delete(obj=link, actor=actor)


def owner_find_by_id_number(id_number: str):
    """Owners whose ID number hashes to the same value (matching without storing the number)."""
    return Owner.objects.filter(id_hash=id_number_hash(id_number))


@transaction.atomic
def owner_view_pii(*, owner: Owner, actor) -> None:
    """Record that a user saw an owner's unmasked personal data (RULES.md §7)."""
    event_record(actor=actor, verb="owner.view_pii", obj=owner)
