"""Today's Compound.management_mode becomes an open arrangement starting the day the compound was
registered (the only date known); compounds without service get none. From here on the mode
is kept by apps.programs.services as the arrangement in force today."""

from django.db import migrations


def forwards(apps, schema_editor):
    Compound = apps.get_model("registry", "Compound")
    Arrangement = apps.get_model("programs", "ServiceArrangement")
    names = {"street_centre": "街道物业服务中心", "self_managed": "业主自治管理组织"}
    rows = []
    served = Compound.objects.exclude(management_mode="none").filter(arrangements__isnull=True)
    for c in served.only("pk", "management_mode", "company_id", "created_at", "is_generated").iterator(2000):
        rows.append(
            Arrangement(
                compound_id=c.pk,
                mode=c.management_mode,
                company_id=c.company_id,
                provider_name=names.get(c.management_mode, ""),
                start_date=c.created_at.date(),
                is_generated=c.is_generated,
                note="由原“管理模式”字段迁移",
            )
        )
        if len(rows) >= 2000:
            Arrangement.objects.bulk_create(rows)
            rows = []
    Arrangement.objects.bulk_create(rows)


def backwards(apps, schema_editor):
    apps.get_model("programs", "ServiceArrangement").objects.filter(note="由原“管理模式”字段迁移").delete()


class Migration(migrations.Migration):
    dependencies = [("programs", "0002_no_overlap_on_postgresql"), ("registry", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
