"""Login throttling and lockout (issue 20.5), shared by every process through apps.core.ratelimit.

Failed logins are counted per account (the username as typed, case-folded) and per client
address in windows of LOGIN_FAILURE_WINDOW seconds. When an account reaches LOGIN_MAX_FAILURES,
or an address LOGIN_MAX_FAILURES_PER_IP, it is locked for LOGIN_LOCKOUT_SECONDS: every login
with it is refused — even with the right password — with a Chinese message, and the lockout is
written to the audit log. A successful login clears the account's count.

Enforced in the authentication backend (apps/accounts/backends.py), so the site's login page,
the admin's and any other caller of django.contrib.auth.authenticate share it.
"""

from __future__ import annotations

import math

from django.conf import settings

from apps.core import ratelimit


def client_address(request) -> str:
    if request is None:
        return ""
    from apps.core.throttle import client_ip

    return client_ip(request)


def _keys(username: str, address: str) -> list[tuple[str, int]]:
    keys = [(f"login:user:{(username or '').strip().casefold()}", settings.LOGIN_MAX_FAILURES)]
    if address:
        keys.append((f"login:ip:{address}", settings.LOGIN_MAX_FAILURES_PER_IP))
    return keys


def locked_seconds(username: str, request) -> float:
    """Seconds until a login with this username from this request's address is allowed again."""
    address = client_address(request)
    return max((ratelimit.locked_for(key) for key, _ in _keys(username, address)), default=0.0)


def lockout_message(seconds: float) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return f"登录失败次数过多，账号或所在网络已被暂时锁定，请在{minutes}分钟后再试；如忘记密码请联系平台管理员重置。"


def record_failure(username: str, request) -> bool:
    """Count one failed login; lock and audit when a limit is reached. True if now locked."""
    from apps.core.services import event_record

    address = client_address(request)
    window = settings.LOGIN_FAILURE_WINDOW
    locked = False
    for key, limit in _keys(username, address):
        if limit <= 0:
            continue
        count, _ = ratelimit.incr(key, period=window)
        if count >= limit and not ratelimit.locked_for(key):
            ratelimit.lock(key, seconds=settings.LOGIN_LOCKOUT_SECONDS)
            locked = True
            from apps.accounts.models import User

            user = User.objects.filter(username__iexact=(username or "").strip()).first()
            kind = "账号" if key.startswith("login:user:") else "地址"
            event_record(
                actor=None,
                verb="account.login_locked",
                obj=user,
                note=f"{kind}连续登录失败{count}次，锁定{settings.LOGIN_LOCKOUT_SECONDS // 60}分钟"
                f"（用户名：{(username or '')[:50]}，地址：{address or '未知'}）",
            )
    return locked


def record_success(username: str, request) -> None:
    key, _ = _keys(username, "")[0]
    ratelimit.reset(key, period=settings.LOGIN_FAILURE_WINDOW)


def unlock(username: str, address: str = "") -> None:
    """For administrators (manage.py unlock_login): lift a lock before it ends."""
    for key, _ in _keys(username, address):
        ratelimit.unlock(key)
        ratelimit.reset(key, period=settings.LOGIN_FAILURE_WINDOW)
