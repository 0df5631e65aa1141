#!/usr/bin/env bash
# First start of a fresh clone, timed: what a visitor waits for between `make run` and the first
# page (issue 13). Clones SOURCE (default: this checkout's repository, its checked-out branch)
# into a temporary folder, runs `make run PORT=<a free port>` there with every line of its output
# stamped with the seconds since the start, polls / with curl (following the redirect to the login page) until it answers 200,
# then stops the server and prints a table of the phases (from the lines `make run` prints):
#
#   venv      python -m venv                      (start → "[1/3]")
#   install   pip install of the runtime deps     ("[1/3]" → "[2/3]")
#   migrate   manage.py migrate                   ("[2/3]" → "[3/3]")
#   seed      manage.py seed_demo                 ("[3/3]" → "演示数据生成完成")
#   static    collectstatic (beside the seed)     ("收集静态文件" → "静态文件已收集")
#   server    demo logins, checks, runserver up   (seed and static done → "Starting development server")
#   first     the first page answered             (→ curl -L on /: its first 200, the login page)
#
# plus seed_demo's own CPU time (user + sys, printed by seed_demo) and the load average before
# and after: on this shared machine wall time moves with the load, CPU time much less.
# The package cache is what the machine has: for "warm cache" figures, run twice and read the
# second (the first run fills pip's cache). Usage:
#
#   bench/first_start.sh [SOURCE] [--keep]      # SOURCE: a path or URL git can clone
#
# Writes the stamped log to <tmp>/first-start.log (kept, with the clone, when --keep is given).
set -euo pipefail

source_repo=""
keep=0
for arg in "$@"; do
  case "$arg" in
    --keep) keep=1 ;;
    -h|--help) sed -n '2,23p' "$0"; exit 0 ;;
    *) source_repo="$arg" ;;
  esac
done
source_repo=${source_repo:-$(git -C "$(dirname "$0")" rev-parse --show-toplevel)}
timeout_s=${FIRST_START_TIMEOUT:-1200}

work=$(mktemp -d /tmp/first-start.XXXXXX)
clone="$work/repo"
log="$work/first-start.log"
git clone -q "$source_repo" "$clone"
commit=$(git -C "$clone" log -1 --format='%h %s' | cut -c1-90)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
started_at=$(date -u '+%Y-%m-%d %H:%M:%S UTC')
t0=$EPOCHREALTIME
t0_ms=$(( ${t0/./} / 1000 ))

# make in its own session (setsid), so that stopping it stops the web server and the worker it
# started and nothing else; every output line stamped with the seconds since t0.
(
  cd "$clone"
  # Unbuffered Python output: each line is stamped when it is printed, not when a buffer fills.
  export PYTHONUNBUFFERED=1
  exec setsid make run PORT="$port" 2>&1
) > >(T0="$t0" python3 -u -c '
import os, sys, time
t0 = float(os.environ["T0"])
for line in sys.stdin:
    print(f"{time.time() - t0:8.1f}  {line}", end="", flush=True)
' | tee "$log") &
make_pid=$!

stop() {
  # The session leader is the make started above: signal its process group only.
  local pgid
  pgid=$(ps -o pgid= -p "$make_pid" 2>/dev/null | tr -d ' ' || true)
  if [ -n "$pgid" ]; then kill -TERM -- "-$pgid" 2>/dev/null || true; fi
  wait "$make_pid" 2>/dev/null || true
}
trap stop EXIT

first=""
url="http://127.0.0.1:$port/"
while :; do
  now=$EPOCHREALTIME
  elapsed_ms=$(( ${now/./} / 1000 - t0_ms ))
  elapsed=$(( elapsed_ms / 1000 )).$(( elapsed_ms % 1000 / 100 ))
  if ! kill -0 "$make_pid" 2>/dev/null; then
    echo "make run stopped before a page was served (log: $log)" >&2
    keep=1
    break
  fi
  if [ "$(curl -s -L -o /dev/null -w '%{http_code}' --max-time 10 "$url" || true)" = 200 ]; then
    first=$elapsed
    break
  fi
  if [ "$elapsed_ms" -gt $(( timeout_s * 1000 )) ]; then
    echo "no page after $timeout_s s (log: $log)" >&2
    keep=1
    break
  fi
  sleep 0.5
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
stop
trap - EXIT
sleep 1  # the stamping filter writes the last lines

FIRST="$first" LOG="$log" STARTED="$started_at" COMMIT="$commit" \
  LOAD_BEFORE="$load_before" LOAD_AFTER="$load_after" python3 - <<'EOF'
import os
import re

stamps = []
for line in open(os.environ["LOG"], encoding="utf-8", errors="replace"):
    m = re.match(r"\s*([\d.]+)  (.*)", line)
    if m:
        stamps.append((float(m[1]), m[2]))


def at(pattern):
    """Seconds at the first line matching pattern, or None."""
    return next((t for t, text in stamps if re.search(pattern, text)), None)


marks = {
    "start": 0.0,
    "install": at(r"\[1/3\]"),
    "migrate": at(r"\[2/3\]"),
    "seed": at(r"\[3/3\]"),
    "seeded": at(r"演示数据生成完成|演示数据已存在"),
    "static": at(r"收集静态文件"),
    "static_done": at(r"静态文件已收集"),
    "server": at(r"Starting development server"),
}
first = float(os.environ["FIRST"]) if os.environ["FIRST"] else None
seed_cpu = next((m[1] for _, text in stamps if (m := re.search(r"演示数据生成完成.*CPU ([\d.]+) 秒", text))), "")


def span(a, b):
    return f"{b - a:6.1f}" if a is not None and b is not None else "     —"


both = None
if marks["seeded"] is not None:
    both = max(marks["seeded"], marks["static_done"] or 0.0)
rows = [
    ("venv", span(marks["start"], marks["install"])),
    ("install", span(marks["install"], marks["migrate"])),
    ("migrate", span(marks["migrate"], marks["seed"])),
    ("seed", span(marks["seed"], marks["seeded"])),
    ("static (beside seed)" if (marks["static"] or 0) < (marks["seeded"] or 0) else "static", span(marks["static"], marks["static_done"])),
    ("server up", span(both, marks["server"])),
    ("first page", span(marks["server"], first)),
    ("total: make run → first page", span(0.0, first)),
]
print()
print(f"First start — {os.environ['STARTED']} — {os.environ['COMMIT']}")
print(f"load average before {os.environ['LOAD_BEFORE']}, after {os.environ['LOAD_AFTER']}")
print("| phase | seconds |")
print("|---|---:|")
for name, value in rows:
    print(f"| {name} | {value.strip()} |")
# Each step's own line (both before and after seed_demo printed its total): their sum.
steps_cpu = sum(float(m[1]) for _, text in stamps if (m := re.search(r"^\s+完成，用时 [\d.]+ 秒（CPU ([\d.]+) 秒）", text)))
if seed_cpu:
    print(f"seed_demo CPU (user + sys): {seed_cpu} s")
if steps_cpu:
    print(f"seed_demo steps' CPU, summed: {steps_cpu:.1f} s")
EOF
if [ "$keep" = 1 ]; then
  echo "kept: $work"
else
  rm -rf "$work"
fi
