"""wrk as the suite's load generator: the Lua scripts bench/run.py hands it, the JSON line they
print when done, and the CPU the server's processes spend meanwhile. Pure functions except
`wrk_run` and `cpu_ticks`; tested in bench/tests/test_loadgen.py.

Why wrk: it is what issue 6 names, and it takes less of the 2 cores the server shares with it:
measured per request (`loadgen_cpu_ms`, 4 interleaved runs on 2026-11-26) 0.02–0.12 ms of CPU,
the asyncio client 0.06–0.24 ms.
"""

from __future__ import annotations

import json
import os
import re
import resource
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote_plus, urlencode

RESULT_MARK = "WRK_RESULT "


# A new connection per request, as nginx proxies to gunicorn by default (HTTP/1.0, no upstream
# keep-alive; docs/deployment.md). With BENCH_KEEPALIVE=1 each virtual user keeps its connection:
# the kernel then hands the connections to whichever worker accepts first, and a run may put all
# eight on one worker (measured: CPU split 9.7 s / 0.0 s, ~217 creates/s against ~350 balanced).
KEEPALIVE = os.environ.get("BENCH_KEEPALIVE") == "1"


def loadgen_choice() -> str:
    """Which load generator runs: "wrk" when it is on the PATH and BENCH_LOADGEN is not "python"."""
    if os.environ.get("BENCH_LOADGEN", "").lower() == "python":
        return "python"
    return "wrk" if shutil.which("wrk") else "python"


def wrk_version() -> str:
    """E.g. "4.1.0" from "wrk debian/4.1.0-3+b2 [epoll] ..." (wrk --version exits 1)."""
    run = subprocess.run(["wrk", "--version"], capture_output=True, text=True, check=False)
    text = run.stdout + run.stderr
    match = re.search(r"(\d+\.\d+\.\d+)", text) or re.search(r"wrk (\S+)", text)
    return match.group(1) if match else "?"


def request_headers(method: str, path: str, cookies: dict[str, str], origin: str) -> dict[str, str]:
    """The headers `Http.request` sends besides Host and Content-Length: as if behind a TLS proxy,
    the cookie jar, and for POSTs the Origin/Referer and CSRF header a browser form would bring."""
    headers = {"X-Forwarded-Proto": "https", "Connection": "keep-alive" if KEEPALIVE else "close"}
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    if method == "POST":
        headers["Origin"] = origin
        headers["Referer"] = f"{origin}{path}"
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        if "csrftoken" in cookies:
            headers["X-CSRFToken"] = cookies["csrftoken"]
    return headers


def lua_str(text: str) -> str:
    """A Lua string literal of `text` (UTF-8 bytes; quotes, backslashes and anything outside
    printable ASCII as three-digit decimal escapes, so a following digit cannot join them)."""
    out = []
    for byte in text.encode():
        if byte in (34, 92) or not 32 <= byte < 127:
            out.append(f"\\{byte:03d}")
        else:
            out.append(chr(byte))
    return '"' + "".join(out) + '"'


def lua_table(headers: dict[str, str]) -> str:
    return "{" + ", ".join(f"[{lua_str(k)}] = {lua_str(v)}" for k, v in headers.items()) + "}"


@dataclass
class Variant:
    """One kind of request a scenario rotates over: a virtual user's session, a compound. The
    body is `prefix .. n .. suffix` (n the request counter) when `counted`, else `prefix`."""

    method: str
    path: str
    headers: dict[str, str]
    prefix: str = ""
    suffix: str = ""
    counted: bool = False


def form_variant(
    path: str, fields: dict, cookies: dict[str, str], origin: str, *, counted: str = ""
) -> Variant:
    """A form POST; `counted` names the field, last in the body, whose value is
    "<text before {n}>{n}<text after>" with the request counter for {n} (URL-encoded here)."""
    body = urlencode(fields)
    suffix = ""
    if counted:
        name, template = counted.split("=", 1)
        before, _, after = template.partition("{n}")
        body += ("&" if body else "") + f"{quote_plus(name)}={quote_plus(before)}"
        suffix = quote_plus(after)
    return Variant("POST", path, request_headers("POST", path, cookies, origin), body, suffix, bool(counted))


# The JSON line `done()` prints: counts per status (as strings; a 302 to the wrong place counted
# as "599", as the asyncio scenarios do), socket errors, latency percentiles in µs.
_DONE = r"""
local threads = {}
function setup(thread) table.insert(threads, thread) end

local function find_header(headers, name)
  for k, v in pairs(headers) do
    if string.lower(k) == name then return v end
  end
  return nil
end

function done(summary, latency, requests)
  local counts, extra, n = {}, {}, 0
  for _, t in ipairs(threads) do
    n = n + t:get("n")
    for k, v in pairs(t:get("counts")) do counts[k] = (counts[k] or 0) + v end
    for k, v in pairs(t:get("extra")) do extra[k] = (extra[k] or 0) + v end
  end
  local function object(tbl)
    local parts = {}
    for k, v in pairs(tbl) do parts[#parts + 1] = string.format('"%s":%d', k, v) end
    return "{" .. table.concat(parts, ",") .. "}"
  end
  local e = summary.errors
  io.write(string.format(
    'WRK_RESULT {"requests":%d,"n":%d,"duration_us":%d,"counts":%s,"extra":%s,' ..
    '"socket_errors":{"connect":%d,"read":%d,"write":%d,"timeout":%d},' ..
    '"p50_us":%d,"p95_us":%d,"p99_us":%d,"max_us":%d}\n',
    summary.requests, n, summary.duration, object(counts), object(extra),
    e.connect, e.read, e.write, e.timeout,
    math.floor(latency:percentile(50)), math.floor(latency:percentile(95)),
    math.floor(latency:percentile(99)), math.floor(latency.max)))
end
"""


