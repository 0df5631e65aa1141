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


def home_tiles(user) -> list[dict]:
    """The home page's party cards of the user's scope, each linking to its list."""
    from django.db.models import Count, Q
    from django.urls import reverse
    from django.utils import timezone

    cards = []
    if user.has_perm("party.view_partyorg"):
        agg = party_org_list_for(user=user).aggregate(
            total=Count("id"),
            branches=Count("id", filter=Q(kind="compound_branch")),
            five=Count("id", filter=Q(kind="company_org", latest_stars=5)),
        )
        url = reverse("partyorg_list")
        cards += [
            {"label": "党组织", "value": agg["total"], "url": url},
            {"label": "小区党支部", "value": agg["branches"], "url": url + "?kind=compound_branch"},
            {"label": "五星级企业党组织", "value": agg["five"], "url": url + "?kind=company_org&stars=5"},
        ]
    if user.has_perm("party.view_redcollarsecretary"):
        cards.append(secretary_home_card(user=user, today=timezone.localdate()))
    return cards
