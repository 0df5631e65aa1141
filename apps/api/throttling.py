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

import threading

from django.conf import settings
from ninja.throttling import BaseThrottle

from apps.core.throttle import client_ip, hit, parse_rate  # noqa: F401  (parse_rate: tests)


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
