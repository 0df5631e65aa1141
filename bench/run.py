#!/usr/bin/env python
"""The benchmark suite (`make bench`): builds a data set on PostgreSQL, starts gunicorn on
loopback, drives it with wrk (one thread; bench/loadgen.py writes its Lua) or, where wrk is
missing, a small asyncio HTTP/1.1 load generator, and measures in-process what has no page.
Every figure sits beside a baseline measured in the same run; each HTTP scenario also reports the
server's CPU per request (gunicorn workers, PostgreSQL backends). Writes
bench/results/<date>-<scale>.json and the <scale> section of docs/benchmarks.md.

    make bench                                  # BENCH_SCALE=small: ~200k orders, bounded
    BENCH_SCALE=city make bench                 # ≈ Linyi: 2.1M orders
    BENCH_SCALE=province make bench             # ≈ Shandong: 10.5M orders
    BENCH_REUSE=1 ...                           # keep the database if it is already generated

Environment: BENCH_PG (postgres://postgres@127.0.0.1:5432), BENCH_DB (the database's name; default
rp_bench_city, or rp_bench_province for that scale), BENCH_PORT (8300),
BENCH_DURATION (seconds per load phase, 15), BENCH_CONCURRENCY (virtual users, 8),
BENCH_WORKERS (gunicorn workers, 2), BENCH_THREADS (threads per worker, 4),
BENCH_PHASES (http,metrics,sweep,sweep_million), BENCH_SCENARIOS (comma-separated scenario names;
default all), BENCH_SPREAD (compounds the *_spread intake scenarios file for, 32),
BENCH_LOADGEN (python: the asyncio client even where wrk is installed), BENCH_KEEPALIVE (1: each
virtual user keeps its connection; default a new connection per request, as nginx proxies),
BENCH_SERVER_ROOT (the checkout gunicorn serves, default this one: measure the commit before a
change with the same client, data set and minute), BENCH_ORDERS (override the scale's order count), BENCH_OPEN_DAYS (21), BENCH_TEMPLATE (create
the database as a copy of another, e.g. the province on top of rp_bench_city), SWEEP_N (1000000), BENCH_SECTION (name of the docs section and results file; default the scale).

A scenario is one `@scenario` function (name, kind): adding the Open311 or REST verb endpoints
is one more function.
"""

from __future__ import annotations

import asyncio
import datetime
import json
import os
import platform
import re
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

from loadgen import (
    KEEPALIVE,
    Variant,
    cpu_ms_per_request,
    cpu_ticks,
    form_variant,
    loadgen_choice,
    request_headers,
    rotating_lua,
    transitions_lua,
    wrk_run,
    wrk_version,
)

ROOT = Path(__file__).resolve().parent.parent
SCALE = os.environ.get("BENCH_SCALE", "small")
DB = (
    os.environ.get("BENCH_DB")
    or {"small": "rp_bench_city", "city": "rp_bench_city", "province": "rp_bench_province"}[SCALE]
)
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DATABASE_URL = f"{PG}/{DB}"
PORT = int(os.environ.get("BENCH_PORT", 8300))
DURATION = float(os.environ.get("BENCH_DURATION", 15))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", 8))
WORKERS = int(os.environ.get("BENCH_WORKERS", 2))
# 2 workers x 4 threads: on 2 shared cores the best of 2x2, 2x4, 3x2, 4x1, 4x2 and 6x1 for the
# intake POSTs (docs/benchmarks.md); threads cover the waits on PostgreSQL.
THREADS = int(os.environ.get("BENCH_THREADS", 4))
REUSE = os.environ.get("BENCH_REUSE") == "1"
PHASES = set(os.environ.get("BENCH_PHASES", "http,metrics,sweep,sweep_million").split(","))
ONLY_SCENARIOS = {n for n in os.environ.get("BENCH_SCENARIOS", "").split(",") if n}
SPREAD = int(os.environ.get("BENCH_SPREAD", 32))
# wrk when installed (0.02–0.12 ms of CPU per request against the asyncio client's 0.06–0.24 ms,
# on the cores the server needs), else the asyncio client; BENCH_LOADGEN=python forces the latter.
LOADGEN = loadgen_choice()
ORIGIN = f"https://127.0.0.1:{PORT}"
SERVER_ROOT = Path(os.environ.get("BENCH_SERVER_ROOT") or ROOT).resolve()
PY = (
    str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv" / "bin" / "python").exists() else sys.executable
)
SERVER_ENV = {
    "DATABASE_URL": DATABASE_URL,
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "bench-only-" + "x" * 50,
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
    "DATABASE_CONN_MAX_AGE": "600",
    # The suite measures the stack, not the throttle.
    "API_THROTTLE_SESSION": "1000000/min",
    "API_THROTTLE_ANON": "1000000/min",
    "API_THROTTLE_TOKEN": "1000000/min",
}


def log(msg: str) -> None:
    print(f"[{datetime.datetime.now(datetime.UTC):%H:%M:%S}] {msg}", flush=True)


def manage(
    *args: str, env: dict | None = None, check: bool = True, cwd: Path = ROOT
) -> subprocess.CompletedProcess:
    full_env = {**os.environ, "DATABASE_URL": DATABASE_URL, "DJANGO_DEBUG": "1", **(env or {})}
    return subprocess.run([PY, "manage.py", *args], cwd=cwd, env=full_env, check=check)


