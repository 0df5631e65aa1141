"""Request throttling for the API: fixed windows counted in Django's cache.

Three budgets, each a setting ("<count>/<s|min|hour|day>", empty = off): anonymous callers per
IP (API_THROTTLE_ANON), machine clients per API key (API_THROTTLE_TOKEN) and signed-in browser
users per user (API_THROTTLE_SESSION). Rates are read at each request so that tests and
operators can change them without a restart of the code path.

Fixed windows counted by apps/core/ratelimit.py: `cache.add` + `cache.incr` when the cache is
shared (Redis, Memcached: atomic), else one upsert in the database — the default LocMem cache is
per process, and a budget counted there would be multiplied by the number of workers.
"""

from __future__ import annotations

import math
import threading

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from ninja.throttling import BaseThrottle

PERIODS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hour": 3600, "d": 86400, "day": 86400}


def parse_rate(rate: str) -> tuple[int, int] | None:
    """'60/min' → (60, 60); '' → None (off)."""
    if not rate:
        return None
    try:
        count, period = rate.split("/", 1)
        return int(count), PERIODS[period.strip()]
    except (ValueError, KeyError) as exc:
        raise ImproperlyConfigured(f"无效的限流设置“{rate}”，应形如 60/min") from exc


def client_ip(request) -> str:
    """REMOTE_ADDR, or the address the nearest trusted proxy saw (API_NUM_PROXIES)."""
    proxies = settings.API_NUM_PROXIES
    xff = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies > 0 and xff:
        addrs = [a.strip() for a in xff.split(",") if a.strip()]
        if addrs:
            return addrs[-min(proxies, len(addrs))]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def hit(scope: str, ident: str, rate: str) -> float | None:
    """Count one request; None when allowed, else the seconds until the window ends.

    Counted by apps.core.ratelimit: in the cache when it is shared (Redis ...), else in the
    database — so that every worker and machine shares one budget, never one per process."""
    from apps.core.ratelimit import incr

    parsed = parse_rate(rate)
    if parsed is None:
        return None
    limit, period = parsed
    count, remaining = incr(f"api-throttle:{scope}:{ident}", period=period)
    if count > limit:
        return max(1.0, math.ceil(remaining))
    return None


def anon_throttle_check(request) -> float | None:
    return hit("anon", client_ip(request), settings.API_THROTTLE_ANON)


class ApiThrottle(BaseThrottle):
    """Picks the budget from how the request authenticated (ninja runs it after auth).

    One instance serves every request, and ninja asks `wait()` right after `allow_request()`:
    the wait is kept per thread so that concurrent requests cannot swap their Retry-After."""

    def __init__(self):
        self._local = threading.local()

    @property
    def _wait(self) -> float | None:
        return getattr(self._local, "wait", None)

    @_wait.setter
    def _wait(self, value: float | None) -> None:
        self._local.wait = value

    def allow_request(self, request) -> bool:
        self._wait = None
        user = getattr(request, "auth", None)
        client = getattr(user, "api_client_in_use", None) if user is not None else None
        if client is not None:
            self._wait = hit("token", str(client.pk), settings.API_THROTTLE_TOKEN)
        elif user is not None and getattr(user, "pk", None):
            self._wait = hit("session", str(user.pk), settings.API_THROTTLE_SESSION)
        else:
            self._wait = anon_throttle_check(request)
        return self._wait is None

    def wait(self) -> float | None:
        return self._wait


def throttle_anonymous_view(view):
    """For the schema and docs pages (plain views, public): the anonymous budget per IP."""
    import functools

    from apps.api.errors import error_response

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            wait = hit("session", str(user.pk), settings.API_THROTTLE_SESSION)
        else:
            wait = anon_throttle_check(request)
        if wait is not None:
            response = error_response(429)
            response["Retry-After"] = str(int(wait))
            return response
        return view(request, *args, **kwargs)

    return wrapper