def rotating_lua(variants: list[Variant], *, ok: int, location: str = "", start: int = 0) -> str:
    """wrk Lua for a scenario whose requests take the variants in turn. With -t1 every connection
    shares this one Lua state, so request n uses variant n mod len: each virtual user's session
    (or compound) gets every len-th request, as the asyncio users take turns. A response is ok
    when its status is `ok` and, if `location` is given, its Location header contains it."""
    rows = []
    for v in variants:
        rows.append(
            f"  {{method = {lua_str(v.method)}, path = {lua_str(v.path)}, headers = {lua_table(v.headers)}, "
            f"prefix = {lua_str(v.prefix)}, suffix = {lua_str(v.suffix)}, counted = {str(v.counted).lower()}}},"
        )
    return (
        _DONE
        + f"""
local variants = {{
{chr(10).join(rows)}
}}
local OK, LOCATION = {ok}, {lua_str(location)}
counts, extra = {{}}, {{}}
n = {start}

function request()
  n = n + 1
  local v = variants[n % #variants + 1]
  local body = nil
  if v.method == "POST" then
    body = v.prefix
    if v.counted then body = v.prefix .. n .. v.suffix end
  end
  return wrk.format(v.method, v.path, v.headers, body)
end

function response(status, headers, body)
  local key = tostring(status)
  if status == OK then
    local where = find_header(headers, "location") or ""
    if LOCATION == "" or string.find(where, LOCATION, 1, true) then key = "ok" else key = "599" end
  end
  counts[key] = (counts[key] or 0) + 1
end
"""
    )


def transitions_lua(
    ids: list[int],
    sessions: list[dict[str, str]],
    csrf: list[str],
    *,
    handler: str,
    origin: str,
    start: int = 0,
) -> str:
    """wrk Lua for accept then dispatch of each order id. Connections run concurrently, so a
    dispatch sent by position in a fixed sequence could overtake its accept on another
    connection (→ 409). Instead the dispatch of an order is only queued when the 302 of its accept
    has come back: accept and dispatch both redirect to /workorders/<pk>/, and an order whose
    accept is in flight is in `accepting`, which tells the two apart. request() sends a queued
    dispatch first, else the next order's accept. `sessions` are the cookie jars of the virtual
    users (one login each), taken in turn; `csrf` their tokens. (wrk calls request() once before
    the run to check the script and does not send it: that order is skipped, not accepted.)"""
    if len(sessions) != len(csrf) or not sessions:
        raise ValueError("one csrf token per session")
    rows = []
    for cookies, token in zip(sessions, csrf, strict=True):
        headers = request_headers("POST", "/", cookies, origin)
        rows.append(
            f"  {{headers = {lua_table(headers)}, body = {lua_str(urlencode({'csrfmiddlewaretoken': token}))}}},"
        )
    ids_lua = ",".join(str(int(pk)) for pk in ids)
    return (
        _DONE
        + f"""
local sessions = {{
{chr(10).join(rows)}
}}
local ids = {{{ids_lua}}}
local ORIGIN, HANDLER = {lua_str(origin)}, {lua_str("&" + urlencode({"handler": handler}))}
counts, extra = {{}}, {{accepted = 0, dispatched = 0, exhausted = 0, taken = {start}}}
n = 0
local ready, head, tail, accepting = {{}}, 1, 0, {{}}

local function post(s, path, body)
  s.headers["Referer"] = ORIGIN .. path
  return wrk.format("POST", path, s.headers, body)
end

function request()
  n = n + 1
  local s = sessions[n % #sessions + 1]
  if head <= tail then
    local pk = ready[head]
    ready[head] = nil
    head = head + 1
    return post(s, "/workorders/" .. pk .. "/dispatch/", s.body .. HANDLER)
  end
  extra.taken = extra.taken + 1
  local pk = ids[extra.taken]
  if pk == nil then
    -- No order left: stop (per_second is then over the whole duration; the result says so).
    extra.exhausted = extra.exhausted + 1
    wrk.thread:stop()
    return wrk.format("GET", "/healthz", {{["X-Forwarded-Proto"] = "https"}})
  end
  accepting[pk] = true
  return post(s, "/workorders/" .. pk .. "/accept/", s.body)
end

function response(status, headers, body)
  if status == 200 and extra.exhausted > 0 then return end  -- the /healthz sent when stopping
  local key = tostring(status)
  if status == 302 then
    key = "ok"
    local pk = tonumber(string.match(find_header(headers, "location") or "", "/workorders/(%d+)/"))
    if pk ~= nil and accepting[pk] then
      accepting[pk] = nil
      extra.accepted = extra.accepted + 1
      tail = tail + 1
      ready[tail] = pk
    else
      extra.dispatched = extra.dispatched + 1
    end
  end
  counts[key] = (counts[key] or 0) + 1
end
"""
    )


