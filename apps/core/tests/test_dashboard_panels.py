"""Contribution.dashboard_panels: core collects every app's panel functions, calls them with
(user, region, on), drops the None answers and orders the rest — without naming an app."""

import datetime
from types import SimpleNamespace

from django.apps import apps

from apps.core import contributions as c
from apps.core.contributions import Contribution, DashboardPanel


def _late(*, user, region, on):
    return DashboardPanel("late", "后", "x.html", {"on": on}, order=200)


def _early(*, user, region, on):
    return DashboardPanel("early", "先", "x.html", {"region": region, "user": user}, order=1)


def _nothing(*, user, region, on):
    return None


def test_panels_are_collected_called_and_ordered(monkeypatch):
    config = apps.get_app_config("dashboards")
    monkeypatch.setattr(
        config,
        "contribution",
        Contribution(
            dashboard_panels=(
                "apps.core.tests.test_dashboard_panels:_late",
                "apps.core.tests.test_dashboard_panels:_nothing",
                "apps.core.tests.test_dashboard_panels:_early",
            )
        ),
    )
    c.clear_caches()
    try:
        day = datetime.date(2026, 6, 30)
        user = SimpleNamespace(has_perm=lambda perm: False)  # the real apps' panels answer None
        panels = c.dashboard_panels(user=user, region="r", on=day)
        keys = [p.key for p in panels]
        assert keys.index("early") < keys.index("late") and "nothing" not in keys
        early = next(p for p in panels if p.key == "early")
        assert early.context == {"region": "r", "user": user}
        assert next(p for p in panels if p.key == "late").context == {"on": day}
    finally:
        monkeypatch.undo()
        c.clear_caches()
    assert _late not in c.dashboard_panel_functions()


def test_every_declared_panel_function_imports():
    for _, contribution in c.contributions():
        for path in contribution.dashboard_panels:
            assert callable(c.resolve(path))
