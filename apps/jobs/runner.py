"""Running a job: claim it (compare-and-set 排队中 → 进行中), call its handler with a context,
record the outcome. A failure the user can act on (`JobError`) ends the job at once; anything else
is retried with exponential backoff until `max_attempts`, then shown as failed with a Chinese
message (the traceback is kept for administrators). A worker killed mid-job leaves the job
进行中 with a heartbeat that stops; `recover_stale()` (run by the worker on start and by the
scheduler) puts such jobs back in the queue, so they run again — handlers are idempotent."""

from __future__ import annotations

import logging
import threading
import time
import traceback
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone

from apps.jobs import registry
from apps.jobs.errors import JobError
from apps.jobs.models import Job, JobStatus

log = logging.getLogger(__name__)


class JobCancelled(Exception):
    """Raised inside a handler (by `ctx.progress`) when the user cancelled the job."""


class JobContext:
    """What a handler gets: its Job, progress reporting, a place for its result file."""

    PROGRESS_EVERY_S = 0.5  # at most two progress writes a second; the last one always

    def __init__(self, job: Job):
        self.job = job
        self._last_write = 0.0

    @property
    def attempt(self) -> int:
        return self.job.attempts

    def progress(self, done: int, total: int | None = None, note: str = "") -> None:
        """Record how far the job is. Cheap to call per row: writes are throttled. Raises
        JobCancelled when the user cancelled the job meanwhile.

        Progress is written outside any transaction the handler holds only if the handler is not
        inside one: a phase that runs in one transaction (an all-or-nothing commit) should report
        its note before entering it."""
        now = time.monotonic()
        if total is not None and done < total and now - self._last_write < self.PROGRESS_EVERY_S:
            return
        self._last_write = now
        fields = {"progress_done": done, "heartbeat_at": timezone.now()}
        if total is not None:
            fields["progress_total"] = total
        if note:
            fields["progress_note"] = note[:200]
        if not Job.objects.filter(pk=self.job.pk, status=JobStatus.RUNNING).update(**fields):
            raise JobCancelled()
        for name, value in fields.items():
            setattr(self.job, name, value)

    def save_file(self, name: str, content: bytes) -> str:
        """Keep a file as the job's result (a report, an annotated workbook); returns its name."""
        self.job.result_file.save(name, ContentFile(content), save=False)
        Job.objects.filter(pk=self.job.pk).update(result_file=self.job.result_file.name)
        return self.job.result_file.name


def backoff(attempt: int) -> timedelta:
    """Delay before attempt `attempt + 1`: JOBS_RETRY_BASE_S · 4^(attempt−1), capped at an hour."""
    base = settings.JOBS_RETRY_BASE_S
    return timedelta(seconds=min(3600, base * 4 ** max(0, attempt - 1)))


def _task():
    from apps.jobs.tasks import execute

    return execute


def enqueue(job: Job) -> None:
    """Hand the job's id to the configured queue backend."""
    task = _task()
    if job.run_after and job.run_after > timezone.now() and task.get_backend().supports_defer:
        task = task.using(run_after=job.run_after)
    task.enqueue(str(job.pk))


class Heartbeat(threading.Thread):
    """Writes the running job's heartbeat every JOBS_HEARTBEAT_S from its own thread (its own
    database connection), so a handler that reports no progress for a while — or holds one long
    transaction — is not taken for dead by `recover_stale()`. It stops when the handler returns;
    a killed worker takes it down too, which is what lets the job be recovered."""

    def __init__(self, job_id, interval: float):
        super().__init__(name=f"job-heartbeat-{job_id}", daemon=True)
        self.job_id = job_id
        self.interval = interval
        self.stopped = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopped.wait(self.interval):
                try:
                    Job.objects.filter(pk=self.job_id, status=JobStatus.RUNNING).update(
                        heartbeat_at=timezone.now()
                    )
                except Exception:  # a locked SQLite file, a lost connection: try again next beat
                    log.warning("heartbeat of job %s not written", self.job_id, exc_info=True)
        finally:
            connection.close()

    def stop(self) -> None:
        self.stopped.set()


