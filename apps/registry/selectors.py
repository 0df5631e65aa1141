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


def home_tiles(user) -> list[dict]:
    """The home page's registry cards of the user's scope (compounds, companies), each linking to its list."""
    from django.conf import settings
    from django.db.models import Q
    from django.urls import reverse

    from apps.registry.choices import CompanyKind

    cards = []
    if user.has_perm("registry.view_compound"):
        c = compound_list_for(user=user).aggregate(
            total=Count("id"),
            old=Count("id", filter=Q(is_old=True)),
            old_served=Count("id", filter=Q(is_old=True) & ~Q(management_mode="none")),
            eligible=Count("id", filter=Q(resident_party_members__gte=settings.BRANCH_MIN_PARTY_MEMBERS)),
            fallback=Count("id", filter=Q(management_mode="fallback")),
            pairing=Count("id", filter=Q(management_mode="pairing")),
        )
        url = reverse("compound_list")
        cards += [
            {"label": "小区", "value": c["total"], "url": url},
            {
                "label": "老旧小区",
                "value": c["old"],
                "url": url + "?is_old=1",
                "sub": f"已有物业服务 {c['old_served']} 个" if c["old"] else "",
            },
            {"label": "公益性物业兜底小区", "value": c["fallback"], "url": url + "?management_mode=fallback"},
            {"label": "大手牵小手小区", "value": c["pairing"], "url": url + "?management_mode=pairing"},
            {"label": "符合建立党支部条件的小区", "value": c["eligible"], "url": url + "?branch_eligible=1"},
        ]
    if user.has_perm("registry.view_propertycompany"):
        agg = company_list_for(user=user).aggregate(
            total=Count("id"), welfare=Count("id", filter=Q(kind=CompanyKind.PUBLIC_WELFARE))
        )
        url = reverse("company_list")
        cards += [
            {"label": "物业服务企业", "value": agg["total"], "url": url},
            {"label": "国有公益性物业企业", "value": agg["welfare"], "url": url + "?kind=public_welfare"},
        ]
    return cards


def owner_tiles(user) -> list[dict]:
    from django.urls import reverse

    if not user.has_perm("registry.view_owner"):
        return []
    return [{"label": "登记业主", "value": owner_list_for(user=user).count(), "url": reverse("owner_list")}]