# ------------------------------------------------------------------------------ data set
def setup_database() -> dict:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB]).fetchone()
        if exists and REUSE:
            log(f"BENCH_REUSE=1: reusing {DB}")
            report_file = ROOT / "bench" / "results" / f".{DB}-generate.json"
            return json.loads(report_file.read_text()) if report_file.exists() else {}
        if exists:
            conn.execute(f"DROP DATABASE {DB} WITH (FORCE)")
        template = os.environ.get("BENCH_TEMPLATE", "")
        if template:
            # E.g. the province set built on a copy of the city set (demo logins and the city's
            # compounds and orders included); bench/generate_scale.py adds only what is missing.
            log(f"CREATE DATABASE {DB} TEMPLATE {template}")
            conn.execute(f"CREATE DATABASE {DB} TEMPLATE {template}")
        else:
            conn.execute(f"CREATE DATABASE {DB}")
    t = time.monotonic()
    if not os.environ.get("BENCH_TEMPLATE"):
        log(f"migrate + seed_demo on {DB}")
        manage("migrate", "-v0")
        manage("seed_demo")
    seed_seconds = time.monotonic() - t
    report_file = ROOT / "bench" / "results" / f".{DB}-generate.json"
    report_file.parent.mkdir(parents=True, exist_ok=True)
    args = [SCALE, "--report", str(report_file)]
    if os.environ.get("BENCH_ORDERS"):
        args += ["--orders", os.environ["BENCH_ORDERS"]]
    if os.environ.get("BENCH_OPEN_DAYS"):
        args += ["--open-days", os.environ["BENCH_OPEN_DAYS"]]
    log(f"bench/generate_scale.py {' '.join(args)}")
    full_env = {**os.environ, "DATABASE_URL": DATABASE_URL, "DJANGO_DEBUG": "1"}
    subprocess.run([PY, str(ROOT / "bench" / "generate_scale.py"), *args], cwd=ROOT, env=full_env, check=True)
    report = json.loads(report_file.read_text())
    report["seed_demo_seconds"] = round(seed_seconds, 1)
    report_file.write_text(json.dumps(report, ensure_ascii=False, indent=1))
    return report


# ------------------------------------------------------------------------------ HTTP client
class Http:
    """HTTP/1.1 over one keep-alive connection, with a cookie jar; as if behind a TLS proxy
    (X-Forwarded-Proto: https), so the production settings (secure cookies, CSRF origin) hold."""

    def __init__(self, port: int = PORT):
        self.port = port
        self.origin = f"https://127.0.0.1:{port}"
        self.reader = self.writer = None
        self.cookies: dict[str, str] = {}

    async def close(self):
        if self.writer is not None:
            self.writer.close()
            self.reader = self.writer = None

    async def request(self, method: str, path: str, data: dict | None = None) -> tuple[int, dict, bytes]:
        body = urlencode(data).encode() if data is not None else b""
        for attempt in (0, 1):
            if self.writer is None:
                self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
            # The same headers wrk's Lua sends (loadgen.request_headers).
            headers = request_headers(method, path, self.cookies, self.origin)
            lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{self.port}"]
            lines += [f"{k}: {v}" for k, v in headers.items()]
            if method == "POST":
                lines.append(f"Content-Length: {len(body)}")
            self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
            try:
                await self.writer.drain()
                status, headers, content = await self._read()
            except (ConnectionError, asyncio.IncompleteReadError, ValueError, IndexError):
                await self.close()
                if attempt == 0 and method == "GET":
                    continue
                raise
            if headers.get("connection", "").lower() == "close":
                await self.close()
            return status, headers, content
        raise ConnectionError("unreachable")

    async def _read(self) -> tuple[int, dict, bytes]:
        status_line = await self.reader.readline()
        if not status_line:
            raise ConnectionError("closed")
        status = int(status_line.split()[1])
        headers: dict[str, str] = {}
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b"\n", b""):
                break
            key, _, value = line.decode("latin-1").partition(":")
            key, value = key.strip().lower(), value.strip()
            if key == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
            headers[key] = value
        if "content-length" in headers:
            content = await self.reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            parts = []
            while True:
                size = int((await self.reader.readline()).split(b";")[0], 16)
                if size == 0:
                    await self.reader.readline()
                    break
                parts.append(await self.reader.readexactly(size))
                await self.reader.readline()
            content = b"".join(parts)
        else:
            content = await self.reader.read()
            await self.close()
        return status, headers, content

    async def login(self, username: str, password: str) -> None:
        await self.request("GET", "/login/")
        status, _headers, _ = await self.request(
            "POST",
            "/login/",
            {
                "username": username,
                "password": password,
                "csrfmiddlewaretoken": self.cookies.get("csrftoken", ""),
            },
        )
        if status != 302:
            raise RuntimeError(f"login {username}: HTTP {status}")


def percentiles(samples: list[float]) -> dict:
    if not samples:
        return {"p50_ms": None, "p95_ms": None, "p99_ms": None}
    s = sorted(samples)

    def at(q):
        return round(s[min(len(s) - 1, int(q * len(s)))] * 1000, 1)

    return {"p50_ms": at(0.5), "p95_ms": at(0.95), "p99_ms": at(0.99), "max_ms": round(s[-1] * 1000, 1)}


