"""The apps' shared fixtures (API keys of the personas, a fresh cache) for the cross-app tests."""

from apps.conftest import _fresh_cache, api_get, key_for, persona_scope  # noqa: F401
