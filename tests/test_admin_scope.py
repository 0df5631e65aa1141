"""Every admin of the project is scoped like the pages (issue 20.1).

The test walks `admin.site._registry`, so a model registered tomorrow is checked too: for each
staff official (and the other-region ones) its changelist lists exactly the rows of
apps.core.scoping.scoped() — or refuses with 403 — and an out-of-scope object's change page is
never shown. Models without a scope rule are shared reference data and must be named below.
"""

import pytest
from django.contrib import admin
from django.urls import reverse

from apps.core.admin import ScopedAdminMixin
from apps.core.scoping import scoped

# Shared reference data: the same rows for everybody who may see them.
REFERENCE_MODELS = {"workorders.category", "api.apiclient", "core.event"}

STAFF = ["city", "county", "street", "community", "other_county", "heze_city"]


@pytest.fixture
def inboxes(world):
    """A message in every persona's inbox, one naming an anonymous reporter."""
    from apps.notifications.services import notify

    for key, user in world.users.items():
        notify(recipients=[user], kind="test", title=f"给{key}的消息", body="匿名诉求人 王小明 13912345678")
    return world


def test_every_registered_admin_is_built_on_the_scoped_mixin():
    plain = [
        f"{model._meta.app_label}.{model._meta.model_name}"
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label not in {"auth", "sessions", "contenttypes"}
        and not isinstance(model_admin, ScopedAdminMixin)
    ]
    assert plain == []


def _label(model) -> str:
    return f"{model._meta.app_label}.{model._meta.model_name}"


@pytest.mark.parametrize("persona", STAFF)
def test_every_admin_changelist_lists_only_rows_in_scope(client, inboxes, persona):
    user = inboxes.users[persona]
    assert user.is_staff and not user.is_superuser
    client.force_login(user)
    checked = 0
    for model, _model_admin in admin.site._registry.items():
        if model._meta.app_label in {"auth", "sessions", "contenttypes"}:
            continue
        label = _label(model)
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        response = client.get(url)
        assert response.status_code in (200, 403), (label, response.status_code)
        if response.status_code == 403:
            continue
        checked += 1
        shown = {obj.pk for obj in response.context["cl"].queryset}
        if hasattr(model, "scope_q"):
            allowed = set(scoped(model._default_manager.all(), user).values_list("pk", flat=True))
            assert shown <= allowed, (label, persona, shown - allowed)
            assert shown == allowed, (label, persona)
            # An object outside the scope: its change page is never shown.
            outside = model._default_manager.exclude(pk__in=allowed).first()
            if outside is not None:
                change = reverse(
                    f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[outside.pk]
                )
                r = client.get(change)
                assert r.status_code in (302, 403, 404), (label, persona, r.status_code)
        else:
            assert label in REFERENCE_MODELS, f"{label}: admin without a scope rule"
    assert checked > 3


def test_official_sees_only_own_inbox_in_admin(client, inboxes):
    from apps.notifications.models import Notification

    client.force_login(inboxes.users["county"])
    response = client.get(reverse("admin:notifications_notification_changelist"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "给county的消息" in body
    assert "给city的消息" not in body and "给heze_city的消息" not in body
    other = Notification.objects.exclude(recipient=inboxes.users["county"]).first()
    r = client.get(reverse("admin:notifications_notification_change", args=[other.pk]))
    assert r.status_code == 302  # "does not exist" → back to the index
    # search cannot reach other inboxes either
    r = client.get(reverse("admin:notifications_notification_changelist"), {"q": "消息"})
    assert {n.recipient_id for n in r.context["cl"].queryset} == {inboxes.users["county"].pk}


def test_admin_autocomplete_and_filters_are_scoped(client, world):
    client.force_login(world.users["county"])
    # The compound filter of the committee admin lists only compounds in scope.
    response = client.get(reverse("admin:registry_building_changelist"))
    assert response.status_code == 200
    assert world.other_compound.name not in response.content.decode()
    r = client.get(
        "/admin/autocomplete/",
        {"app_label": "party", "model_name": "partyorg", "field_name": "compound", "term": ""},
    )
    if r.status_code == 200:
        ids = {int(x["id"]) for x in r.json()["results"]}
        assert world.other_compound.pk not in ids


def test_superuser_admin_inbox_is_personal_too(client, inboxes):
    from apps.accounts.services import user_create

    admin_user = user_create(
        actor=None,
        username="t_admin",
        password="x" * 12,
        full_name="管理员",
        role="",
        is_superuser=True,
        is_staff=True,
    )
    client.force_login(admin_user)
    response = client.get(reverse("admin:notifications_notification_changelist"))
    assert response.status_code == 200
    assert "匿名诉求人" not in response.content.decode()
    assert list(response.context["cl"].queryset) == []
