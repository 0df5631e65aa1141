"""Shared fixtures: the real NBS regions (loaded once per session) and the STYLE.md personas."""

from pathlib import Path

import pytest

REGIONS_CSV = Path(__file__).parent / "data" / "divisions_linyi_heze.csv"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from apps.regions.services import regions_load

    with django_db_blocker.unblock():
        report = regions_load(text=REGIONS_CSV.read_text(encoding="utf-8"), actor=None)
        assert report.ok, report.errors[:5]


@pytest.fixture
def world(db):
    from apps.core.testing import build_world

    return build_world()


@pytest.fixture
def users(world):
    return world.users


@pytest.fixture
def client_for(client, users):
    """client_for("county") → a test client logged in as that persona."""

    def login(key):
        client.force_login(users[key])
        return client

    return login


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hashing():
    """Production-strength PBKDF2 costs ~0.3 s per user here; tests need no strength."""
    from django.test import override_settings

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield
