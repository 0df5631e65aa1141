"""Counters shared by every process and machine: login failures, lockouts, API budgets.

Django's default cache is per process (LocMem): a limit counted there is multiplied by the
number of gunicorn workers. These counters live in the database (one upsert per count, on the
`core_ratecounter` table, committed without waiting for the disk: `apps.core.sql.count_one`),
or in the cache when the cache is shared (Redis, Memcached, database cache) — `shared_cache()`
decides.
"""

from __future__ import annotations

import datetime
import random

from django.core.cache import cache
from django.utils import timezone

from apps.core.models import RateCounter
from apps.core.sql import count_one

_PER_PROCESS_CACHES = ("locmem", "dummy")


def shared_cache() -> bool:
    """RATE_LIMIT_STORE: "cache", "database", or "auto" (the cache unless it is per process)."""
    from django.conf import settings

    store = settings.RATE_LIMIT_STORE
    if store in ("cache", "database"):
        return store == "cache"
    backend = settings.CACHES["default"]["BACKEND"].lower()
    return not any(name in backend for name in _PER_PROCESS_CACHES)


def incr(key: str, *, period: int, now: datetime.datetime | None = None) -> tuple[int, float]:
    """Count one event in the current window of `period` seconds.

    Returns (count in this window, seconds until the window ends)."""
    now = now or timezone.now()
    ts = now.timestamp()
    window = int(ts // period)
    remaining = (window + 1) * period - ts
    full_key = f"{key}:{window}"[:200]
    if shared_cache():
        if cache.add(full_key, 1, timeout=period + 1):
            return 1, remaining
        try:
            return cache.incr(full_key), remaining
        except ValueError:
            cache.add(full_key, 1, timeout=period + 1)
            return 1, remaining
    expires = now + datetime.timedelta(seconds=remaining + 1)
    # One statement, committed without waiting for the disk (apps/core/sql.py `count_one`): a
    # transaction of its own that waited for the WAL flush held the key's row locked ~5 ms, so
    # one API client's calls were capped at ~200/s (docs/benchmarks.md, issue 12).
    count = count_one(
        RateCounter, key_field="key", key=full_key, counter="count", on_insert={"expires_at": expires}
    )
    if random.random() < 0.01:
        purge_expired(now)
    return int(count), remaining


def peek(key: str, *, period: int, now: datetime.datetime | None = None) -> int:
    now = now or timezone.now()
    full_key = f"{key}:{int(now.timestamp() // period)}"[:200]
    if shared_cache():
        return int(cache.get(full_key) or 0)
    return RateCounter.objects.filter(key=full_key).values_list("count", flat=True).first() or 0


def reset(key: str, *, period: int, now: datetime.datetime | None = None) -> None:
    now = now or timezone.now()
    full_key = f"{key}:{int(now.timestamp() // period)}"[:200]
    if shared_cache():
        cache.delete(full_key)
    else:
        RateCounter.objects.filter(key=full_key).delete()


# ------------------------------------------------------------ locks (a key that is set until a time)
def lock(key: str, *, seconds: int, now: datetime.datetime | None = None) -> None:
    now = now or timezone.now()
    until = now + datetime.timedelta(seconds=seconds)
    if shared_cache():
        cache.set(f"lock:{key}", until.timestamp(), timeout=seconds)
        return
    RateCounter.objects.update_or_create(key=f"lock:{key}"[:200], defaults={"count": 1, "expires_at": until})


def locked_for(key: str, *, now: datetime.datetime | None = None) -> float:
    """Seconds the key stays locked (0 = not locked)."""
    now = now or timezone.now()
    if shared_cache():
        until = cache.get(f"lock:{key}")
        return max(0.0, float(until) - now.timestamp()) if until else 0.0
    until = (
        RateCounter.objects.filter(key=f"lock:{key}"[:200], expires_at__gt=now)
        .values_list("expires_at", flat=True)
        .first()
    )
    return (until - now).total_seconds() if until else 0.0


def unlock(key: str) -> None:
    if shared_cache():
        cache.delete(f"lock:{key}")
    else:
        RateCounter.objects.filter(key=f"lock:{key}"[:200]).delete()


def purge_expired(now: datetime.datetime | None = None) -> int:
    return RateCounter.objects.filter(expires_at__lt=now or timezone.now()).delete()[0]
