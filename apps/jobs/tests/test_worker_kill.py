"""A real worker (`manage.py jobs_worker`, a subprocess) killed with SIGKILL in the middle of a
job: the next worker recovers the job at start and runs it again, and its effect (one audit
event, written idempotently) happens once.

On SQLite the in-memory test database is copied to a file the subprocesses open; on PostgreSQL
they open the test database itself."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from apps.jobs import services

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(settings.BASE_DIR)


class Db:
    """Reads the job and its effect from wherever the worker writes."""

    def __init__(self, tmp_path):
        self.file = None
        if connection.vendor == "sqlite":
            self.file = tmp_path / "worker.sqlite3"
            target = sqlite3.connect(self.file)
            connection.ensure_connection()
            connection.connection.backup(target)
            target.close()
            self.url = f"sqlite:///{self.file}"
        else:
            s = connection.settings_dict
            self.url = f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"

    def one(self, sql, params=()):
        if self.file:
            with sqlite3.connect(self.file, timeout=20) as c:
                return c.execute(sql.replace("%s", "?"), params).fetchone()
        with connection.cursor() as c:
            c.execute(sql, params)
            return c.fetchone()

    def job(self, job):
        pk = job.pk.hex if self.file else job.pk  # SQLite keeps a UUID as 32 hex digits
        return self.one("SELECT status, attempts, progress_done FROM jobs_job WHERE id = %s", (pk,))

    def effects(self, job):
        sql = "SELECT COUNT(*) FROM core_event WHERE verb = 'jobs.selftest' AND object_id = %s"
        return self.one(sql, (str(job.pk),))[0]


def worker(db, tmp_path, name):
    env = {
        **os.environ,
        "DATABASE_URL": db.url,
        "DATABASE_CONN_MAX_AGE": "0",
        "JOBS_BACKEND": "database",
        "JOBS_STALE_S": "2",  # a dead worker's job is recovered after 2 s without heartbeat
        "JOBS_HEARTBEAT_S": "1",
        "DJANGO_MEDIA_ROOT": str(tmp_path / "media"),
    }
    log = open(tmp_path / f"{name}.log", "w")
    return subprocess.Popen(
        [sys.executable, "manage.py", "jobs_worker", "--interval", "0.2", "--skip-checks"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def wait_for(condition, timeout=90.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("timed out")


def test_a_job_killed_mid_run_runs_again_and_its_effect_happens_once(tmp_path):
    # 12 steps of 0.25 s; the effect is written at step 1, the worker is killed after step 3
    # (2.25 s before the job could end on its own).
    job = services.start(
        kind="jobs.selftest", owner=None, params={"steps": 12, "step_s": 0.25, "effect_at": 1}
    )
    db = Db(tmp_path)
    first = worker(db, tmp_path, "first")
    try:
        wait_for(lambda: db.job(job)[0] == "running" and db.job(job)[2] >= 3)
        assert db.effects(job) == 1
        os.killpg(first.pid, signal.SIGKILL)  # no cleanup of any kind: the job stays 进行中
        first.wait(10)
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)
    status, attempts, done = db.job(job)
    assert (status, attempts) == ("running", 1) and done < 12
    time.sleep(2.5)  # its heartbeat is now older than JOBS_STALE_S
    second = worker(db, tmp_path, "second")
    try:
        wait_for(lambda: db.job(job)[0] == "succeeded")
    finally:
        os.killpg(second.pid, signal.SIGTERM)
        second.wait(20)
    assert db.job(job) == ("succeeded", 2, 12)  # run again, from the start, to the end
    assert db.effects(job) == 1  # …and the effect of the first run is not repeated
    assert "已恢复 1 个中断的任务" in (tmp_path / "second.log").read_text()
    # the killed worker's queue row is closed as failed (not 运行中 for ever), the new one succeeded
    rows = "SELECT status, exception_class_path FROM django_tasks_database_dbtaskresult ORDER BY enqueued_at"
    if db.file:
        with sqlite3.connect(db.file, timeout=20) as c:
            tasks = c.execute(rows).fetchall()
    else:
        with connection.cursor() as c:
            c.execute(rows)
            tasks = c.fetchall()
    assert [tuple(t) for t in tasks] == [("FAILED", "apps.jobs.runner.WorkerLost"), ("SUCCESSFUL", "")]
