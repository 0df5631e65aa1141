"""The category 紧急 is renamed 安全隐患与险情: 紧急 is the urgency (Urgency.URGENT) every category
can carry, and the submit form listed it twice. Only a name the city has not changed is renamed."""

from django.db import migrations

OLD, NEW = "紧急", "安全隐患与险情"


def rename(apps, schema_editor):
    apps.get_model("workorders", "Category").objects.filter(code="emergency", name=OLD).update(name=NEW)


def unrename(apps, schema_editor):
    apps.get_model("workorders", "Category").objects.filter(code="emergency", name=NEW).update(name=OLD)


class Migration(migrations.Migration):
    dependencies = [("workorders", "0004_assignment_extension")]

    operations = [migrations.RunPython(rename, unrename)]
