from django.db import migrations


def seed(apps, schema_editor):
    from apps.workorders.categories_seed import CATEGORIES

    Category = apps.get_model("workorders", "Category")
    CategoryLimit = apps.get_model("workorders", "CategoryLimit")
    for order, (code, name, handler, dept, accept, sign, resolve, evidence, urgent, description) in enumerate(CATEGORIES):
        category, _ = Category.objects.update_or_create(
            code=code,
            defaults=dict(
                name=name, description=description, default_handler_kind=handler, default_department_kind=dept,
                accept_limit=accept[0], accept_unit=accept[1], sign_limit=sign[0], sign_unit=sign[1],
                resolve_limit=resolve[0], resolve_unit=resolve[1], evidence_required=evidence,
                sort_order=(order + 1) * 10,
            ),
        )
        if urgent:
            (ua, us, ur) = urgent
            CategoryLimit.objects.update_or_create(
                category=category, urgency="urgent", city_code="",
                defaults=dict(accept_limit=ua[0], accept_unit=ua[1], sign_limit=us[0], sign_unit=us[1],
                              resolve_limit=ur[0], resolve_unit=ur[1], note="默认紧急时限"),
            )


def unseed(apps, schema_editor):
    from apps.workorders.categories_seed import CATEGORIES

    Category = apps.get_model("workorders", "Category")
    Category.objects.filter(code__in=[c[0] for c in CATEGORIES], orders__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("workorders", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