def _cpu_seconds_self() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def closed_loop(
    clients: list[Http],
    action: Callable,
    *,
    duration: float = DURATION,
    ok=(200, 302),
    server_pid: int | None = None,
    http_per_action: int = 1,
) -> dict:
    """Each client repeats `action(client, i)` (an awaitable returning the HTTP status) for
    `duration` seconds; the first second is a warm-up and is not counted. With `server_pid`, the
    server's CPU per HTTP request (`http_per_action` of them per action) over the counted part."""
    latencies: list[float] = []
    errors: dict[int, int] = {}
    counter = [0]
    begin = time.perf_counter()
    warm = begin + 1.0
    end = begin + 1.0 + duration
    marks: dict = {}

    async def mark():
        await asyncio.sleep(max(0.0, warm - time.perf_counter()))
        marks["cpu"] = cpu_ticks(server_pid, DB) if server_pid else None
        marks["self"] = _cpu_seconds_self()

    marker = asyncio.create_task(mark())

    async def user(client: Http):
        while time.perf_counter() < end:
            counter[0] += 1
            t = time.perf_counter()
            try:
                status = await action(client, counter[0])
            except Exception as exc:  # a dropped connection counts as an error
                status = type(exc).__name__
            if status is None:  # nothing left to do
                break
            now = time.perf_counter()
            if now < warm:
                continue
            if status in ok:
                latencies.append(now - t)
            else:
                errors[status] = errors.get(status, 0) + 1

    await asyncio.gather(*(user(c) for c in clients))
    elapsed = time.perf_counter() - warm
    await marker
    out = {
        "requests": len(latencies) + sum(errors.values()),
        "ok": len(latencies),
        "errors": errors,
        "per_second": round(len(latencies) / elapsed, 1),
        "concurrency": len(clients),
        "seconds": round(elapsed, 1),
        **percentiles(latencies),
        "loadgen": "asyncio",
    }
    http_requests = out["requests"] * http_per_action
    if marks.get("cpu") is not None and http_requests:
        out.update(cpu_ms_per_request(marks["cpu"], cpu_ticks(server_pid, DB), http_requests))
        out["loadgen_cpu_ms"] = round((_cpu_seconds_self() - marks["self"]) * 1000 / http_requests, 3)
    return out


async def load(ctx, *, clients, action, ok, script: Callable[[int], str], http_per_action: int = 1) -> dict:
    """One closed-loop phase of a scenario: wrk running the Lua `script(start)` returns (start: the
    request counter after the warm-up) when wrk is the load generator, else the asyncio users
    repeating `action`. Both warm up for one second that is not counted, as the asyncio loop always
    did (the wrk warm-up is a run of its own: its counter tells the measured run where to go on),
    and both add the server's CPU per HTTP request (app_cpu_ms, pg_cpu_ms) of the counted part."""
    if LOADGEN != "wrk":
        return await closed_loop(
            clients, action, ok=ok, server_pid=ctx["server_pid"], http_per_action=http_per_action
        )

    def run() -> dict:
        warm, _cpu = wrk_run(script(0), port=PORT, concurrency=CONCURRENCY, duration=1)
        start = warm.get("extra", {}).get("taken", warm["counter"])
        before = cpu_ticks(ctx["server_pid"], DB)
        out, cpu = wrk_run(script(start), port=PORT, concurrency=CONCURRENCY, duration=DURATION)
        if out["requests"]:
            out.update(cpu_ms_per_request(before, cpu_ticks(ctx["server_pid"], DB), out["requests"]))
            out["loadgen_cpu_ms"] = round(cpu * 1000 / out["requests"], 3)
        out["loadgen"] = "wrk"
        out.pop("counter")
        if not out.get("extra", True):
            out.pop("extra")
        return out

    return await asyncio.to_thread(run)


async def sequential(client: Http, path: str, n: int) -> dict:
    latencies = []
    statuses = set()
    await client.request("GET", path)  # warm
    for _ in range(n):
        t = time.perf_counter()
        status, _h, _b = await client.request("GET", path)
        latencies.append(time.perf_counter() - t)
        statuses.add(status)
    return {"n": n, "statuses": sorted(statuses), **percentiles(latencies)}


# ------------------------------------------------------------------------------ scenarios
SCENARIOS: list[tuple[str, Callable]] = []


def scenario(name: str):
    def register(fn):
        SCENARIOS.append((name, fn))
        return fn

    return register


async def clients_for(username: str | list[str], n: int) -> list[Http]:
    """n logged-in clients: all as one user, or one per name of a list."""
    from django.conf import settings

    names = username if isinstance(username, list) else [username] * n
    clients = [Http() for _ in names]
    for c, name in zip(clients, names, strict=True):
        await c.login(name, settings.DEMO_PASSWORD)
    return clients


@scenario("health")
async def health(ctx) -> dict:
    """Baseline: the same stack (gunicorn, middleware, sessions) answering /healthz, no query."""
    clients = [Http() for _ in range(CONCURRENCY)]

    async def action(c, _i):
        return (await c.request("GET", "/healthz"))[0]

    def script(start):
        get = Variant("GET", "/healthz", request_headers("GET", "/healthz", {}, ORIGIN))
        return rotating_lua([get], ok=200, start=start)

    return await load(ctx, clients=clients, action=action, ok=(200, 302), script=script)


DESCRIPTION = "楼道堆放杂物，请尽快清理（压测 {n}）"
HOTLINE_DESCRIPTION = "楼道堆放杂物，请尽快清理（热线压测 {n}）"


@scenario("intake_form")
async def intake_form(ctx) -> dict:
    """The resident's whistle: POST /workorders/new/ (session, CSRF) → 302 to the tracking page."""
    clients = await clients_for("resident", CONCURRENCY)
    form = {"compound": ctx["resident_compound"], "category": ctx["category"], "urgency": "normal"}

    async def action(c, i):
        data = {**form, "description": DESCRIPTION.format(n=i)}
        data["csrfmiddlewaretoken"] = c.cookies.get("csrftoken", "")
        status, headers, _ = await c.request("POST", "/workorders/new/", data)
        return status if status != 302 or "/submitted/" in headers.get("location", "") else 599

    def script(start):  # one variant per virtual user's session, taken in turn
        variants = [
            form_variant(
                "/workorders/new/",
                {**form, "csrfmiddlewaretoken": c.cookies.get("csrftoken", "")},
                dict(c.cookies),
                ORIGIN,
                counted="description=" + DESCRIPTION,
            )
            for c in clients
        ]
        return rotating_lua(variants, ok=302, location="/submitted/", start=start)

    out = await load(ctx, clients=clients, action=action, ok=(302,), script=script)
    out["unit"] = "creates/s"
    out["compounds"] = 1
    return out


