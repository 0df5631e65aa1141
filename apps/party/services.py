"""Writes to party organisations, instructors, ratings and red-collar secretaries.

Every function checks the actor's permission and scope itself (actor=None is the system) and
refuses with a DomainError (ForbiddenError for permission and scope), writing nothing."""

from __future__ import annotations

from django.db import transaction

from apps.core.services import scoped_create, scoped_delete, scoped_update
from apps.party.models import PartyInstructor, PartyOrg, PartyOrgRating, RedCollarSecretary


def party_org_create(*, actor, data: dict) -> PartyOrg:
    return scoped_create(model=PartyOrg, data=data, actor=actor)


def party_org_update(*, party_org: PartyOrg, actor, data: dict) -> PartyOrg:
    return scoped_update(obj=party_org, data=data, actor=actor)


def party_org_delete(*, party_org: PartyOrg, actor) -> None:
    scoped_delete(obj=party_org, actor=actor)


def instructor_create(*, actor, data: dict) -> PartyInstructor:
    return scoped_create(model=PartyInstructor, data=data, actor=actor)


def instructor_update(*, instructor: PartyInstructor, actor, data: dict) -> PartyInstructor:
    return scoped_update(obj=instructor, data=data, actor=actor)


def instructor_delete(*, instructor: PartyInstructor, actor) -> None:
    scoped_delete(obj=instructor, actor=actor)


# Typed-in star records are kept as legacy results of the rating engine (apps.ratings), which
# every figure reads; each write here updates that mirror in the same transaction.
@transaction.atomic
def rating_record(*, actor, data: dict) -> PartyOrgRating:
    from apps.ratings.services import legacy_result_sync

    rating = scoped_create(model=PartyOrgRating, data=data, actor=actor)
    legacy_result_sync(rating=rating)
    return rating


@transaction.atomic
def rating_update(*, rating: PartyOrgRating, actor, data: dict) -> PartyOrgRating:
    from apps.ratings.services import legacy_result_delete, legacy_result_sync

    old = (rating.party_org_id, rating.year)
    rating = scoped_update(obj=rating, data=data, actor=actor)
    if old != (rating.party_org_id, rating.year):
        legacy_result_delete(party_org_id=old[0], year=old[1])
    legacy_result_sync(rating=rating)
    return rating


@transaction.atomic
def rating_delete(*, rating: PartyOrgRating, actor) -> None:
    from apps.ratings.services import legacy_result_delete

    key = (rating.party_org_id, rating.year)
    scoped_delete(obj=rating, actor=actor)
    legacy_result_delete(party_org_id=key[0], year=key[1])


def secretary_create(*, actor, data: dict) -> RedCollarSecretary:
    return scoped_create(model=RedCollarSecretary, data=data, actor=actor)


def secretary_update(*, secretary: RedCollarSecretary, actor, data: dict) -> RedCollarSecretary:
    return scoped_update(obj=secretary, data=data, actor=actor)


def secretary_delete(*, secretary: RedCollarSecretary, actor) -> None:
    scoped_delete(obj=secretary, actor=actor)
