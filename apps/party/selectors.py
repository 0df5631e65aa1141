"""Reads of party organisations, instructors, ratings and red-collar secretaries."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet

from apps.core.scoping import scoped
from apps.party.models import PartyInstructor, PartyOrg, PartyOrgRating, RedCollarSecretary, in_post_q


def latest_rating_subquery(field: str = "stars"):
    """The organisation's current rating from the rating engine (apps.ratings): its latest final
    or revoked result (a revoked one has no stars), an engine result before a legacy record of
    the same year. Typed-in records reach it as legacy results (apps.ratings.services.legacy)."""
    from apps.ratings.selectors import latest_result_subquery

    return latest_result_subquery(field)


def party_org_list_for(*, user) -> QuerySet[PartyOrg]:
    return scoped(
        PartyOrg.objects.select_related("region", "company", "compound", "parent").annotate(
            latest_stars=latest_rating_subquery("stars"), latest_rating_year=latest_rating_subquery("year")
        ),
        user,
    )


def instructor_list_for(*, user) -> QuerySet[PartyInstructor]:
    return scoped(PartyInstructor.objects.select_related("region"), user)


def rating_list_for(*, user) -> QuerySet[PartyOrgRating]:
    return scoped(PartyOrgRating.objects.select_related("party_org__company"), user)


def secretary_list_for(*, user, in_post_on: datetime.date | None = None) -> QuerySet[RedCollarSecretary]:
    qs = scoped(RedCollarSecretary.objects.select_related("community__parent__parent"), user)
    if in_post_on is not None:
        qs = qs.filter(in_post_q(in_post_on))
    return qs
