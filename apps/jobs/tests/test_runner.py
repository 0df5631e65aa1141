import pytest
from django.utils import timezone

from apps.jobs import registry, services
from apps.jobs.errors import JobError
from apps.jobs.models import Job, JobStatus
from apps.jobs.runner import recover_stale
from apps.jobs.testing import drain

pytestmark = pytest.mark.django_db(transaction=True)

CALLS: list[int] = []


@registry.handler("tests.count", label="测试计数")
def count_rows(ctx, *, n: int, fail_times: int = 0, user_error: bool = False):
    CALLS.append(ctx.attempt)
    if user_error:
        raise JobError("第3行：面积必须大于0")
    if ctx.attempt <= fail_times:
        raise RuntimeError("boom")
    for i in range(n):
        ctx.progress(i + 1, n)
    return {"rows": n}


@pytest.fixture(autouse=True)
def _reset(settings):
    settings.JOBS_RETRY_BASE_S = 0
    CALLS.clear()


def test_job_runs_on_the_database_queue_and_records_its_result():
    job = services.start(kind="tests.count", owner=None, params={"n": 5})
    assert Job.objects.get(pk=job.pk).status == JobStatus.QUEUED
    assert drain() == 1
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    assert job.result == {"rows": 5}
    assert (job.progress_done, job.progress_total, job.percent) == (5, 5, 100)


def test_a_failing_job_is_retried_then_succeeds():
    job = services.start(kind="tests.count", owner=None, params={"n": 1, "fail_times": 2})
    drain()
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    assert CALLS == [1, 2, 3]


def test_a_job_that_keeps_failing_ends_failed_with_a_chinese_message():
    job = services.start(kind="tests.count", owner=None, params={"n": 1, "fail_times": 9})
    drain()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "已尝试 3 次" in job.error
    assert "RuntimeError" in job.error_detail


def test_a_user_error_is_not_retried():
    job = services.start(kind="tests.count", owner=None, params={"n": 1, "user_error": True})
    drain()
    job.refresh_from_db()
    assert (job.status, job.error, CALLS) == (JobStatus.FAILED, "第3行：面积必须大于0", [1])


def test_the_same_idempotency_key_returns_the_first_job():
    a = services.start(kind="tests.count", owner=None, params={"n": 1}, idempotency_key="k-1")
    b = services.start(kind="tests.count", owner=None, params={"n": 1}, idempotency_key="k-1")
    assert a.pk == b.pk
    drain()
    assert CALLS == [1]


def test_a_job_whose_worker_died_runs_again():
    job = services.start(kind="tests.count", owner=None, params={"n": 2})
    # a worker claimed it and was killed: 进行中 with an old heartbeat, its queue entry consumed
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, attempts=1, heartbeat_at=timezone.now() - timezone.timedelta(hours=1)
    )
    drain()  # the queue entry runs but cannot claim a running job
    assert CALLS == []
    assert recover_stale() == 1
    drain()
    job.refresh_from_db()
    assert (job.status, CALLS) == (JobStatus.SUCCEEDED, [2])


def test_the_killed_workers_task_row_is_closed_when_its_job_is_recovered():
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from apps.jobs.runner import WORKER_LOST, task_rows

    job = services.start(kind="tests.count", owner=None, params={"n": 2})
    lost = task_rows([job.pk]).get()
    lost.claim("killed-worker")  # the worker took the task row and the job, then was killed
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, attempts=1, heartbeat_at=timezone.now() - timezone.timedelta(hours=1)
    )
    assert drain() == 0  # nothing ready: the lost row stays 运行中 as long as nobody closes it
    assert recover_stale() == 1
    lost.refresh_from_db()
    assert (lost.status, lost.exception_class_path) == (TaskResultStatus.FAILED, WORKER_LOST)
    assert lost.finished_at is not None
    assert drain() == 1  # the job's new row
    job.refresh_from_db()
    assert (job.status, CALLS) == (JobStatus.SUCCEEDED, [2])
    assert not DBTaskResult.objects.running().exists()
    assert sorted(task_rows([job.pk]).values_list("status", flat=True)) == [
        TaskResultStatus.FAILED,
        TaskResultStatus.SUCCESSFUL,
    ]
    assert recover_stale() == 0  # a finished job is left alone, and so are its rows
