"""The Redis-backed backend (django-tasks-rq): a job through RQ and a burst worker in-process.

In CI (CI=true) Redis must be there: the test fails when it is unreachable. Elsewhere it is
skipped without Redis."""

import os

import pytest
from django.test import override_settings

from apps.jobs import registry, services
from apps.jobs.models import JobStatus

# One Redis database for these tests, all in this module, so on one xdist worker (Makefile:
# --dist loadfile).
pytestmark = [pytest.mark.django_db(transaction=True)]

REDIS_URL = os.environ.get("JOBS_TEST_REDIS_URL", "redis://127.0.0.1:6379/14")
CALLS: list[int] = []


@registry.handler("tests.rq", label="测试RQ")
def rq_job(ctx, *, n: int, fail_first: bool = False):
    CALLS.append(ctx.attempt)
    if fail_first and ctx.attempt == 1:
        raise RuntimeError("temporary")
    for i in range(n):
        ctx.progress(i + 1, n)
    return {"n": n}


@pytest.fixture
def rq_queue(settings):
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError as exc:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"Redis is required in CI: {REDIS_URL}: {exc}")
        pytest.skip(f"Redis not reachable at {REDIS_URL}")
    redis.Redis.from_url(REDIS_URL).flushdb()
    with override_settings(
        TASKS={"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}},
        RQ_QUEUES={"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 60}},
    ):
        yield "default"
    redis.Redis.from_url(REDIS_URL).flushdb()
    CALLS.clear()


def _work(queue):
    import django_rq
    from django_tasks_rq.backend import Job as RQJob
    from rq import SimpleWorker

    # In this process (the test database is in memory); burst: until the queue is empty.
    worker = django_rq.get_worker(queue, job_class=RQJob, worker_class=SimpleWorker)
    worker.work(burst=True, with_scheduler=False)


def test_a_job_runs_through_redis(rq_queue):
    queue = rq_queue
    job = services.start(kind="tests.rq", owner=None, params={"n": 3})
    import django_rq

    assert django_rq.get_queue(queue).count == 1  # handed to Redis on commit
    _work(queue)
    job.refresh_from_db()
    assert (job.status, job.result, job.progress_done) == (JobStatus.SUCCEEDED, {"n": 3}, 3)
    assert CALLS == [1]


def test_a_failed_attempt_is_deferred_on_redis_and_runs_again(rq_queue, settings):
    queue = rq_queue
    settings.JOBS_RETRY_BASE_S = 0
    job = services.start(kind="tests.rq", owner=None, params={"n": 1, "fail_first": True})
    _work(queue)
    job.refresh_from_db()
    if job.status == JobStatus.QUEUED:  # the retry went to RQ's scheduled registry (run_after)
        import django_rq
        from rq.registry import ScheduledJobRegistry

        q = django_rq.get_queue(queue)
        registry_ = ScheduledJobRegistry(queue=q)
        for job_id in registry_.get_job_ids():
            registry_.remove(job_id)
            q.enqueue_job(q.fetch_job(job_id))
        _work(queue)
        job.refresh_from_db()
    assert (job.status, CALLS) == (JobStatus.SUCCEEDED, [1, 2])