def _finish(job: Job, status: str, **fields) -> bool:
    return bool(
        Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(
            status=status, finished_at=timezone.now(), **fields
        )
    )


def run(job_id: str) -> None:
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING,
        attempts=F("attempts") + 1,
        started_at=now,
        heartbeat_at=now,
        run_after=None,
    )
    if not claimed:
        return  # finished, cancelled, or another worker holds it
    job = Job.objects.get(pk=job_id)
    try:
        kind = registry.kind(job.kind)
    except LookupError:
        _finish(job, JobStatus.FAILED, error=f"未知的任务类型：{job.kind}")
        return
    ctx = JobContext(job)
    heartbeat = Heartbeat(job.pk, settings.JOBS_HEARTBEAT_S)
    heartbeat.start()
    try:
        result = kind.function(ctx, **job.params)
    except JobCancelled:
        return
    except JobError as exc:
        _finish(job, JobStatus.FAILED, error=exc.message)
    except Exception:
        detail = traceback.format_exc()
        log.exception("job %s (%s) failed on attempt %s", job.pk, job.kind, job.attempts)
        if job.attempts < job.max_attempts:
            run_after = timezone.now() + backoff(job.attempts)
            if Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(
                status=JobStatus.QUEUED, run_after=run_after, error_detail=detail
            ):
                job.run_after = run_after
                enqueue(job)
        else:
            _finish(
                job,
                JobStatus.FAILED,
                error=f"任务执行出错，已尝试 {job.attempts} 次仍未成功，请联系系统管理员。",
                error_detail=detail,
            )
    else:
        _finish(
            job,
            JobStatus.SUCCEEDED,
            result=result,
            progress_done=Coalesce(F("progress_total"), F("progress_done")),
        )
    finally:
        heartbeat.stop()


def database_queue() -> bool:
    """Whether the queue is django-tasks' database backend (its task rows live beside the jobs)."""
    return settings.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"


def task_rows(job_ids):
    """The database backend's task rows (DBTaskResult) carrying these jobs' ids: the queue knows
    a job only as the one argument of `apps.jobs.tasks.execute`."""
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(args_kwargs__args__0__in=[str(pk) for pk in job_ids])


WORKER_LOST = "apps.jobs.runner.WorkerLost"


def _close_lost_task_rows(job_id) -> int:
    """A killed worker leaves its task row 运行中 for ever (django-tasks marks it only when the
    task returns). Once its job is recovered that row is over: mark it failed, so the queue's
    admin shows the truth and `prune()` deletes it with the other finished rows."""
    if not database_queue():
        return 0  # RQ moves an abandoned job to its failed registry itself
    from django_tasks_db.compat import TaskResultStatus

    return (
        task_rows([job_id])
        .filter(status=TaskResultStatus.RUNNING)
        .update(
            status=TaskResultStatus.FAILED,
            finished_at=timezone.now(),
            exception_class_path=WORKER_LOST,
            traceback="工作进程中断（心跳停止），任务已重新排队。\n",
            return_value=None,
        )
    )


def recover_stale(*, older_than: timedelta | None = None) -> int:
    """Jobs left 进行中 by a worker that died (no heartbeat for JOBS_STALE_S) go back to the
    queue, and the dead worker's task row is closed as failed; returns how many jobs."""
    limit = timezone.now() - (older_than or timedelta(seconds=settings.JOBS_STALE_S))
    stale = list(
        Job.objects.filter(status=JobStatus.RUNNING, heartbeat_at__lt=limit).values_list("pk", flat=True)
    )
    count = 0
    for pk in stale:
        if Job.objects.filter(pk=pk, status=JobStatus.RUNNING, heartbeat_at__lt=limit).update(
            status=JobStatus.QUEUED
        ):
            _close_lost_task_rows(pk)  # before the new row exists: only the dead worker's is running
            enqueue(Job.objects.get(pk=pk))
            count += 1
    return count
