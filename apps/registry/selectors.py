"""Reads of the registry, already scoped to the user and joined for display (no N+1)."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from apps.core.scoping import scoped
from apps.registry.models import Building, Compound, Department, Owner, OwnerUnit, PropertyCompany, Unit


def compound_list_for(*, user) -> QuerySet[Compound]:
    return scoped(Compound.objects.select_related("community__parent__parent", "company"), user)


def building_list_for(*, user) -> QuerySet[Building]:
    return scoped(Building.objects.select_related("compound"), user)


def unit_list_for(*, user) -> QuerySet[Unit]:
    return scoped(Unit.objects.select_related("building", "compound"), user)


def owner_list_for(*, user) -> QuerySet[Owner]:
    return scoped(Owner.objects.all(), user)


def owner_units_for(*, user, owner: Owner) -> QuerySet[OwnerUnit]:
    return scoped(OwnerUnit.objects.select_related("unit__building", "unit__compound"), user).filter(
        owner=owner
    )


def company_list_for(*, user) -> QuerySet[PropertyCompany]:
    return scoped(PropertyCompany.objects.select_related("region"), user)


def company_with_counts_for(*, user) -> QuerySet[PropertyCompany]:
    return company_list_for(user=user).annotate(compound_count=Count("compounds", distinct=True))


def department_list_for(*, user) -> QuerySet[Department]:
    return scoped(Department.objects.select_related("region"), user)
