"""Login throttling and lockout (issue 20.5): per account and per address, shared through the
database, with a Chinese message and an audit event."""

import pytest
from django.core.management import call_command

from apps.core.models import Event, RateCounter
from apps.core.testing import PASSWORD


def _login(client, username, password, *, ip="10.0.0.1", path="/login/"):
    return client.post(path, {"username": username, "password": password}, REMOTE_ADDR=ip)


@pytest.fixture
def limits(settings):
    settings.RATE_LIMIT_STORE = "database"  # what several workers without Redis use
    settings.LOGIN_MAX_FAILURES = 3
    settings.LOGIN_MAX_FAILURES_PER_IP = 5
    settings.LOGIN_LOCKOUT_SECONDS = 600
    return settings


def test_account_is_locked_after_the_configured_failures(client, world, limits):
    user = world.users["county"]
    for _ in range(2):
        r = _login(client, user.username, "wrong")
        assert r.status_code == 200 and "用户名或密码不正确" in r.content.decode()
    r = _login(client, user.username, "wrong")
    assert "登录失败次数过多" in r.content.decode()
    # Locked: even the right password is refused, from any address.
    r = _login(client, user.username, PASSWORD, ip="10.9.9.9")
    assert r.status_code == 200 and "登录失败次数过多" in r.content.decode()
    assert "_auth_user_id" not in client.session
    event = Event.objects.get(verb="account.login_locked")
    assert event.object_id == str(user.pk) and "10.0.0.1" in event.note
    # Counted in the database: every worker sees the same count.
    assert RateCounter.objects.filter(key__startswith=f"lock:login:user:{user.username}").exists()
    call_command("unlock_login", user.username)
    r = _login(client, user.username, PASSWORD, ip="10.9.9.9")
    assert r.status_code == 302


def test_address_is_locked_across_accounts(client, world, limits):
    names = ["city", "county", "street", "community", "company", "committee"]
    for key in names[:5]:
        _login(client, world.users[key].username, "wrong", ip="10.1.1.1")
    r = _login(client, world.users["committee"].username, PASSWORD, ip="10.1.1.1")
    assert "登录失败次数过多" in r.content.decode()
    r = _login(client, world.users["committee"].username, PASSWORD, ip="10.2.2.2")
    assert r.status_code == 302


def test_success_clears_the_account_count(client, world, limits):
    user = world.users["street"]
    _login(client, user.username, "wrong")
    _login(client, user.username, "wrong")
    assert _login(client, user.username, PASSWORD).status_code == 302
    client.logout()
    _login(client, user.username, "wrong")
    _login(client, user.username, "wrong")
    assert _login(client, user.username, PASSWORD).status_code == 302


def test_admin_login_shares_the_lockout(client, world, limits):
    user = world.users["city"]
    for _ in range(3):
        _login(client, user.username, "wrong", path="/admin/login/")
    r = _login(client, user.username, PASSWORD, path="/admin/login/")
    assert "登录失败次数过多" in r.content.decode()


def test_api_budget_is_counted_in_the_database_not_per_process(db, settings):
    """With the per-process LocMem cache, the budget lives in the database (core_ratecounter)."""
    from apps.core.throttle import hit

    settings.RATE_LIMIT_STORE = "auto"  # and the cache is the per-process LocMem
    assert hit("token", "42", "2/min") is None
    assert hit("token", "42", "2/min") is None
    assert RateCounter.objects.get(key__startswith="api-throttle:token:42:").count == 2
    # another process = an empty local cache; the count is still there
    from django.core.cache import cache

    cache.clear()
    assert hit("token", "42", "2/min") is not None


def test_administrator_password_reset_is_audited_and_unlocks(client, world, limits):
    from apps.accounts.services import user_create

    user = world.users["street"]
    for _ in range(3):
        _login(client, user.username, "wrong")
    admin_user = user_create(
        actor=None, username="t_root", password="x" * 12, role="", is_superuser=True, is_staff=True
    )
    client.force_login(admin_user)
    r = client.post(
        f"/admin/accounts/user/{user.pk}/password/",
        {"password1": "Neu-Passwort-2026!", "password2": "Neu-Passwort-2026!", "usable_password": "true"},
    )
    assert r.status_code == 302, r.content.decode()[:500]
    assert Event.objects.filter(verb="user.password_reset", object_id=str(user.pk), actor=admin_user).exists()
    client.logout()
    assert _login(client, user.username, "Neu-Passwort-2026!").status_code == 302
