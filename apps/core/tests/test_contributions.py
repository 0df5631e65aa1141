"""The declarations apps make on their AppConfig, and how core collects them."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission
from django.urls import NoReverseMatch, reverse

from apps.core import contributions as c
from apps.core.contributions import Contribution, DemoStep, NavItem, Tiles


def test_every_grant_names_only_the_declaring_apps_permissions():
    # One app cannot hand out another's permissions: who may do what in an app is read in its apps.py.
    for label, contribution in c.contributions():
        for role, perms in contribution.grants.items():
            foreign = sorted(p for p in perms if p.split(".", 1)[0] != label)
            assert not foreign, f"{label} grants {role} permissions of other apps: {foreign}"


@pytest.mark.django_db
def test_every_granted_permission_exists():
    existing = {
        f"{p.content_type.app_label}.{p.codename}" for p in Permission.objects.select_related("content_type")
    }
    granted = {p for perms in c.role_grants().values() for p in perms}
    assert granted and not granted - existing, sorted(granted - existing)


def test_every_nav_item_and_surface_resolves():
    for item in c.nav_items():
        reverse(item.url_name)
    for surface in c.scope_surfaces().values():
        if surface.list_url:
            reverse(surface.list_url)
        if surface.detail_url:
            with pytest.raises(NoReverseMatch):  # a detail page needs the object's key
                reverse(surface.detail_url)


def test_every_declared_path_imports():
    for _, contribution in c.contributions():
        for path in filter(None, [contribution.api_router, contribution.home_tiles, contribution.world]):
            assert c.resolve(path) is not None
        for tiles in contribution.tiles:
            assert callable(c.resolve(tiles.function))
        if contribution.demo:
            assert callable(c.resolve(contribution.demo.module + ":seed"))


def test_demo_steps_and_nav_follow_their_declared_order():
    orders = [s.order for s in c.demo_steps()]
    assert orders == sorted(orders) and len(set(orders)) == len(orders)
    modules = [s.module for s in c.demo_steps()]
    assert (
        modules.index("apps.regions.demo")
        < modules.index("apps.registry.demo")
        < modules.index("apps.workorders.demo")
    )
    nav = [n.order for n in c.nav_items()]
    assert nav == sorted(nav)


def test_a_new_app_is_picked_up_from_its_config_alone(monkeypatch):
    """What `adding an app = its folder + INSTALLED_APPS` means: core collects its declaration."""
    config = apps.get_app_config("dashboards")
    extra = Contribution(
        nav=(NavItem("测试项", "home", None, order=1),),
        grants={"city": {"dashboards.view_test"}},
        tiles=(Tiles("apps.core.tests.test_contributions:_tiles", order=0),),
        demo=DemoStep("apps.core.tests.demo_step_stub", "测试步骤", order=5),
    )
    monkeypatch.setattr(config, "contribution", extra)
    c.clear_caches()
    try:
        assert c.nav_items()[0].label == "测试项"
        assert "dashboards.view_test" in c.role_grants()["city"]
        assert c.home_tile_functions()[0] is _tiles
        assert c.demo_steps()[0].module == "apps.core.tests.demo_step_stub"
    finally:
        monkeypatch.undo()
        c.clear_caches()
    assert all(n.label != "测试项" for n in c.nav_items())


def _tiles(user):
    return [{"label": "测试", "value": 1, "url": "/"}]


def test_a_surface_declared_twice_is_an_error(monkeypatch):
    from apps.core.contributions import Surface

    config = apps.get_app_config("dashboards")
    monkeypatch.setattr(
        config, "contribution", Contribution(scope_surfaces={"compound": Surface(None, None, None)})
    )
    with pytest.raises(ValueError, match="declared twice"):
        c.scope_surfaces()


def test_no_two_apps_share_a_url_name():
    """A URL name declared by two apps would make reverse() answer with whichever was mounted last."""
    from collections import defaultdict

    from django.urls import get_resolver

    names = defaultdict(list)

    def walk(patterns, prefix=""):
        for p in patterns:
            if hasattr(p, "url_patterns"):
                if not getattr(p, "namespace", None):
                    walk(p.url_patterns, prefix + str(p.pattern))
            elif p.name:
                names[p.name].append(prefix + str(p.pattern))

    walk(get_resolver().url_patterns)
    assert not {n: v for n, v in names.items() if len(v) > 1}


def test_every_nav_group_is_a_menu_of_the_bar():
    from apps.core.navigation import GROUPS

    assert {n.group for n in c.nav_items() if n.group} <= set(GROUPS)
