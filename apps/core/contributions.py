"""What a domain app contributes to the platform, declared once on its AppConfig.

Core is the ground floor: it never imports a domain app. Instead each app's `AppConfig` carries
a `contribution = Contribution(...)` and core, the URL conf, the API mount, the demo runner,
the role sync and the scope tests iterate over the installed apps' declarations in
INSTALLED_APPS order. Adding an app = its own folder + one line in INSTALLED_APPS.

Everything that would import the app's modules is a dotted path ("apps.x.api:router") resolved
lazily, so declaring a contribution imports nothing at app-loading time.

    class VotingConfig(AppConfig):
        name = "apps.voting"
        contribution = Contribution(
            urls=("voting/", "apps.voting.urls"),
            api_router="apps.voting.api:router",
            nav=(NavItem("业主表决", "decision_list", "voting.view_decision", order=70),),
            grants={Role.CITY: {"voting.view_decision"}, ...},
            home_tiles="apps.voting.selectors:home_tiles",
            demo=DemoStep("apps.voting.demo", "业主共同决定：表决事项与选票", order=80),
            world="apps.voting.testing:world_objects",
            scope_surfaces={"decision": Surface("decision_list", "decision_detail",
                                                "voting/decision", "title")},
        )
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any


@dataclass(frozen=True)
class NavItem:
    """One entry of the main navigation; shown when the user holds `perm` (None: every user)."""

    label: str
    url_name: str
    perm: str | None = None
    order: int = 100  # position in the bar (or in its group); lower first (首页 is 0)
    group: str = ""  # a menu of the bar (navigation.GROUPS) this item sits in; "" = on the bar itself


@dataclass(frozen=True)
class DemoStep:
    """A step of `manage.py seed_demo`: `module.seed(*, rng, today, log)`, run in `order`.

    `preflight` ("module:function()") runs before any step when this one is pending, to refuse
    early (e.g. a demo password that is too weak) rather than after minutes of seeding."""

    module: str
    label: str
    order: int = 100
    preflight: str | None = None


@dataclass(frozen=True)
class Tiles:
    """Home-page cards: "module:function(user) -> list[dict(label, value, url, sub?)]", in `order`."""

    function: str
    order: int = 100


@dataclass(frozen=True)
class Surface:
    """How the scope tests reach one model of the app: list and detail URL names (or None), the
    admin's "app/model", and the attribute (dotted) whose text identifies an object on a page."""

    list_url: str | None
    detail_url: str | None
    admin: str | None
    text: str = "name"


@dataclass(frozen=True)
class Contribution:
    """Everything an app adds to the shared parts of the platform. Every field is optional."""

    urls: tuple[str, str] | None = None  # (prefix, urls module), e.g. ("registry/", "apps.registry.urls")
    api_router: str | None = None  # "module:attribute" of a ninja Router mounted under /api/v1/
    nav: tuple[NavItem, ...] = ()
    grants: Mapping[str, frozenset[str] | set[str]] = field(default_factory=dict)  # role → permissions
    home_tiles: str | None = None  # "module:function(user) -> list[dict(label, value, url, sub?)]"
    home_order: int = 100
    tiles: tuple[Tiles, ...] = ()  # more than one group of cards, each with its own order
    demo: DemoStep | None = None
    world: str | None = None  # tests only: "module:function(world) -> None" adding own/other objects
    scope_surfaces: Mapping[str, Surface] = field(default_factory=dict)  # tests only
    audit_verbs: Mapping[str, str] = field(default_factory=dict)  # verb suffix → Chinese label
    # 月报 sections: "module:function(region, month) -> dict | None", the dict being
    # {"title", "note"?, "tables": [{"title", "headers", "rows", "note"?}], "chart"?: {"title",
    # "labels", "series": [{"name", "values"}], "unit"?}} (apps/reports/sections.py, docs/reports.md)
    report_sections: tuple[str, ...] = ()
    # Dashboard panels: "module:function(*, user, region, on) -> DashboardPanel | None", each a
    # card of the app on the governance dashboard of `region` (already inside the user's scope)
    # as of the day `on` (the dashboard's month); None = nothing to show this user.
    dashboard_panels: tuple[str, ...] = ()
    imports: tuple[str, ...] = ()  # "module:attribute" of each importable Ledger (apps/core/imports.py)
    # What the app shows on another app's page: slot → functions
    # "module:function(*, user, obj) -> Panel | Section | None". A slot is the page's model label
    # ("party.partyorg", "registry.compound") — a DetailPage shows a Section as one of its tables
    # and a Panel below them — or a page's own name ("workorders.workorder:order" …) rendered
    # where that page's template says {% page_panels "…" obj %}. A lower app thus never loads a
    # higher app's template tags or selectors.
    page_panels: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