@scenario("intake_form_spread")
async def intake_form_spread(ctx) -> dict:
    """The same form POST by BENCH_SPREAD residents of as many compounds, spread over the city's
    counties (a city's whistles do not all land on one compound): each virtual user takes turns
    with its residents' sessions."""
    residents = ctx["spread_residents"]
    sessions = await clients_for([name for name, _compound in residents], len(residents))
    per_user = [
        list(zip(sessions[i::CONCURRENCY], residents[i::CONCURRENCY], strict=True))
        for i in range(CONCURRENCY)
    ]
    turn = [0] * CONCURRENCY
    category = ctx["category"]

    async def action(slot, i):
        c, (_name, compound) = per_user[slot][turn[slot] % len(per_user[slot])]
        turn[slot] += 1
        data = {
            "compound": compound,
            "category": category,
            "urgency": "normal",
            "description": DESCRIPTION.format(n=i),
            "csrfmiddlewaretoken": c.cookies.get("csrftoken", ""),
        }
        status, headers, _ = await c.request("POST", "/workorders/new/", data)
        return status if status != 302 or "/submitted/" in headers.get("location", "") else 599

    def script(start):  # wrk: request n takes resident n mod BENCH_SPREAD, session and compound
        variants = [
            form_variant(
                "/workorders/new/",
                {
                    "compound": compound,
                    "category": category,
                    "urgency": "normal",
                    "csrfmiddlewaretoken": c.cookies.get("csrftoken", ""),
                },
                dict(c.cookies),
                ORIGIN,
                counted="description=" + DESCRIPTION,
            )
            for c, (_name, compound) in zip(sessions, residents, strict=True)
        ]
        return rotating_lua(variants, ok=302, location="/submitted/", start=start)

    out = await load(ctx, clients=list(range(CONCURRENCY)), action=action, ok=(302,), script=script)
    out["unit"] = "creates/s"
    out["compounds"] = len(residents)
    for c in sessions:
        await c.close()
    return out


@scenario("transitions")
async def transitions(ctx) -> dict:
    """The community accepts and dispatches the orders just filed: two POSTs of the staff pages'
    forms, each one compare-and-set transition with its event and rollup upserts."""
    from apps.workorders.models import WorkOrder

    def submitted() -> list[int]:
        from django.db import connection

        try:
            return list(
                WorkOrder.objects.filter(compound_id=ctx["resident_compound"], status="submitted")
                .order_by("id")
                .values_list("id", flat=True)
            )
        finally:
            connection.close()

    ids = await asyncio.to_thread(submitted)  # the ORM is synchronous
    queue = iter(ids)
    clients = await clients_for("wantong_community", CONCURRENCY)
    handler = ctx["handler"]

    async def action(c, _i):
        pk = next(queue, None)
        if pk is None:
            return None
        token = c.cookies.get("csrftoken", "")
        status, _h, _b = await c.request("POST", f"/workorders/{pk}/accept/", {"csrfmiddlewaretoken": token})
        if status != 302:
            return status
        status, _h, _b = await c.request(
            "POST", f"/workorders/{pk}/dispatch/", {"csrfmiddlewaretoken": token, "handler": handler}
        )
        return status

    def script(start):
        sessions = [dict(c.cookies) for c in clients]
        tokens = [c.cookies.get("csrftoken", "") for c in clients]
        return transitions_lua(ids, sessions, tokens, handler=handler, origin=ORIGIN, start=start)

    out = await load(ctx, clients=clients, action=action, ok=(302,), script=script, http_per_action=2)
    out["unit"] = "order pairs/s (accept + dispatch)"
    out["orders_available"] = len(ids)
    extra = out.pop("extra", None)
    if extra is None:  # asyncio: one action is the pair, its latency the pair's
        out["transitions_per_second"] = round(out["per_second"] * 2, 1)
        out["latency_of"] = "accept + dispatch pair"
        return out
    # wrk: every 302 is one transition, the latency that of one POST; pairs = dispatches done.
    out["transitions_per_second"] = out["per_second"]
    out["per_second"] = round(extra["dispatched"] / out["seconds"], 1) if out["seconds"] else 0.0
    out["accepted"], out["dispatched"] = extra["accepted"], extra["dispatched"]
    out["latency_of"] = "one POST"
    if extra["exhausted"]:
        out["orders_exhausted"] = True  # wrk stopped early: the rates are over the whole duration
        log("  transitions: no submitted order left, wrk stopped early (rates understated)")
    return out


@scenario("open311_post")
async def open311_post(ctx) -> dict | None:
    """A hotline system files whistles: Open311 POST requests.json with an API client key of the
    city (docs/open311.md), the compound by its code (address_id) → 201."""
    client = Http()
    status, _h, body = await client.request("GET", "/open311/v2/services.json")
    services = json.loads(body or b"[]") if status == 200 else []
    if not services or not ctx.get("api_key"):
        return {"skipped": "Open311 服务目录为空（本分支尚未接入工单）"}
    code = next(
        (s["service_code"] for s in services if s["service_code"] == "sanitation"),
        services[0]["service_code"],
    )
    clients = [Http() for _ in range(CONCURRENCY)]

    async def action(c, i):
        data = {
            "api_key": ctx["api_key"],
            "service_code": code,
            "address_id": ctx["compound_code"],
            "description": HOTLINE_DESCRIPTION.format(n=i),
        }
        return (await c.request("POST", "/open311/v2/requests.json", data))[0]

    def script(start):
        fields = {"api_key": ctx["api_key"], "service_code": code, "address_id": ctx["compound_code"]}
        variant = form_variant(
            "/open311/v2/requests.json", fields, {}, ORIGIN, counted="description=" + HOTLINE_DESCRIPTION
        )
        return rotating_lua([variant], ok=201, start=start)

    out = await load(ctx, clients=clients, action=action, ok=(201,), script=script)
    out["unit"] = "creates/s"
    out["compounds"] = 1
    return out


