"""Demo users share one hash of the public demo password: full strength, and it logs them in."""

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.hashers import get_hasher, identify_hasher

from apps.accounts.demo import demo_password_hash
from apps.accounts.services import user_create


@pytest.mark.django_db
def test_a_user_created_with_the_demo_hash_logs_in_with_the_demo_password(settings):
    settings.DEMO_PASSWORD = "a-demo-password"
    encoded = demo_password_hash()
    assert identify_hasher(encoded).algorithm == get_hasher().algorithm  # the default hasher
    assert demo_password_hash() == encoded  # hashed once
    for name in ("demo-a", "demo-b"):
        user_create(actor=None, username=name, password=None, password_hash=encoded, role="")
        assert authenticate(username=name, password="a-demo-password") is not None
        assert authenticate(username=name, password="wrong") is None


@pytest.mark.django_db
def test_a_hash_and_a_password_together_are_refused():
    with pytest.raises(ValueError):
        user_create(
            actor=None, username="x", password="p", password_hash=demo_password_hash(), role="resident"
        )
    with pytest.raises(ValueError):
        user_create(actor=None, username="y", password=None, password_hash="not-a-hash", role="resident")
