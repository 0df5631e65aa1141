"""bench/loadgen.py: the Lua the benchmark hands wrk, and how its result line is read. The wrk
runs (skipped where wrk is not installed) go against a small stand-in server on loopback."""

import json
import re
import shutil
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest

from bench import loadgen

ORIGIN = "https://127.0.0.1:8400"
needs_wrk = pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed")


def lua_unquote(literal: str) -> str:
    """The text of a Lua string literal as lua_str writes them (printable ASCII, \\ddd)."""
    assert literal[0] == literal[-1] == '"' and '"' not in literal[1:-1]
    raw = re.sub(r"\\(\d{3})", lambda m: chr(int(m.group(1))), literal[1:-1])
    return raw.encode("latin-1").decode()


def test_lua_str_escapes_quotes_backslashes_and_utf8():
    literal = loadgen.lua_str('a"b\\c 压测\n1')
    assert literal.isascii()
    assert "\\034" in literal and "\\092" in literal and "\\010" in literal
    assert '"' not in literal[1:-1]
    assert lua_unquote(literal) == 'a"b\\c 压测\n1'
    # Three digits always: an escape followed by a digit stays one byte.
    assert loadgen.lua_str("\n1") == '"\\0101"'


def test_form_variant_body_is_the_urlencoded_form_around_the_counter():
    variant = loadgen.form_variant(
        "/workorders/new/",
        {"compound": 7, "csrfmiddlewaretoken": "tok+en"},
        {"sessionid": "s1", "csrftoken": "tok+en"},
        ORIGIN,
        counted="description=楼道堆放杂物，请尽快清理（压测 {n}）",
    )
    assert variant.prefix.isascii() and variant.suffix.isascii()
    body = parse_qs(variant.prefix + "42" + variant.suffix, strict_parsing=True)
    assert body == {
        "compound": ["7"],
        "csrfmiddlewaretoken": ["tok+en"],
        "description": ["楼道堆放杂物，请尽快清理（压测 42）"],
    }
    assert variant.headers["Cookie"] == "sessionid=s1; csrftoken=tok+en"
    assert variant.headers["X-CSRFToken"] == "tok+en"
    assert variant.headers["Referer"] == ORIGIN + "/workorders/new/"
    assert variant.headers["X-Forwarded-Proto"] == "https"


def test_request_headers_of_a_get_carry_no_form_headers():
    headers = loadgen.request_headers("GET", "/healthz", {}, ORIGIN)
    assert "Origin" not in headers and "Cookie" not in headers and "Content-Type" not in headers


def test_parse_result_gives_the_closed_loop_shape():
    line = (
        'WRK_RESULT {"requests":1002,"n":1010,"duration_us":5000000,'
        '"counts":{"ok":1000,"599":1,"409":1},"extra":{},'
        '"socket_errors":{"connect":0,"read":2,"write":0,"timeout":0},'
        '"p50_us":12345,"p95_us":50000,"p99_us":99999,"max_us":250000}'
    )
    out = loadgen.parse_result("Running 5s test\n" + line + "\nRequests/sec: 200\n", concurrency=8)
    assert out == {
        "requests": 1002,
        "ok": 1000,
        "errors": {599: 1, 409: 1, "read": 2},
        "per_second": 200.0,
        "concurrency": 8,
        "seconds": 5.0,
        "p50_ms": 12.3,
        "p95_ms": 50.0,
        "p99_ms": 100.0,
        "max_ms": 250.0,
        "counter": 1010,
    }


def test_parse_result_refuses_output_without_the_result_line():
    with pytest.raises(RuntimeError, match="no result line"):
        loadgen.parse_result("Running 5s test\n", concurrency=8)


def test_cpu_ms_per_request_counts_new_processes_from_zero():
    tick_ms = 1000 / loadgen._TICK
    before = {"app": {1: 100, 2: 100}, "pg": {3: 50}}
    after = {"app": {1: 150, 2: 130}, "pg": {3: 60, 4: 10}}
    out = loadgen.cpu_ms_per_request(before, after, 10)
    split = [round(50 / loadgen._TICK, 1), round(30 / loadgen._TICK, 1)]  # each worker's seconds
    assert out == {
        "app_cpu_ms": round(80 * tick_ms / 10, 2),
        "pg_cpu_ms": round(20 * tick_ms / 10, 2),
        "worker_cpu_s": split,
    }
    none = loadgen.cpu_ms_per_request(before, after, 0)
    assert none["app_cpu_ms"] is None and none["pg_cpu_ms"] is None


def test_transitions_lua_wants_a_token_per_session():
    with pytest.raises(ValueError):
        loadgen.transitions_lua([1], [{"sessionid": "a"}], [], handler="x", origin=ORIGIN)


# ------------------------------------------------------------------------------ real wrk runs
class StandIn(BaseHTTPRequestHandler):
    """Answers like the platform: the whistle form with 302 to …/submitted/, accept and dispatch
    with 302 to the order as compare-and-set transitions (409 when the order is not ready)."""

    protocol_version = "HTTP/1.1"
    seen: list
    gets: list
    orders: dict
    lock = threading.Lock()

    def log_message(self, *args):
        pass

    def answer(self, status, location=""):
        self.send_response(status)
        if location:
            self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        if self.headers.get("Connection", "").lower() == "close":
            self.send_header("Connection", "close")  # as gunicorn answers (wrk then reconnects)
        self.end_headers()

    def do_GET(self):
        self.gets.append(self.path)
        self.answer(200)

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"])).decode()
        with self.lock:
            self.seen.append((self.path, dict(self.headers), body))
            match = re.fullmatch(r"/workorders/(\d+)/(accept|dispatch)/", self.path)
            if not match:
                return self.answer(302, "/workorders/1/submitted/")
            pk, verb = int(match.group(1)), match.group(2)
            state = self.orders.get(pk)
            want, new = ("submitted", "accepted") if verb == "accept" else ("accepted", "dispatched")
            if state != want:
                return self.answer(409)
            self.orders[pk] = new
        self.answer(302, f"/workorders/{pk}/")


class QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # wrk resets its connections when it stops


@pytest.fixture
def stand_in():
    handler = type("Handler", (StandIn,), {"seen": [], "gets": [], "orders": {}})
    server = QuietServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server, handler
    server.shutdown()
    server.server_close()


@needs_wrk
def test_wrk_rotates_sessions_and_counts_the_description(stand_in):
    server, handler = stand_in
    variants = [
        loadgen.form_variant(
            "/workorders/new/",
            {"compound": i, "csrfmiddlewaretoken": f"t{i}"},
            {"sessionid": f"s{i}", "csrftoken": f"t{i}"},
            ORIGIN,
            counted="description=压测 {n}",
        )
        for i in range(3)
    ]
    script = loadgen.rotating_lua(variants, ok=302, location="/submitted/", start=100)
    out, cpu = loadgen.wrk_run(script, port=server.server_port, concurrency=2, duration=1)
    assert out["ok"] > 0 and out["errors"] == {}
    assert out["ok"] == out["requests"] and cpu >= 0
    assert out["counter"] >= 100 + out["requests"]
    numbers = set()
    for _path, headers, body in handler.seen:
        form = parse_qs(body)
        n = int(form["description"][0].removeprefix("压测 "))
        numbers.add(n)
        i = n % 3  # request n takes variant n mod 3: its session, token and compound together
        assert form["compound"] == [str(i)] and form["csrfmiddlewaretoken"] == [f"t{i}"]
        assert headers["Cookie"] == f"sessionid=s{i}; csrftoken=t{i}"
        assert headers["X-Forwarded-Proto"] == "https" and headers["Origin"] == ORIGIN
    # Counted on from `start`; wrk's own first request() call only checks the script (not sent).
    assert min(numbers) in (101, 102) and len(numbers) == len(handler.seen)


@needs_wrk
def test_wrk_counts_a_redirect_elsewhere_as_an_error(stand_in):
    server, _handler = stand_in
    variant = loadgen.form_variant("/workorders/new/", {"a": 1}, {}, ORIGIN)
    script = loadgen.rotating_lua([variant], ok=302, location="/elsewhere/")
    out, _cpu = loadgen.wrk_run(script, port=server.server_port, concurrency=2, duration=1)
    assert out["ok"] == 0 and out["errors"][599] == out["requests"] > 0


@needs_wrk
def test_wrk_dispatches_each_order_only_after_its_accept(stand_in):
    server, handler = stand_in
    ids = list(range(1, 81))
    handler.orders.update(dict.fromkeys(ids, "submitted"))
    sessions = [{"sessionid": f"s{i}", "csrftoken": f"t{i}"} for i in range(4)]
    script = loadgen.transitions_lua(
        ids, sessions, [s["csrftoken"] for s in sessions], handler="unit:9", origin=ORIGIN, start=0
    )

    # The script stops its thread when the orders run out and sends a GET /healthz as it does; the
    # run ends there (wrk's own clock would sleep the whole duration). The duration is only the
    # bound on a busy machine (300 orders in 1 s did not run out in CI beside other work).
    out, _cpu = loadgen.wrk_run(
        script, port=server.server_port, concurrency=8, duration=20, until=lambda: bool(handler.gets)
    )
    assert out["seconds"] < 20  # wrk's own clock: the run was ended by `until`, not by the bound
    assert out["errors"] == {}, out  # no 409: no dispatch overtook its accept
    extra = out["extra"]
    assert extra["exhausted"] > 0  # the 80 orders ran out: wrk stopped
    # Stopping drops the answers still in flight: the stand-in may have done one or two more.
    done = sum(1 for s in handler.orders.values() if s in ("accepted", "dispatched"))
    assert done - 8 <= extra["accepted"] <= done
    dispatched = sum(1 for s in handler.orders.values() if s == "dispatched")
    assert dispatched - 8 <= extra["dispatched"] <= dispatched and dispatched > 60
    dispatches = [parse_qs(body) for path, _h, body in handler.seen if path.endswith("/dispatch/")]
    assert all(d["handler"] == ["unit:9"] for d in dispatches)
    assert json.dumps(out)  # the result is JSON for bench/results


def test_a_new_connection_per_request_unless_keep_alive_is_asked(monkeypatch):
    """As nginx proxies to gunicorn (HTTP/1.0 upstream): kept-alive connections may all land on
    one worker, which then measures one core instead of two."""
    monkeypatch.setattr(loadgen, "KEEPALIVE", False)
    assert loadgen.request_headers("GET", "/healthz", {}, ORIGIN)["Connection"] == "close"
    monkeypatch.setattr(loadgen, "KEEPALIVE", True)
    assert loadgen.request_headers("GET", "/healthz", {}, ORIGIN)["Connection"] == "keep-alive"