def parse_result(stdout: str, *, concurrency: int) -> dict:
    """The result dict of the asyncio `closed_loop` from wrk's output (the done() line):
    requests, ok, errors {status or socket error: count}, per_second (= ok / seconds),
    concurrency, seconds, p50/p95/p99/max_ms, and the script's `extra` counters."""
    line = next((ln for ln in stdout.splitlines() if ln.startswith(RESULT_MARK)), None)
    if line is None:
        raise RuntimeError(f"wrk printed no result line:\n{stdout[-2000:]}")
    raw = json.loads(line[len(RESULT_MARK) :])
    counts = {k: v for k, v in raw["counts"].items() if v}
    ok = counts.pop("ok", 0)
    errors: dict = {int(k) if k.isdigit() else k: v for k, v in counts.items()}
    errors.update({k: v for k, v in raw["socket_errors"].items() if v})
    seconds = raw["duration_us"] / 1e6
    out = {
        "requests": raw["requests"],
        "ok": ok,
        "errors": errors,
        "per_second": round(ok / seconds, 1) if seconds else 0.0,
        "concurrency": concurrency,
        "seconds": round(seconds, 1),
        **{f"{q}_ms": round(raw[f"{q}_us"] / 1000, 1) for q in ("p50", "p95", "p99", "max")},
    }
    if raw.get("extra"):
        out["extra"] = raw["extra"]
    out["counter"] = raw["n"]
    return out


def wrk_run(
    script: str, *, port: int, concurrency: int, duration: float, until: Callable[[], bool] | None = None
) -> tuple[dict, float]:
    """Run wrk with one thread and `concurrency` connections for `duration` seconds (whole
    seconds) on `script`; returns the parsed result and wrk's own CPU seconds. `until`, polled
    every 50 ms, ends the run early when it returns true: wrk's main thread sleeps the whole
    duration even when the script's threads have stopped, and an interrupt (SIGINT) is its way to
    end sooner — it still prints its summary and runs the script's done()."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", prefix="bench-", delete=False) as f:
        f.write(script)
    command = ["wrk", "-t1", f"-c{concurrency}", f"-d{max(1, round(duration))}s", "--timeout", "30s"]
    try:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        with subprocess.Popen(
            [*command, "-s", f.name, f"http://127.0.0.1:{port}/"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        ) as process:
            deadline = time.monotonic() + duration + 60
            while until is not None and process.poll() is None and time.monotonic() < deadline:
                if until():
                    process.send_signal(signal.SIGINT)
                    break
                time.sleep(0.05)
            try:
                stdout, stderr = process.communicate(timeout=max(1.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                raise
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    finally:
        Path(f.name).unlink(missing_ok=True)
    if process.returncode != 0:
        raise RuntimeError(f"wrk exited {process.returncode}: {stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return parse_result(stdout, concurrency=concurrency), cpu


# ------------------------------------------------------------------------------ server CPU
_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _ticks(pid: int) -> int | None:
    """utime + stime of a process (all its threads), in clock ticks."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()
    return int(fields[11]) + int(fields[12])  # fields 14 and 15 of proc(5)


def cpu_ticks(server_pid: int, db: str) -> dict[str, dict[int, int]]:
    """CPU ticks so far of the gunicorn workers (children of the master) and of the PostgreSQL
    backends connected to `db` (`postgres: ... <user> <db> <host> ...`). The server's shared
    processes (WAL writer, checkpointer) are not counted: other databases share them."""
    out: dict[str, dict[int, int]] = {"app": {}, "pg": {}}
    try:
        children = Path(f"/proc/{server_pid}/task/{server_pid}/children").read_text().split()
    except OSError:
        children = []
    for pid in map(int, children):
        if (t := _ticks(pid)) is not None:
            out["app"][pid] = t
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if cmd.startswith("postgres:") and db in cmd.split():
            if (t := _ticks(int(entry.name))) is not None:
                out["pg"][int(entry.name)] = t
    return out


def cpu_ms_per_request(before: dict, after: dict, requests: int) -> dict:
    """app_cpu_ms and pg_cpu_ms per request between two `cpu_ticks` (a process that started in
    between counts from zero; one that ended is lost: connections persist, so that is rare)."""
    out = {}
    for kind in ("app", "pg"):
        ticks = sum(t - before[kind].get(pid, 0) for pid, t in after[kind].items())
        out[f"{kind}_cpu_ms"] = round(ticks * 1000 / _TICK / requests, 2) if requests else None
    # CPU seconds of each gunicorn worker: an uneven split means one worker (one GIL) did the work
    out["worker_cpu_s"] = [
        round((t - before["app"].get(pid, 0)) / _TICK, 1) for pid, t in sorted(after["app"].items())
    ]
    return out
