"""Reads of the region tree, scoped to the user."""

from __future__ import annotations

from django.db.models import QuerySet

from apps.core.scoping import scope_of, scoped
from apps.regions.models import Region


def region_list_for(*, user) -> QuerySet[Region]:
    return scoped(Region.objects.select_related("parent"), user)


def region_children_for(*, user, region: Region) -> QuerySet[Region]:
    return region_list_for(user=user).filter(parent=region).order_by("code")


def region_home_for(*, user) -> Region | None:
    """The region at the top of the user's scope (None for organisation scopes)."""
    scope = scope_of(user)
    if scope.region_code:
        return Region.objects.filter(pk=scope.region_code).first()
    return None
