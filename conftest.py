"""Shared fixtures: the real NBS regions (loaded once per session) and the STYLE.md personas."""

import os
import shutil
from pathlib import Path

import pytest

REGIONS_CSV = Path(__file__).parent / "data" / "divisions_linyi_heze.csv"


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hasher():
    """PBKDF2 costs ~0.3 s a user; tests do not need it. A delivery job that lingers for late
    rows would hold every `drain()` for seconds (apps/notifications/tests test the linger)."""
    from django.test import override_settings

    with override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"], NOTIFY_DELIVERY_LINGER_SECONDS=0
    ):
        yield


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from apps.regions.services import regions_load

    with django_db_blocker.unblock():
        report = regions_load(text=REGIONS_CSV.read_text(encoding="utf-8"), actor=None)
        assert report.ok, report.errors[:5]
    yield
    _end_stray_sessions(django_db_blocker)


def _end_stray_sessions(django_db_blocker):
    """Live-server and worker threads can leave a PostgreSQL session behind; it would keep the
    test database from being dropped at the end ("being accessed by other users")."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


# The persona world is the suite's most common fixture (~750 queries to build). It is built once
# per test module and worker inside a transaction that is rolled back when the module ends; each
# test runs in a savepoint inside it (the way Django's TestCase.setUpTestData works) and gets a
# deep copy of the Python objects, so neither rows nor objects leak from one test to the next.
# TEST_SHARED_WORLD=0 builds it for every test instead (both databases share by default; on
# PostgreSQL a server-side cursor left open by a test — `.iterator()` not exhausted nor closed —
# aborts the module's transaction at teardown: close iterators in a `finally`).
SHARED_WORLD = os.environ.get("TEST_SHARED_WORLD", "1") != "0"
_open_world: dict = {}  # the module world's open transaction, while there is one


def _close_module_world() -> None:
    from django.db import transaction

    atomic = _open_world.pop("atomic", None)
    if atomic is not None:
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


@pytest.fixture(scope="module")
def _module_world(request, django_db_setup, django_db_blocker):
    from django.db import transaction

    from apps.accounts.testing import build_world

    item = getattr(request, "_pyfuncitem", None)
    if item is not None and _commits(item):
        yield None  # a test that commits gets its own world (below)
        return
    with django_db_blocker.unblock():
        load_regions_if_missing()
        atomic = transaction.atomic()
        atomic.__enter__()
        _open_world["atomic"] = atomic
        try:
            world = build_world()
        except BaseException:
            _close_module_world()
            raise
    yield world
    with django_db_blocker.unblock():
        _close_module_world()


def _commits(item) -> bool:
    names = set(getattr(item, "fixturenames", ()))
    marker = item.get_closest_marker("django_db")
    return bool(names & {"live_server", "transactional_db"}) or bool(
        marker and marker.kwargs.get("transaction")
    )


def pytest_runtest_setup(item):
    """A test that commits for real cannot run inside the module world's transaction: end it
    (rolled back) first. Such tests run after all others (pytest_collection_modifyitems)."""
    if _open_world and _commits(item):
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            _close_module_world()


if SHARED_WORLD:

    @pytest.fixture
    def world(_module_world, db):
        """A deep copy of the module's world (module-scoped fixtures are set up before `db`,
        so the test's savepoint sits inside the world's transaction)."""
        import copy

        if _module_world is None or "atomic" not in _open_world:
            from apps.accounts.testing import build_world

            return build_world()
        return copy.deepcopy(_module_world)

else:

    @pytest.fixture
    def world(db):
        from apps.accounts.testing import build_world

        return build_world()


@pytest.fixture
def users(world):
    return world.users


@pytest.fixture
def client_for(client, users):
    """client_for("county") → a test client logged in as that persona."""

    def login(key):
        client.force_login(users[key])
        return client

    return login


def load_regions_if_missing():
    """Transactional tests flush every table when they end; reload the divisions if needed."""
    from apps.regions.models import Region
    from apps.regions.services import regions_load

    if not Region.objects.exists():
        regions_load(text=REGIONS_CSV.read_text(encoding="utf-8"), actor=None)


def restore_seeded_rows() -> None:
    """What the session set up once and a flush empties: the divisions, and the rows the data
    migrations wrote (the work-order categories with their limits)."""
    from apps.workorders import categories_seed
    from apps.workorders.models import Category, CategoryLimit

    load_regions_if_missing()
    if not Category.objects.exists():
        categories_seed.load(Category, CategoryLimit)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A test that commits for real flushes every table when it ends (pytest-django's
    TransactionTestCase): put back what the next tests on this worker expect — with
    `--dist loadfile` a module's committing tests are followed by other modules' tests."""
    yield
    if _commits(item) and nextitem is not None and not _commits(nextitem):
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            restore_seeded_rows()


def pytest_collection_modifyitems(config, items):
    """Run tests that commit for real (live server, threads) after the rest: their flush at the
    end empties tables that the session set up once. A module that says `RUN_FIRST = True` (the
    seeded demo: one worker spends about a minute on its fixture) goes first, so that with
    `--dist loadfile` the other worker takes the rest meanwhile instead of waiting at the end."""

    items.sort(key=lambda item: (_commits(item), not getattr(item.module, "RUN_FIRST", False)))


@pytest.fixture
def transactional_world(transactional_db):
    from apps.accounts.testing import build_world

    load_regions_if_missing()
    return build_world()


# ---------------------------------------------------------------- real browser (Playwright + chromium)
ARTIFACTS = Path(__file__).parent / "test-artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def browser(live_server):
    """A headless Debian chromium driven by Playwright. Skipped locally without chromium; in CI
    (CI=true) a missing chromium is a failure, not a skip."""
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if not executable:
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail("chromium is not installed (apt-get install chromium fonts-noto-cjk)")
        pytest.skip("chromium is not installed; the browser tests need Debian's chromium package")
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls in the test body
    # are still synchronous and safe here.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        try:
            yield instance
        finally:
            instance.close()


@pytest.fixture
def console_errors():
    """Collects console errors and page errors of pages passed to `watch(page)`."""
    errors = []

    def watch(page):
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        return page

    watch.errors = errors
    return watch


def log_in(page, base_url: str, username: str):
    """Sign in through the login form as one of the persona world's users."""
    from apps.core.testing import PASSWORD

    page.goto(f"{base_url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/")


def screenshot(page, name: str):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
