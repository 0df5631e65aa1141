"""Legacy results: the typed-in star records (party.PartyOrgRating) kept as results of a
"历史数据" scheme per city, so that every figure reads one place — the engine's results."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction

from apps.ratings.choices import EntryStatus, SubjectKind
from apps.ratings.models import RatingEntry, RatingScheme

LEGACY_TITLE = "历史数据（迁移前录入的星级记录）"


def legacy_scheme_for(city_code: str) -> RatingScheme:
    from apps.regions.models import Region

    city = city_code[:4] + "00"
    scheme = RatingScheme.objects.filter(jurisdiction_id=city, is_legacy=True).first()
    if scheme is None:
        scheme = RatingScheme.objects.create(
            jurisdiction=Region.objects.get(pk=city),
            subject_kind=SubjectKind.COMPANY_ORG,
            title=LEGACY_TITLE,
            effective_from=datetime.date(2000, 1, 1),
            total_points=Decimal("100"),
            star_cutoffs=[1, 2, 3, 4, 5],
            is_legacy=True,
            source_note="迁移：原“党组织星级评定”录入记录，只有星级，无细则得分",
        )
    return scheme


@transaction.atomic
def legacy_result_sync(*, rating) -> RatingEntry:
    """Upsert the legacy result mirroring one PartyOrgRating (called by apps.party.services)."""
    org = rating.party_org
    entry = RatingEntry.objects.filter(party_org=org, year=rating.year, is_legacy=True).first()
    values = {
        "stars": rating.stars,
        "legacy_issuer": rating.issuer[:100],
        "valid_from": rating.issued_on or datetime.date(rating.year, 12, 31),
        "region_id": org.region_id,
    }
    if entry is None:
        entry = RatingEntry.objects.create(
            scheme=legacy_scheme_for(org.region_id),
            party_org=org,
            year=rating.year,
            status=EntryStatus.FINAL,
            is_legacy=True,
            is_generated=getattr(org, "is_generated", False),
            **values,
        )
    else:
        RatingEntry.objects.filter(pk=entry.pk).update(**values)
    return entry


def legacy_result_delete(*, party_org_id: int, year: int) -> None:
    RatingEntry.objects.filter(party_org_id=party_org_id, year=year, is_legacy=True).delete()
