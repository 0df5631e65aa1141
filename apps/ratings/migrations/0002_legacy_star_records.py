"""The typed-in star records (party.PartyOrgRating) become legacy results of a "历史数据"
scheme per city, so the figures read the engine's results only. Reversible: the legacy results
are deleted again (the PartyOrgRating rows are never touched)."""

import datetime
from decimal import Decimal

from django.db import migrations

LEGACY_TITLE = "历史数据（迁移前录入的星级记录）"


def forwards(apps, schema_editor):
    PartyOrgRating = apps.get_model("party", "PartyOrgRating")
    RatingScheme = apps.get_model("ratings", "RatingScheme")
    RatingEntry = apps.get_model("ratings", "RatingEntry")
    schemes = {}
    rows = []
    done = set(RatingEntry.objects.filter(is_legacy=True).values_list("party_org_id", "year"))
    for r in PartyOrgRating.objects.select_related("party_org").order_by("pk").iterator(chunk_size=2000):
        if (r.party_org_id, r.year) in done:
            continue
        city = r.party_org.region_id[:4] + "00"
        if city not in schemes:
            schemes[city], _ = RatingScheme.objects.get_or_create(
                jurisdiction_id=city,
                is_legacy=True,
                defaults={
                    "subject_kind": "company_org",
                    "title": LEGACY_TITLE,
                    "version": 1,
                    "effective_from": datetime.date(2000, 1, 1),
                    "total_points": Decimal("100"),
                    "star_cutoffs": [1, 2, 3, 4, 5],
                    "source_note": "迁移：原“党组织星级评定”录入记录，只有星级，无细则得分",
                },
            )
        rows.append(
            RatingEntry(
                scheme=schemes[city],
                party_org_id=r.party_org_id,
                region_id=r.party_org.region_id,
                year=r.year,
                status="final",
                stars=r.stars,
                legacy_issuer=r.issuer[:100],
                valid_from=r.issued_on or datetime.date(r.year, 12, 31),
                is_legacy=True,
                is_generated=r.party_org.is_generated,
            )
        )
    RatingEntry.objects.bulk_create(rows, batch_size=2000)


def backwards(apps, schema_editor):
    apps.get_model("ratings", "RatingEntry").objects.filter(is_legacy=True, round__isnull=True).delete()
    apps.get_model("ratings", "RatingScheme").objects.filter(is_legacy=True, rounds__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("ratings", "0001_initial"), ("party", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
