"""Fixed-window request counting shared by the API's throttles (apps/api/throttling.py) and the
pages that limit a public form (the tracking-code lookup). The counters are apps.core.ratelimit's:
a shared cache when there is one, else the database, so all workers share one budget."""

from __future__ import annotations

import math

from django.conf import settings
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