@scenario("open311_post_spread")
async def open311_post_spread(ctx) -> dict | None:
    """The same Open311 POST, each request for the next of BENCH_SPREAD compounds of the city."""
    if not ctx.get("api_key"):
        return {"skipped": "没有 Open311 接口密钥"}
    clients = [Http() for _ in range(CONCURRENCY)]
    codes = [code for code, _pk in ctx["spread_compounds"]]

    async def action(c, i):
        data = {
            "api_key": ctx["api_key"],
            "service_code": "sanitation",
            "address_id": codes[i % len(codes)],
            "description": HOTLINE_DESCRIPTION.format(n=i),
        }
        return (await c.request("POST", "/open311/v2/requests.json", data))[0]

    def script(start):  # request n files for compound n mod BENCH_SPREAD, as above
        variants = [
            form_variant(
                "/open311/v2/requests.json",
                {"api_key": ctx["api_key"], "service_code": "sanitation", "address_id": code},
                {},
                ORIGIN,
                counted="description=" + HOTLINE_DESCRIPTION,
            )
            for code in codes
        ]
        return rotating_lua(variants, ok=201, start=start)

    out = await load(ctx, clients=clients, action=action, ok=(201,), script=script)
    out["unit"] = "creates/s"
    out["compounds"] = len(codes)
    return out


def _sweep_twice(now) -> dict:
    """`sla_sweep` twice at the same `now`: the first does the work, the second must find none."""
    from apps.workorders.sweep import sla_sweep

    out = {}
    for label in ("first", "second"):
        t = time.perf_counter()
        report = sla_sweep(now=now)
        out[label] = {
            "seconds": round(time.perf_counter() - t, 2),
            "red": report.red,
            "yellow": report.yellow,
            "escalated": report.escalated,
            "steps": {k: round(v, 2) for k, v in report.seconds.items()},
        }
    return out


@scenario("dashboard_coverage")
async def dashboard_coverage(ctx) -> dict:
    """GET /api/v1/dashboard/coverage for the city and the province (sequential: latency)."""
    out = {}
    city = (await clients_for("linyi_city", 1))[0]
    admin = (await clients_for("admin", 1))[0]
    n = 30
    out["city_371300"] = await sequential(city, "/api/v1/dashboard/coverage?region=371300", n)
    out["province_370000"] = await sequential(admin, "/api/v1/dashboard/coverage?region=370000", n)
    status, _h, _b = await admin.request("GET", "/api/v1/dashboard/workorders?region=370000")
    if status != 404:
        for label, client, code in (("city", city, "371300"), ("province", admin, "370000")):
            out[f"workorders_{label}"] = await sequential(
                client, f"/api/v1/dashboard/workorders?region={code}", n
            )
    return out


# ------------------------------------------------------------------------------ in-process
def timed_runs(fn, n: int, *, warm: bool = True) -> dict:
    if warm:
        fn()
    samples = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t)
    return {"n": n, **percentiles(samples)}


def metrics_vs_direct(ctx) -> dict:
    """The work-order figures of a region for two years: from the rollups, and straight from the
    raw rows (`workorder_metrics_direct`, the baseline) — same run, same database."""
    from apps.workorders import metrics

    today = datetime.date.today()
    period = {"period_from": today.replace(day=1) - datetime.timedelta(days=730), "period_to": today}
    month = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    out = {}
    regions = [("city", "371300"), ("province", "370000")]
    for label, code in regions:
        rollup = timed_runs(lambda code=code: metrics.workorder_metrics(region=code, **period), 15)
        # Over millions of raw rows each run takes seconds: 3 runs, no separate warm-up.
        direct = timed_runs(
            lambda code=code: metrics.workorder_metrics_direct(region=code, **period), 3, warm=False
        )

        def dashboard(code=code):
            metrics.workorder_metrics(region=code, **period)
            metrics.workorder_metrics_by_month(region=code, **period)
            metrics.workorder_metrics_by_category(region=code, **period)
            metrics.child_region_metrics(region=code, **period)
            for kind in ("street", "community", "company"):
                metrics.workorder_rankings(region=code, month=month, kind=kind)

        out[label] = {
            "region": code,
            "rollups": rollup,
            "direct": direct,
            "speedup_p50": round(direct["p50_ms"] / max(rollup["p50_ms"], 0.1), 1),
            "full_dashboard_from_rollups": timed_runs(dashboard, 10),
        }
    return out


def sweep(ctx) -> dict:
    from django.utils import timezone

    from apps.workorders.models import WorkOrder

    open_orders = WorkOrder.objects.exclude(status__in=["closed", "rejected", "merged"]).count()
    now = timezone.now()
    out = {"open_orders": open_orders}
    out.update(_sweep_twice(now))
    return out


