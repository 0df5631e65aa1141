"""Fixtures for the open API tests of every app: API keys for the personas, a fresh cache."""

import pytest


@pytest.fixture(autouse=True)
def _fresh_cache(settings):
    """Throttling counts in the cache: each test starts with full budgets; and the process's
    copy of the active work-order categories is re-read (rows roll back between tests).
    Counters stay in the (cleared) cache so that query-count guards do not count them; the
    database store is tested in apps/accounts/tests/test_lockout.py."""
    settings.RATE_LIMIT_STORE = "cache"
    from django.core.cache import cache

    from apps.workorders.selectors import categories_cache_clear

    cache.clear()
    categories_cache_clear()
    yield
    cache.clear()
    categories_cache_clear()


@pytest.fixture
def persona_scope(world):
    """Persona → (role, scope code) of an API client acting with that persona's reach."""
    from apps.core import testing as t

    return {
        "city": ("city", t.CITY),
        "county": ("county", t.COUNTY),
        "street": ("street", t.STREET),
        "community": ("community", t.COMMUNITY),
        "company": ("company", str(world.company.pk)),
        "committee": ("committee", str(world.committee.pk)),
        "department": ("department", str(world.department.pk)),
        "resident": ("resident", str(world.compound.pk)),
        "other_county": ("county", t.OTHER_COUNTY),
        "heze_city": ("city", t.HEZE),
    }


@pytest.fixture
def key_for(persona_scope):
    """key_for("county") → a Bearer key of a new API client with the county persona's scope."""
    from apps.api.services import api_client_create

    made = {}

    def make(persona, **kwargs):
        if persona not in made or kwargs:
            role, scope = persona_scope[persona]
            name = kwargs.pop("name", f"测试-{persona}-{len(made)}")
            made[persona] = api_client_create(actor=None, name=name, role=role, scope_code=scope, **kwargs)[1]
        return made[persona]

    return make


@pytest.fixture
def api_get(client, key_for):
    """api_get(path, as_="county", **params) → response, authenticated with that persona's key."""

    def get(path, as_=None, **params):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {key_for(as_)}"} if as_ else {}
        return client.get(path, params, **headers)

    return get
