"""Reads of the region tree, scoped to the user."""

from __future__ import annotations

from django.db.models import QuerySet

from apps.core.scoping import scoped
from apps.regions.choices import RegionLevel
from apps.regions.models import Region


def region_list_for(*, user) -> QuerySet[Region]:
    return scoped(Region.objects.select_related("parent"), user)


def region_children_for(*, user, region: Region) -> QuerySet[Region]:
    return region_list_for(user=user).filter(parent=region).order_by("code")


def community_choices_for(*, user) -> QuerySet[Region]:
    """The communities a form may offer the user (their scope), with the path for the labels."""
    return scoped(
        Region.objects.filter(level=RegionLevel.COMMUNITY).select_related("parent__parent"), user
    ).order_by("code")