def resolve(path: str) -> Any:
    """ "package.module:attr" → the attribute (imported on first use)."""
    module, _, attr = path.partition(":")
    obj = importlib.import_module(module)
    for part in attr.split(".") if attr else ():
        obj = getattr(obj, part)
    return obj


def contributions() -> Iterator[tuple[str, Contribution]]:
    """(app label, contribution) of every installed app that declares one, in INSTALLED_APPS order."""
    from django.apps import apps

    for config in apps.get_app_configs():
        contribution = getattr(config, "contribution", None)
        if isinstance(contribution, Contribution):
            yield config.label, contribution


@cache
def nav_items() -> tuple[NavItem, ...]:
    items = [item for _, c in contributions() for item in c.nav]
    return tuple(sorted(items, key=lambda i: i.order))  # sorted() is stable: ties keep app order


@cache
def role_grants() -> dict[str, frozenset[str]]:
    """Role → the union of the permissions every installed app grants it."""
    merged: dict[str, set[str]] = {}
    for _, c in contributions():
        for role, perms in c.grants.items():
            merged.setdefault(str(role), set()).update(perms)
    return {role: frozenset(perms) for role, perms in merged.items()}


@cache
def home_tile_functions() -> tuple[Callable, ...]:
    tiles = []
    for _, c in contributions():
        if c.home_tiles:
            tiles.append(Tiles(c.home_tiles, c.home_order))
        tiles.extend(c.tiles)
    return tuple(resolve(t.function) for t in sorted(tiles, key=lambda t: t.order))


def audit_verbs() -> dict[str, str]:
    return {verb: label for _, c in contributions() for verb, label in c.audit_verbs.items()}


def demo_steps() -> tuple[DemoStep, ...]:
    steps = [c.demo for _, c in contributions() if c.demo is not None]
    return tuple(sorted(steps, key=lambda s: s.order))


def report_section_functions() -> list[Callable]:
    return [resolve(path) for _, c in contributions() for path in c.report_sections]


def url_includes() -> list[tuple[str, str]]:
    return [c.urls for _, c in contributions() if c.urls]


def api_routers() -> list[Any]:
    return [resolve(c.api_router) for _, c in contributions() if c.api_router]


def world_builders() -> list[Callable]:
    return [resolve(c.world) for _, c in contributions() if c.world]


def scope_surfaces() -> dict[str, Surface]:
    merged: dict[str, Surface] = {}
    for label, c in contributions():
        for key, surface in c.scope_surfaces.items():
            if key in merged:
                raise ValueError(f"scope surface {key!r} declared twice (second by {label})")
            merged[key] = surface
    return merged


@cache
def import_ledgers() -> dict:
    """Ledger name → the Ledger object of every app's `imports` (apps/imports), in `order`."""
    ledgers = sorted((resolve(path) for _, c in contributions() for path in c.imports), key=lambda x: x.order)
    merged = {}
    for ledger in ledgers:
        if ledger.name in merged:
            raise ValueError(f"import ledger {ledger.name!r} declared twice")
        merged[ledger.name] = ledger
    return merged


def clear_caches() -> None:
    """For tests that install an app's contribution on the fly."""
    nav_items.cache_clear()
    role_grants.cache_clear()
    home_tile_functions.cache_clear()
    dashboard_panel_functions.cache_clear()
    page_panel_functions.cache_clear()


@dataclass(frozen=True)
class Panel:
    """A card an app adds to the dashboard or to another app's page: `template` rendered with
    `context` (as `panel`; on a page also as the template's own variables)."""

    key: str  # the card's id on the page: panel-<key>
    title: str
    template: str
    context: Mapping[str, Any] = field(default_factory=dict)
    order: int = 100


@cache
def dashboard_panel_functions() -> tuple[Callable, ...]:
    return tuple(resolve(path) for _, c in contributions() for path in c.dashboard_panels)


DashboardPanel = Panel  # the dashboard's name for it


@cache
def page_panel_functions(slot: str) -> tuple[Callable, ...]:
    return tuple(resolve(path) for _, c in contributions() for path in c.page_panels.get(slot, ()))


def page_panels(slot: str, *, user, obj) -> list:
    """Every installed app's Panels and Sections for this page (slot) and object, in app order;
    the functions return None where this user has nothing to see."""
    return [p for fn in page_panel_functions(slot) if (p := fn(user=user, obj=obj)) is not None]


def dashboard_panels(*, user, region, on) -> list[DashboardPanel]:
    """Every installed app's panels for this user, region and day, in their order."""
    panels = [fn(user=user, region=region, on=on) for fn in dashboard_panel_functions()]
    return sorted((p for p in panels if p is not None), key=lambda p: p.order)
    import_ledgers.cache_clear()
