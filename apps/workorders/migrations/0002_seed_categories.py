from django.db import migrations


def seed(apps, schema_editor):
    from apps.workorders.categories_seed import load

    load(apps.get_model("workorders", "Category"), apps.get_model("workorders", "CategoryLimit"))


def unseed(apps, schema_editor):
    from apps.workorders.categories_seed import CATEGORIES

    Category = apps.get_model("workorders", "Category")
    Category.objects.filter(code__in=[c[0] for c in CATEGORIES], orders__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("workorders", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
