# 红色物业 — the two commands a fresh machine needs: `make run` and `make test`.
# Only python3 (>= 3.11) and make are required; everything else is installed into .venv.

PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
# The first Python >= 3.11 on the PATH.
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then echo $$p; break; fi; done)

.PHONY: run test test-browser install install-run migrate demo lint format check bench bench-wrk clean help

help:
	@echo "make run           start the platform with demo data on http://127.0.0.1:$(PORT)"
	@echo "make test          run the test suite (SQLite; set DATABASE_URL for PostgreSQL)"
	@echo "make test-browser  run only the real-browser tests (Chromium)"
	@echo "make lint          ruff check + format check"
	@echo "make bench         run the benchmark suite (see bench/README.md)"

$(BIN)/python:
	@if [ -z "$(PYTHON)" ]; then echo "需要 Python 3.11 或更高版本 (Python >= 3.11 is required)"; exit 1; fi
	$(PYTHON) -m venv $(VENV)

# `make run` needs only the runtime dependencies (no Playwright, schemathesis …): a shorter first
# start. pip's own lines ("Collecting …", "Installing …") are the progress, not hidden by --quiet.
# --no-compile: pip byte-compiles every module of every package (scipy's tests included), 9 of the
# 21 s of this install (measured, docs/benchmarks.md "First start"); Python compiles the few
# hundred the platform imports when it first imports them (+0.7 s on the first migrate).
$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	@echo "==> [1/3] 安装运行依赖到 $(VENV)（首次约半分钟；已安装则跳过）"
	$(BIN)/python -m pip install --disable-pip-version-check --progress-bar on --no-compile -e .
	@touch $@

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	@echo "==> 安装运行和开发依赖到 $(VENV)（测试、代码检查用）"
	$(BIN)/python -m pip install --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --disable-pip-version-check --progress-bar on -e '.[dev]'
	@touch $@ $(VENV)/.installed-run

install: $(VENV)/.installed
install-run: $(VENV)/.installed-run

migrate: install-run
	@echo "==> [2/3] 建立数据库表"
	$(BIN)/python manage.py migrate --noinput --skip-checks

demo: migrate
	@$(SEED)

# The demo runs production-like (docs/deployment.md "make run"): DEBUG off, so a visitor never sees
# Django's debug page; a local secret key kept in .venv; static files collected and served by
# WhiteNoise; http on 127.0.0.1 only. DEV=1 runs the development server with DEBUG on instead.
# A background-job worker (imports, reports, e-mail/SMS, the scheduled sweeps: docs/jobs.md) runs
# beside the web server on the database queue and stops with it (Ctrl-C).
# The worker skips the system checks: the server prints them (the missing-holidays warning) once.
# The seed runs with the development defaults (PII_HASH_KEY stays the value the demo owners were
# hashed with); collectstatic, which needs no database, runs beside it on the other core.
WORKER = $(BIN)/python manage.py jobs_worker --schedule --skip-checks -v 0 & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM;
DEMO_ENV = DJANGO_DEBUG=0 DJANGO_DEMO_MODE=1 DJANGO_SECRET_KEY="$$(cat $(VENV)/demo-secret-key)" \
	  PII_HASH_KEY="$${PII_HASH_KEY:-django-insecure-redproperty-local-development-only}" \
	  DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost DJANGO_SECURE_SSL_REDIRECT=0 DJANGO_SECURE_HSTS_SECONDS=0 \
	  DJANGO_SECURE_COOKIES=0 DJANGO_STATIC_COMPRESS=0
SEED = echo "==> [3/3] 生成演示数据（已生成的步骤跳过；每步一行进度和用时）"; $(BIN)/python manage.py seed_demo
# seed_demo --port prints the demo logins at its end (as demo_logins would, one Django start less).
run: migrate
	@test -s $(VENV)/demo-secret-key || $(BIN)/python -c "import secrets; print(secrets.token_urlsafe(50))" > $(VENV)/demo-secret-key
	@if [ -n "$(DEV)" ]; then \
	  $(SEED) --port $(PORT) && \
	  { $(WORKER) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT); }; else \
	  echo "==> 收集静态文件（与生成演示数据同时进行）"; \
	  { env $(DEMO_ENV) $(BIN)/python manage.py collectstatic --noinput --skip-checks -v 0 \
	    && echo "==> 静态文件已收集"; } & static=$$!; \
	  $(SEED) --port $(PORT) || { wait $$static; exit 1; }; \
	  wait $$static || { echo "收集静态文件失败 (collectstatic failed)"; exit 1; }; \
	  echo "==> 启动网页服务和后台任务：http://127.0.0.1:$(PORT)/"; \
	  export $(DEMO_ENV); { $(WORKER) $(BIN)/python manage.py runserver --noreload 127.0.0.1:$(PORT); }; fi

# Persistent connections would keep the live-server threads' sessions open and block the
# test database from being dropped at the end of a PostgreSQL run.
# Two workers by default (the suite is I/O- and database-bound); TEST_WORKERS=0 runs in one process.
# --dist loadfile: each test module runs on one worker, so its module fixtures (the seeded demo of
# tests/test_seed_demo.py, the persona world of conftest.py) are built once, not once per worker.
# (--dist loadgroup with xdist_group marks did not group anything under pytest 9 + xdist 3.8:
# measured, the seeded demo was built on both workers.)
TEST_WORKERS ?= 2
test: install
	DATABASE_CONN_MAX_AGE=0 $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

test-browser: install
	DATABASE_CONN_MAX_AGE=0 $(BIN)/python -m pytest -m browser $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check: install
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run

$(VENV)/.bench-installed: pyproject.toml | $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	@touch $@

# wrk drives the HTTP scenarios; installed here when possible (root with apt-get), else the suite
# falls back to its own asyncio client (slower on the same cores) and says so in the results.
bench-wrk:
	@command -v wrk >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null 2>&1 \
	      || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; } \
	      || echo "wrk 安装失败 (could not install wrk): the HTTP scenarios use the asyncio client"; \
	  else \
	    echo "wrk 未安装 (wrk is not installed; as root: apt-get install wrk): the HTTP scenarios use the asyncio client"; \
	  fi; }

# BENCH_SCALE=small (default, bounded) | city | province; see docs/benchmarks.md.
bench: install $(VENV)/.bench-installed bench-wrk
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-* staticfiles test-artifacts
