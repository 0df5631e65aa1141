#!/usr/bin/env python
"""CPU per whistle, in process: Django's WSGI handler called directly (no HTTP server, no load
generator) N times with the resident form POST or the Open311 POST, against a benchmark database
that `make bench` built. Prints the Python process's CPU and its PostgreSQL backend's CPU per
create, read from /proc: the two numbers that cap creates/s on 2 cores. PROFILE=1 adds a cProfile
listing (CPU clock; slower, proportions only). Run a checkout's code from its directory:

    cd <checkout> && BENCH_DB=rp_bench_city MODE=form N=600 .venv/bin/python bench/intake_cpu.py

(an older checkout without this file: run it from that checkout's directory by this file's path).

MODE: form (default) or open311. Same settings as bench/run.py's server (DEBUG off, throttles off).
"""

from __future__ import annotations

import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

DB = os.environ.get("BENCH_DB", "rp_bench_city")
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
MODE = os.environ.get("MODE", "form")
N = int(os.environ.get("N", 600))
ORIGIN = "https://127.0.0.1:8300"

os.environ.update(
    {
        "DATABASE_URL": f"{PG}/{DB}",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "bench-only-" + "x" * 50,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "DATABASE_CONN_MAX_AGE": "600",
        "API_THROTTLE_SESSION": "1000000/min",
        "API_THROTTLE_ANON": "1000000/min",
        "API_THROTTLE_TOKEN": "1000000/min",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
)
sys.path.insert(0, str(Path.cwd()))


def main() -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection
    from django.middleware.csrf import _get_new_csrf_string, _mask_cipher_secret
    from django.test import Client

    from apps.accounts.models import User
    from apps.api.services import api_client_create
    from apps.core.scoping import scope_of
    from apps.registry.models import Compound
    from apps.workorders.models import Category

    resident = User.objects.get(username="resident")
    compound = Compound.objects.get(pk=scope_of(resident).compound_id)
    category = Category.objects.get(code="sanitation")
    client = Client()
    client.force_login(resident)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    secret = _get_new_csrf_string()
    _client, api_key = api_client_create(
        actor=None,
        name=f"intake_cpu {time.time():.0f}",
        role="city",
        scope_code=compound.community_id[:4] + "00",
        days=1,
    )
    app = WSGIHandler()

    def environ(path: str, data: dict, cookie: str = "") -> dict:
        body = urlencode(data).encode()
        env = {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": path,
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8300",
            "HTTP_HOST": "127.0.0.1:8300",
            "HTTP_X_FORWARDED_PROTO": "https",
            "HTTP_ORIGIN": ORIGIN,
            "REMOTE_ADDR": "127.0.0.1",
            "SCRIPT_NAME": "",
            "QUERY_STRING": "",
            "CONTENT_TYPE": "application/x-www-form-urlencoded",
            "CONTENT_LENGTH": str(len(body)),
            "wsgi.input": io.BytesIO(body),
            "wsgi.url_scheme": "http",
            "wsgi.errors": sys.stderr,
        }
        if cookie:
            env["HTTP_COOKIE"] = cookie
        return env

    def form(i: int) -> tuple[dict, str]:
        data = {
            "compound": compound.pk,
            "category": category.pk,
            "urgency": "normal",
            "description": f"楼道堆放杂物，请尽快清理（CPU {i}）",
            "csrfmiddlewaretoken": _mask_cipher_secret(secret),
        }
        cookie = f"{settings.SESSION_COOKIE_NAME}={session}; csrftoken={secret}"
        return environ("/workorders/new/", data, cookie), "302"

    def open311(i: int) -> tuple[dict, str]:
        data = {
            "api_key": api_key,
            "service_code": category.code,
            "address_id": compound.code,
            "description": f"楼道堆放杂物，请尽快清理（CPU {i}）",
        }
        return environ("/open311/v2/requests.json", data), "201"

    make = {"form": form, "open311": open311}[MODE]

    def post(i: int) -> None:
        env, want = make(i)
        status = []
        out = app(env, lambda s, h: status.append(s))
        body = b"".join(out)
        if not status[0].startswith(want):
            raise SystemExit(f"HTTP {status[0]}: {body[:300]!r}")

    def backend_cpu() -> float:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    for i in range(30):  # warm: imports, per-process copies, prepared statements
        post(i)
    profile = cProfile.Profile(time.process_time) if os.environ.get("PROFILE") else None
    pg0, py0, t0 = backend_cpu(), time.process_time(), time.perf_counter()
    if profile:
        profile.enable()
    for i in range(N):
        post(i)
    if profile:
        profile.disable()
    pg1, py1, wall = backend_cpu(), time.process_time(), time.perf_counter() - t0
    print(
        f"{MODE}: {N} creates, wall {1000 * wall / N:.2f} ms, Python CPU {1000 * (py1 - py0) / N:.2f} ms "
        f"per create, PostgreSQL backend CPU {1000 * (pg1 - pg0) / N:.2f} ms per create"
    )
    if profile:
        pstats.Stats(profile).sort_stats("cumulative").print_stats(50)


if __name__ == "__main__":
    main()
