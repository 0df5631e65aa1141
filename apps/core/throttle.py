"""Fixed-window request counting in Django's cache, shared by the API's throttles
(apps/api/throttling.py) and the pages that limit a public form (the tracking-code lookup).

A fixed window (`cache.add` + `cache.incr`) is used rather than a sliding log because `incr` is
atomic in shared caches (Redis, Memcached): app servers sharing one cache share one budget.
"""

from __future__ import annotations

import math
import time

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured

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
    """Count one request; None when allowed, else the seconds until the window ends."""
    parsed = parse_rate(rate)
    if parsed is None:
        return None
    limit, period = parsed
    now = time.time()
    window = int(now // period)
    key = f"api-throttle:{scope}:{ident}:{window}"
    if cache.add(key, 1, timeout=period + 1):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=period + 1)
            count = 1
    if count > limit:
        return max(1.0, math.ceil((window + 1) * period - now))
    return None
