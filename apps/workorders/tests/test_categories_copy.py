"""The process's copy of the active categories (selectors.category_active): a whistle names its
category without a query, and an edit through the category services is seen at once."""

import pytest
from django.urls import reverse

from apps.workorders import selectors
from apps.workorders.models import Category, WorkOrder
from apps.workorders.services import category_create, category_update
from apps.workorders.tests.helpers import category

pytestmark = pytest.mark.django_db


def test_a_category_is_found_by_pk_or_code_once_read(django_assert_num_queries):
    sanitation = category("sanitation")
    assert selectors.category_active(pk=sanitation.pk) == sanitation  # reads the copy
    with django_assert_num_queries(0):
        assert selectors.category_active(pk=str(sanitation.pk)).code == "sanitation"
        assert selectors.category_active(code="sanitation").pk == sanitation.pk


@pytest.mark.parametrize("pk", ["abc", "", "12.5", [1]])
def test_a_bad_key_finds_nothing(pk):
    assert selectors.category_active(pk=pk) is None
    assert selectors.category_active(code="no-such-code") is None


def test_an_inactive_or_unknown_category_is_not_found():
    Category.objects.filter(code="greening").update(is_active=False)
    selectors.categories_cache_clear()
    assert selectors.category_active(code="greening") is None
    assert selectors.category_active(pk=10**9) is None


def test_a_category_created_since_the_copy_was_read_is_found(users):
    selectors.category_active(code="sanitation")  # the copy is read
    new = category_create(actor=None, data=_data(code="new-kind", name="新分类"))
    assert selectors.category_active(pk=new.pk) == new
    # created without the services (e.g. an import): found by the miss, which re-reads the copy
    other = Category.objects.create(**_data(code="other-kind", name="另一分类"))
    assert selectors.category_active(code="other-kind") == other


def test_deactivating_through_the_services_refuses_it_at_once(world, users, client_for):
    sanitation = category("sanitation")
    data = {
        "compound": world.compound.pk,
        "category": sanitation.pk,
        "urgency": "normal",
        "description": "楼道堆放杂物",
    }
    client = client_for("resident")
    assert client.post(reverse("workorder_submit"), data).status_code == 302
    category_update(category=sanitation, actor=None, data={"is_active": False})
    response = client.post(reverse("workorder_submit"), data)
    assert response.status_code == 400 and "所选分类不存在或已停用" in response.content.decode()
    assert WorkOrder.objects.count() == 1


def test_other_processes_see_an_edit_within_the_cache_time(settings, monkeypatch):
    settings.WORKORDER_LIMITS_CACHE_SECONDS = 60
    clock = [1000.0]
    monkeypatch.setattr(selectors.time, "monotonic", lambda: clock[0])
    assert selectors.category_active(code="greening") is not None
    # another process deactivates it: this one's copy is not told
    Category.objects.filter(code="greening").update(is_active=False)
    clock[0] += 59
    assert selectors.category_active(code="greening") is not None
    clock[0] += 2
    assert selectors.category_active(code="greening") is None


def _data(**kw) -> dict:
    base = category("sanitation")
    fields = {
        f.name: getattr(base, f.name)
        for f in Category._meta.concrete_fields
        if f.name not in ("id", "code", "name", "created_at", "updated_at")
    }
    return {**fields, **kw}
