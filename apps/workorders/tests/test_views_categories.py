"""Category administration: everyone at work reads the limits that apply in their city; a city
official sets their own city's limits per urgency through the category services; the platform
administrator edits the province-wide categories. Other cities' rows are not found; a forged
city or a province-wide row is refused, and nothing changes."""

import pytest
from django.urls import reverse

from apps.core.models import Event
from apps.workorders import deadlines, services
from apps.workorders.choices import Urgency
from apps.workorders.models import Category, CategoryLimit
from apps.workorders.tests.helpers import category
from apps.workorders.views.categories import effective_limits

LIMIT = {
    "urgency": "normal",
    "accept_limit": "2",
    "accept_unit": "working_days",
    "sign_limit": "1",
    "sign_unit": "working_days",
    "resolve_limit": "4",
    "resolve_unit": "working_days",
    "note": "临沂市规定",
}


def test_everyone_at_work_reads_the_list(world, users, client_for):
    for persona in ("community", "county", "company", "department", "city"):
        response = client_for(persona).get(reverse("category_list"))
        assert response.status_code == 200, persona
        assert "环境卫生" in response.content.decode()
    assert client_for("outsider").get(reverse("category_list")).status_code == 403


def test_the_page_shows_the_limits_the_deadlines_use(world, users, client_for):
    sanitation = category()
    services.category_limit_create(
        actor=users["city"],
        data={"category": sanitation, "city_code": "371300", **{k: v for k, v in LIMIT.items()}},
    )
    response = client_for("county").get(reverse("category_list"))
    table = {row["category"].code: row["cells"] for row in response.context["table"]}
    assert table["sanitation"][0]["source"] == "本市设置"
    rows = list(CategoryLimit.objects.all())
    for c in Category.objects.all():
        for urgency in Urgency.values:
            for city in ("371300", "371700"):
                assert effective_limits(c, rows, urgency, city)[0] == deadlines.limits_for(
                    category=c, urgency=urgency, city_code=city
                ), (c.code, urgency, city)


def test_a_city_official_sets_the_citys_limit(world, users, client_for):
    sanitation = category()
    client = client_for("city")
    url = reverse("category_limit_create", args=[sanitation.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {**LIMIT, "city_code": "371700"})  # a forged city is ignored
    assert response.status_code == 302
    row = CategoryLimit.objects.get(category=sanitation, city_code="371300")
    assert row.resolve_limit == 4 and not CategoryLimit.objects.filter(city_code="371700").exists()
    assert Event.objects.filter(verb="categorylimit.create").exists()
    assert deadlines.limits_for(category=sanitation, urgency="normal", city_code="371300").resolve.amount == 4

    response = client.post(reverse("category_limit_update", args=[row.pk]), {**LIMIT, "resolve_limit": "0"})
    assert response.status_code == 400 and "期限至少为1" in response.content.decode()
    response = client.post(reverse("category_limit_update", args=[row.pk]), {**LIMIT, "resolve_limit": "5"})
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.resolve_limit == 5
    response = client.post(url, LIMIT)  # the same urgency twice
    assert response.status_code == 400 and "已有时限设置" in response.content.decode()
    assert client.post(reverse("category_limit_delete", args=[row.pk])).status_code == 302
    assert not CategoryLimit.objects.filter(pk=row.pk).exists()


@pytest.mark.parametrize("persona", ["county", "community", "company"])
def test_other_roles_cannot_set_limits(world, users, client_for, persona):
    url = reverse("category_limit_create", args=[category().pk])
    before = CategoryLimit.objects.count()
    client = client_for(persona)
    assert client.get(url).status_code == 403
    assert client.post(url, LIMIT).status_code == 403
    assert CategoryLimit.objects.count() == before


def test_another_citys_row_is_not_found_and_province_rows_are_refused(world, users, client_for):
    heze = services.category_limit_create(
        actor=users["heze_city"], data={"category": category(), "city_code": "371700", **LIMIT}
    )
    province = CategoryLimit.objects.get(category=category(), city_code="", urgency="urgent")  # seeded
    seeded = province.resolve_limit
    client = client_for("city")
    assert client.get(reverse("category_limit_update", args=[heze.pk])).status_code == 404
    assert client.post(reverse("category_limit_delete", args=[heze.pk])).status_code == 404
    response = client.post(
        reverse("category_limit_update", args=[province.pk]),
        {**LIMIT, "urgency": "urgent", "resolve_limit": "9"},
    )
    assert response.status_code == 400 and "只能设置本市的分类时限" in response.content.decode()
    province.refresh_from_db()
    assert province.resolve_limit == seeded


def test_only_the_administrator_edits_the_category(world, users, client_for, client, django_user_model):
    sanitation = category()
    url = reverse("category_update", args=[sanitation.pk])
    assert client_for("city").get(url).status_code == 403
    admin = django_user_model.objects.create_superuser("t_admin", password="x")
    client.force_login(admin)
    data = {
        "name": sanitation.name,
        "description": "垃圾清运、保洁",
        "default_handler_kind": "company",
        "default_department_kind": "",
        "accept_limit": "1",
        "accept_unit": "working_days",
        "sign_limit": "1",
        "sign_unit": "working_days",
        "resolve_limit": "3",
        "resolve_unit": "working_days",
        "evidence_required": "on",
        "is_active": "on",
        "sort_order": "10",
    }
    assert client.post(url, data).status_code == 302
    sanitation.refresh_from_db()
    assert sanitation.description == "垃圾清运、保洁"
    response = client.post(url, {**data, "default_handler_kind": "department"})
    assert response.status_code == 400 and "请选择部门类别" in response.content.decode()
    html = client.get(reverse("category_list"), {"city": "371300"}).content.decode()
    assert "临沂市" in html