def sweep_million(ctx) -> dict:
    """`sla_sweep` over SWEEP_N (1,000,000) more open orders bulk-inserted at the resident's
    compound with the mix of bench/sla_sweep_bench.py (5 % turn red, 5 % yellow, 1 % escalate),
    then a second run. All inside one transaction that is rolled back, so the data set and its
    rollups stay as generated (the sweep's batches become savepoints: no commit per batch)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from apps.registry.models import Compound
    from apps.workorders.models import Category

    n = int(os.environ.get("SWEEP_N", 1_000_000))
    now = timezone.now()
    compound = Compound.objects.get(pk=ctx["resident_compound"])
    category = Category.objects.get(code="sanitation")
    red, yellow, esc = n // 20, n // 20, n // 100
    out = {"orders": n, "mix": {"red": red, "yellow": yellow, "escalate": esc}}
    with transaction.atomic():
        t = time.perf_counter()
        with connection.cursor() as cur:
            cur.execute(
                f"""
                INSERT INTO workorders_workorder (tracking_code, compound_id, region_code, category_id, urgency,
                    description, channel, reporter_name, reporter_phone, is_anonymous, joint_owner_count, is_joint,
                    status, version, level, handler_kind, end_reason, submitted_at, stage_started_at, due_at,
                    warn_at, escalate_at, escalate_reason, sla_card, calendar_missing, return_count, rework_count,
                    escalation_count, duplicate_count, is_generated, created_at, updated_at)
                SELECT 'S' || lpad(to_hex(i), 9, '0'), %s, %s, %s, 'normal', 'bench', 'hotline', '', '', false, 0,
                    false, 'submitted', 0, 'community', '', '', ts, ts,
                    CASE WHEN i < {red} THEN %s - interval '1 hour' ELSE %s + interval '3 days' END,
                    CASE WHEN i < {red + yellow} THEN %s - interval '2 hours' ELSE %s + interval '2 days' END,
                    CASE WHEN i < {esc} THEN %s - interval '10 minutes' ELSE %s + interval '4 days' END,
                    'overdue', 'none', false, 0, 0, 0, 0, true, ts, ts
                FROM generate_series(0, %s - 1) AS i, (SELECT %s::timestamptz - interval '2 days' AS ts) AS s
                """,
                [compound.pk, compound.community_id, category.pk, now, now, now, now, now, now, n, now],
            )
            cur.execute("ANALYZE workorders_workorder")
        out["insert_seconds"] = round(time.perf_counter() - t, 1)
        out.update(_sweep_twice(now))
        transaction.set_rollback(True)
    return out


def spread_places(n: int, *, exclude: int) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """n compounds of the city 371300 taken in turn from each of its counties (code, pk), and a
    resident of each (`bench_resident_NNN`, made once with the accounts service)."""
    from django.conf import settings

    from apps.accounts.models import User
    from apps.accounts.services import user_create
    from apps.registry.models import Compound

    by_county: dict[str, list] = {}
    rows = (
        Compound.objects.filter(community__code__startswith="3713")
        .exclude(pk=exclude)
        .order_by("community_id", "id")
        .values_list("community_id", "code", "pk")
    )
    for community, code, pk in rows:
        by_county.setdefault(community[:6], []).append((community, code, pk))
    # one compound per community at most, counties in turn
    picked: list[tuple[str, int]] = []
    queues = [iter(dict((c, (code, pk)) for c, code, pk in v).values()) for v in by_county.values()]
    while len(picked) < n and queues:
        for q in list(queues):
            nxt = next(q, None)
            if nxt is None:
                queues.remove(q)
            elif len(picked) < n:
                picked.append(nxt)
    residents = []
    for i, (_code, pk) in enumerate(picked):
        name = f"bench_resident_{i:03d}"
        user = User.objects.filter(username=name).first()
        if user is None:
            user = user_create(
                actor=None,
                username=name,
                password=settings.DEMO_PASSWORD,
                role="resident",
                compound_id=pk,
                full_name=f"压测居民{i}",
            )
        residents.append((name, user.compound_id))
    return picked, residents


# ------------------------------------------------------------------------------ server
def start_server() -> subprocess.Popen:
    cmd = [
        # Beside the interpreter: a worktree on a shared venv has no .venv of its own.
        str(Path(PY).parent / "gunicorn"),
        "config.wsgi",
        "--bind",
        f"127.0.0.1:{PORT}",
        "--workers",
        str(WORKERS),
        "--threads",
        str(THREADS),
        "--worker-class",
        "gthread",
        "--keep-alive",
        "30",
        "--log-level",
        "warning",
    ]
    # Production serves collected, hashed static files (whitenoise's manifest storage).
    manage("collectstatic", "--noinput", "-v0", env=SERVER_ENV, cwd=SERVER_ROOT)
    proc = subprocess.Popen(cmd, cwd=SERVER_ROOT, env={**os.environ, **SERVER_ENV})
    import urllib.request

    for _ in range(150):
        try:
            request = urllib.request.Request(
                f"http://127.0.0.1:{PORT}/healthz", headers={"X-Forwarded-Proto": "https"}
            )
            urllib.request.urlopen(request, timeout=1)
            return proc
        except Exception:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("gunicorn did not start")


def peak_rss(proc: subprocess.Popen) -> dict:
    """VmHWM (peak resident set) of the gunicorn master and each worker, in MiB."""

    def hwm(pid: int) -> float | None:
        try:
            text = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            return None
        match = re.search(r"VmHWM:\s+(\d+) kB", text)
        return round(int(match.group(1)) / 1024, 1) if match else None

    children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()
    return {"master": hwm(proc.pid), "workers": [hwm(int(pid)) for pid in children]}


# ------------------------------------------------------------------------------ report
def machine() -> dict:
    import django
    import psycopg

    mem = Path("/proc/meminfo").read_text().split("\n")[0].split()[1]
    with psycopg.connect(f"{PG}/{DB}") as conn:
        pg = conn.execute("SHOW server_version").fetchone()[0]
    return {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cores": os.cpu_count(),
        "memory_gib": round(int(mem) / 1024 / 1024, 1),
        "cpu": next(
            (
                line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")
            ),
            platform.processor(),
        ),
        "load_average_at_start": os.getloadavg(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "postgresql": pg,
        "gunicorn": f"{WORKERS} workers × {THREADS} threads (gthread)"
        + (f", serving {SERVER_ROOT}" if SERVER_ROOT != ROOT else ""),
        # Where the API budgets are counted (apps/core/ratelimit.py): the cache backend and the
        # store setting the server ran with (defaults: LocMem, auto = the database).
        "cache": os.environ.get("DJANGO_CACHE_BACKEND", "locmem (default)").rsplit(".", 1)[-1]
        + f", RATE_LIMIT_STORE={os.environ.get('RATE_LIMIT_STORE', 'auto')}",
        "load_generator": load_generator_label(),
    }


def load_generator_label() -> str:
    if LOADGEN == "wrk":
        return (
            f"wrk {wrk_version()}, 1 thread, {CONCURRENCY} concurrent requests, "
            f"{'keep-alive connections' if KEEPALIVE else 'a new connection per request (as nginx proxies)'}, "
            f"{DURATION:.0f} s per phase after a 1 s warm-up, same machine"
        )
    return (
        f"asyncio (Python) HTTP/1.1 {'keep-alive' if KEEPALIVE else 'a new connection per request'}, "
        f"{CONCURRENCY} virtual users, {DURATION:.0f} s per phase "
        "after a 1 s warm-up, same machine"
    )


def _sweep_row(title: str, s: dict) -> str:
    """One table row of a sweep measurement: the first run beside the second (which must change nothing)."""
    first, second = s["first"], s["second"]
    changes = second["red"] + second["yellow"] + second["escalated"]
    return (
        f"| {title}, first run | {first['seconds']} s "
        f"(red {first['red']:,}, yellow {first['yellow']:,}, escalated {first['escalated']:,}) | "
        f"second run: {second['seconds']} s (changes {changes}) | |"
    )


def markdown(results: dict) -> str:
    m, r = results["machine"], results
    lines = [
        f"### Scale `{r.get('scale', SCALE)}` — {m['date']}",
        "",
        f"Machine: {m['cores']} cores ({m['cpu']}), {m['memory_gib']} GiB, load average at start "
        f"{', '.join(f'{x:.1f}' for x in m['load_average_at_start'])} (shared with other engineers). "
        f"Python {m['python']}, Django {m['django']}, PostgreSQL {m['postgresql']}; gunicorn {m['gunicorn']}; "
        + (f"cache {m['cache']}; " if m.get("cache") else "")
        + f"load: {m['load_generator']}.",
        "",
    ]
    g = r.get("generate") or {}
    if g:
        o = g.get("orders", {})
        s = g.get("seconds", {})
        lines += [
            "| data set | value |",
            "|---|---|",
            f"| compounds of the set / units generated by this run | {g.get('compounds', 0):,} / {g.get('units', 0):,} |",
            f"| work orders / assignments / call-backs generated by this run | {o.get('orders', 0):,} / {o.get('assignments', 0):,} / {o.get('callbacks', 0):,} |",
            f"| open orders after generation | {o.get('open', 0):,} |",
            f"| generation time (seconds by step) | {s.get('total')} s: {', '.join(f'{k} {v}' for k, v in s.items() if k != 'total')} |",
            f"| orders written per second | {o.get('orders', 0) / max(s.get('orders', 1), 0.1):,.0f} |",
            "",
        ]
    ds = r.get("dataset") or {}
    if ds:
        lines += [
            f"In the database when measured: {ds['registry_compound']:,} compounds, {ds['registry_unit']:,} units, "
            f"{ds['workorders_workorder']:,} work orders ({ds['open_orders']:,} open), "
            f"{ds['workorders_assignment']:,} assignments.",
            "",
        ]
    table = len(lines)
    lines += [
        "| measurement | result | baseline (same run) | ratio | app CPU ms/req | PG CPU ms/req |",
        "|---|---|---|---|---|---|",
    ]
    h = r["http"]
    base = h.get("health", {})

    def cpu(x):  # where the 2 cores go: gunicorn workers, and this database's backends
        return " | ".join("—" if x.get(k) is None else f"{x[k]}" for k in ("app_cpu_ms", "pg_cpu_ms"))

    def rate(x):
        return f"{x['per_second']:,} /s, p50 {x['p50_ms']} ms, p99 {x['p99_ms']} ms" + (
            f", errors {x['errors']}" if x.get("errors") else ""
        )

    if base.get("app_cpu_ms") is not None:
        lines.append(f"| stack baseline, GET /healthz | {rate(base)} | | | {cpu(base)} |")

    base_txt = f"/healthz {rate(base)}" if base.get("per_second") else "—"
    for name, label in (
        ("intake_form", "whistle intake, resident form POST (one compound)"),
        ("intake_form_spread", "whistle intake, resident form POST (spread)"),
        ("open311_post", "whistle intake, Open311 POST requests.json (hotline key, one compound)"),
        ("open311_post_spread", "whistle intake, Open311 POST requests.json (spread)"),
        ("transitions", "accept + dispatch, staff form POSTs"),
    ):
        x = h.get(name) or {}
        if x.get("per_second") is not None:
            extra = (
                f" ({x['transitions_per_second']:,} transitions/s)" if "transitions_per_second" in x else ""
            )
            if x.get("compounds", 1) > 1:
                label_x = f"{label[:-1]} over {x['compounds']} compounds)"
            else:
                label_x = label
            ratio = (
                f"{x['per_second'] / base['per_second']:.3f} of /healthz" if base.get("per_second") else ""
            )
            lines.append(f"| {label_x} | {rate(x)}{extra} | {base_txt} | {ratio} | {cpu(x)} |")
    x = h.get("open311_post") or {}
    if x and x.get("skipped"):
        lines.append(f"| Open311 POST requests | not measured: {x['skipped']} | | |")
    d = h.get("dashboard_coverage") or {}
    for path, city_key, province_key in (
        ("coverage", "city_371300", "province_370000"),
        ("workorders", "workorders_city", "workorders_province"),
    ):
        city, province = d.get(city_key), d.get(province_key)
        if city:
            lines.append(
                f"| dashboard JSON /api/v1/dashboard/{path}, city 371300 | p50 {city['p50_ms']} ms, "
                f"p95 {city['p95_ms']} ms | | |"
            )
        if province:
            # Issue 4: the province at most 3× slower than the city (p95, same run).
            ratio = f"province {province['p95_ms'] / city['p95_ms']:.2f}× the city (p95)" if city else ""
            base = f"city p95 {city['p95_ms']} ms" if city else ""
            lines.append(
                f"| dashboard JSON /api/v1/dashboard/{path}, province 370000 | p50 {province['p50_ms']} ms, "
                f"p95 {province['p95_ms']} ms | {base} | {ratio} |"
            )
    for label, x in r.get("metrics", {}).items():
        lines.append(
            f"| work-order figures of {label} {x['region']}, 24 months, from rollups | p50 {x['rollups']['p50_ms']} ms, "
            f"p95 {x['rollups']['p95_ms']} ms | direct over raw rows: p50 {x['direct']['p50_ms']} ms, "
            f"p95 {x['direct']['p95_ms']} ms | rollups {x['speedup_p50']}× faster |"
        )
        f = x["full_dashboard_from_rollups"]
        lines.append(
            f"| whole work-order dashboard of {label} (totals, trend, categories, children, 3 red/black lists) | "
            f"p50 {f['p50_ms']} ms, p95 {f['p95_ms']} ms | | |"
        )
    s = r.get("sweep") or {}
    if s:
        lines.append(_sweep_row(f"sla_sweep over {s['open_orders']:,} open orders", s))
    s = r.get("sweep_million") or {}
    if s:
        lines.append(_sweep_row(f"sla_sweep over {s['orders']:,} more open orders (mix {s['mix']})", s))
    rss = h.get("rss") or {}
    if rss:
        lines.append(
            f"| peak RSS of the server processes | master {rss['master']} MiB, workers {', '.join(str(w) for w in rss['workers'])} MiB | | |"
        )
    lines.append("")
    # Rows without CPU figures (dashboards, in-process phases) get the two columns empty.
    for i in range(table, len(lines)):
        if lines[i].startswith("| ") and len(lines[i].split("|")) == 6:
            lines[i] += " | |"
    return "\n".join(lines)


def write_docs(section: str, name: str | None = None) -> None:
    path = ROOT / "docs" / "benchmarks.md"
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n\n"
    name = name or os.environ.get("BENCH_SECTION", SCALE)
    start, end = f"<!-- results:{name} -->", f"<!-- /results:{name} -->"
    block = f"{start}\n{section}\n{end}"
    if start in text and end in text:
        text = text[: text.index(start)] + block + text[text.index(end) + len(end) :]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")


def main() -> None:
    started = time.monotonic()
    results: dict = {"scale": SCALE}
    results["generate"] = setup_database()
    os.environ["DATABASE_URL"] = DATABASE_URL
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection

    from apps.accounts.models import User
    from apps.core.scoping import scope_of
    from apps.registry.models import Compound
    from apps.workorders.forms import handler_value
    from apps.workorders.models import Category, WorkOrder
    from apps.workorders.services import suggested_handler

    resident = User.objects.get(username="resident")
    compound_id = scope_of(resident).compound_id
    category = Category.objects.get(code="sanitation")
    compound = Compound.objects.get(pk=compound_id)
    probe = WorkOrder(compound=compound, category=category, region_code=compound.community_id)
    handler = suggested_handler(probe)
    ctx = {
        "resident_compound": compound_id,
        "compound_code": compound.code,
        "category": category.pk,
        "handler": handler_value(handler),
    }
    ctx["spread_compounds"], ctx["spread_residents"] = spread_places(SPREAD, exclude=compound_id)
    try:  # Open311 needs an API client of the city (once the branch has it)
        from apps.api.services import api_client_create

        _client, ctx["api_key"] = api_client_create(
            actor=None, name=f"压测热线 {time.time():.0f}", role="city", scope_code="371300", days=1
        )
    except Exception as exc:
        log(f"no Open311 API client: {exc}")
    with connection.cursor() as cur:  # what the database holds (a set may be built on a copy)
        results["dataset"] = {}
        for table in ("registry_compound", "registry_unit", "workorders_workorder", "workorders_assignment"):
            cur.execute(f"SELECT count(*) FROM {table}")
            results["dataset"][table] = cur.fetchone()[0]
        cur.execute(
            "SELECT count(*) FROM workorders_workorder WHERE status NOT IN ('closed', 'rejected', 'merged')"
        )
        results["dataset"]["open_orders"] = cur.fetchone()[0]
    connection.close()
    results["machine"] = machine()

    results["http"] = {}
    if "http" in PHASES:
        log(f"gunicorn on 127.0.0.1:{PORT}")
        server = start_server()
        ctx["server_pid"] = server.pid
        try:
            for name, fn in SCENARIOS:
                if ONLY_SCENARIOS and name not in ONLY_SCENARIOS and name != "health":
                    continue
                log(f"scenario {name}")
                results["http"][name] = asyncio.run(fn(ctx))
                log(f"  {json.dumps(results['http'][name], ensure_ascii=False)[:300]}")
            results["http"]["rss"] = peak_rss(server)
        finally:
            server.terminate()
            server.wait(timeout=30)
    for phase, fn in (("metrics", metrics_vs_direct), ("sweep", sweep), ("sweep_million", sweep_million)):
        if phase in PHASES:
            log(f"phase {phase}")
            results[phase] = fn(ctx)
            log(f"  {json.dumps(results[phase], ensure_ascii=False, default=str)[:400]}")
    results["suite_seconds"] = round(time.monotonic() - started, 1)
    section = os.environ.get("BENCH_SECTION", SCALE)
    out = ROOT / "bench" / "results" / f"{datetime.datetime.now(datetime.UTC):%Y-%m-%d}-{section}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, ensure_ascii=False, indent=1, default=str))
    write_docs(markdown(results))
    log(f"wrote {out.relative_to(ROOT)} and docs/benchmarks.md ({results['suite_seconds']} s)")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--render":  # rewrite the docs section from a results file
        # bench/results/<date>-<section>.json rewrites the section it was written for.
        results = Path(sys.argv[2])
        saved = json.loads(results.read_text())
        write_docs(markdown(saved), name=re.sub(r"^\d{4}-\d{2}-\d{2}-", "", results.stem))
    else:
        main()
