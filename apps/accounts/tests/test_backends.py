"""The written-out reads of every signed-in request (apps/accounts/backends.py, sessions.py)
give exactly what Django's own ModelBackend and database session store give."""

import datetime

import pytest
from django.contrib.auth.backends import ModelBackend
from django.contrib.sessions.backends import db as django_db_sessions
from django.contrib.sessions.models import Session
from django.utils import timezone

from apps.accounts.backends import ModelBackendOneQuery
from apps.accounts.models import User
from apps.accounts.sessions import SessionStore

pytestmark = pytest.mark.django_db


def fields_of(user: User) -> dict:
    return {f.attname: getattr(user, f.attname) for f in User._meta.concrete_fields}


def test_the_user_read_equals_model_backends(users):
    User.objects.filter(pk=users["resident"].pk).update(last_login=timezone.now())
    for user in users.values():
        ours, django = ModelBackendOneQuery().get_user(user.pk), ModelBackend().get_user(user.pk)
        assert fields_of(ours) == fields_of(django)
        assert ours._state.adding is False and ours._state.db == "default"
    ours = ModelBackendOneQuery().get_user(users["resident"].pk)
    assert isinstance(ours.last_login, datetime.datetime) and timezone.is_aware(ours.last_login)
    assert ours.is_active is True


def test_no_user_for_an_unknown_bad_or_inactive_id(users):
    backend = ModelBackendOneQuery()
    assert backend.get_user(10**9) is None
    assert backend.get_user("abc") is None
    assert backend.get_user(str(users["resident"].pk)).pk == users["resident"].pk
    User.objects.filter(pk=users["resident"].pk).update(is_active=False)
    assert backend.get_user(users["resident"].pk) is None


def test_permissions_equal_model_backends(users):
    for user in users.values():
        fresh = User.objects.get(pk=user.pk)
        assert ModelBackendOneQuery().get_all_permissions(fresh) == ModelBackend().get_all_permissions(
            User.objects.get(pk=user.pk)
        )


def test_the_session_read_equals_djangos():
    ours = SessionStore()
    ours["a"] = 1
    ours.create()
    ours["a"] = 1
    ours.save()
    key = ours.session_key
    assert SessionStore(key).load() == django_db_sessions.SessionStore(key).load() == {"a": 1}
    # unknown key: nothing, and the key is dropped (a new one is made on save)
    unknown = SessionStore("x" * 32)
    assert unknown.load() == {} and unknown.session_key is None
    # expired: the same
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    expired = SessionStore(key)
    assert expired.load() == {} and expired.session_key is None


def test_a_signed_in_page_uses_them(client_for):
    client = client_for("resident")
    assert client.get("/workorders/mine/").status_code == 200
    client.logout()
    assert client.get("/workorders/mine/").status_code == 302
