#!/usr/bin/env python
"""What one API budget count costs (apps/core/ratelimit.py `incr`, one per API call), in process:
N counts of one key, as one API client's calls are. Prints wall time, this process's CPU and its
PostgreSQL backend's CPU per count. The store is the server's: LocMem cache (the default) counts
in the database (`core_ratecounter`), a shared cache (Redis) in the cache:

    BENCH_DB=rp_bench_city N=5000 .venv/bin/python bench/ratelimit_bench.py
    DJANGO_CACHE_BACKEND=django.core.cache.backends.redis.RedisCache \
      DJANGO_CACHE_LOCATION=redis://127.0.0.1:6379/7 .venv/bin/python bench/ratelimit_bench.py

THREADS=8 runs the N counts from 8 threads at once (the bench server's 2 workers × 4 threads all
count one API client's key): the wall time per count then shows the waits on the counter's row.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path

DB = os.environ.get("BENCH_DB", "rp_bench_city")
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
N = int(os.environ.get("N", 5000))
THREADS = int(os.environ.get("THREADS", 1))

os.environ.update(
    {
        "DATABASE_URL": f"{PG}/{DB}",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "bench-only-" + "x" * 50,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_CONN_MAX_AGE": "600",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
)
sys.path.insert(0, str(Path.cwd()))


def backend_cpu_all(db: str) -> float:
    """CPU seconds of every PostgreSQL backend connected to `db` (read from /proc)."""
    import psycopg

    with psycopg.connect(f"{PG}/{db}", autocommit=True) as conn:
        pids = [r[0] for r in conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", [db])]
        own = conn.execute("SELECT pg_backend_pid()").fetchone()[0]
    total = 0.0
    for pid in pids:
        if pid == own:
            continue
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def main() -> None:
    import django

    django.setup()
    from django.db import connection

    from apps.core import ratelimit

    store = "cache" if ratelimit.shared_cache() else "database"
    key = f"bench-ratelimit:{time.time():.0f}"

    # Each thread keeps its connection (and its backend, whose CPU is read) until measured.
    go, done, measured = threading.Barrier(THREADS + 1), threading.Barrier(THREADS + 1), threading.Event()

    def work(n: int) -> None:
        try:
            for _ in range(200):  # warm: connection, prepared statements
                ratelimit.incr(key, period=3600)
            go.wait()
            for _ in range(n):
                ratelimit.incr(key, period=3600)
            done.wait()
            measured.wait()
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(N // THREADS,)) for _ in range(THREADS)]
    for t in threads:
        t.start()
    go.wait()
    pg0, py0, t0 = backend_cpu_all(DB), time.process_time(), time.perf_counter()
    done.wait()
    wall = time.perf_counter() - t0
    pg1, py1 = backend_cpu_all(DB), time.process_time()
    measured.set()
    for t in threads:
        t.join()
    n = N // THREADS * THREADS
    print(
        f"store={store} threads={THREADS}: {n} counts, wall {1000 * wall / n:.3f} ms per count "
        f"({n / wall:,.0f} counts/s), Python CPU {1000 * (py1 - py0) / n:.3f} ms, "
        f"PostgreSQL CPU {1000 * (pg1 - pg0) / n:.3f} ms per count "
        f"(final count {ratelimit.peek(key, period=3600)})"
    )
    ratelimit.reset(key, period=3600)


if __name__ == "__main__":
    main()
