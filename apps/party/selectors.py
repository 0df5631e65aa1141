"""Reads of party organisations, instructors, ratings and red-collar secretaries."""

from __future__ import annotations

import datetime

from django.db.models import OuterRef, QuerySet, Subquery

from apps.core.scoping import scoped
from apps.party.models import PartyInstructor, PartyOrg, PartyOrgRating, RedCollarSecretary, in_post_q


def latest_rating_subquery(field: str = "stars"):
    return Subquery(
        PartyOrgRating.objects.filter(party_org=OuterRef("pk")).order_by("-year").values(field)[:1]
    )


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


def secretary_home_card(*, user, today: datetime.date) -> dict:
    """The home page's 在岗红领书记 card; where none was ever dispatched in the user's scope
    (Heze: the seed article names the practice for Linyi only) it says so instead of 0."""
    from django.urls import reverse

    in_post = secretary_list_for(user=user, in_post_on=today).count()
    card = {"label": "在岗红领书记", "value": in_post, "url": reverse("secretary_list") + "?in_post=1"}
    if in_post == 0 and not secretary_list_for(user=user).exists():
        card.update(value="未选派", sub="本辖区没有红领书记选派记录", url=reverse("secretary_list"))
    return card


def secretary_list_for(*, user, in_post_on: datetime.date | None = None) -> QuerySet[RedCollarSecretary]:
    qs = scoped(RedCollarSecretary.objects.select_related("community__parent__parent"), user)
    if in_post_on is not None:
        qs = qs.filter(in_post_q(in_post_on))
    return qs
