"""Starting and cancelling background jobs — the one write path for Job rows."""

from __future__ import annotations

import json

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.core.errors import ConflictError, DomainError, ForbiddenError
from apps.core.services import event_record
from apps.jobs import registry
from apps.jobs.models import Job, JobStatus
from apps.jobs.runner import enqueue


def start(
    *,
    kind: str,
    owner,
    title: str = "",
    params: dict | None = None,
    idempotency_key: str | None = None,
    max_attempts: int | None = None,
    audit: bool = True,
) -> Job:
    """Queue a job of a registered kind; it is handed to the queue when the caller's transaction
    commits. With an `idempotency_key` already used, the existing job is returned. `audit=False`
    for the platform's own jobs (scheduled sweeps, e-mail/SMS delivery), which would otherwise
    write an audit row per minute or per message."""
    spec = registry.kind(kind)
    params = params or {}
    try:
        json.dumps(params)
    except TypeError as exc:
        raise DomainError("任务参数必须是 JSON 可表示的值") from exc
    if idempotency_key:
        existing = Job.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
    try:
        with transaction.atomic():
            job = Job.objects.create(
                kind=kind,
                title=(title or spec.label)[:200],
                owner=owner if getattr(owner, "pk", None) else None,
                params=params,
                idempotency_key=idempotency_key or None,
                max_attempts=max_attempts or spec.max_attempts or settings.JOBS_MAX_ATTEMPTS,
            )
            if audit:
                event_record(actor=owner, verb="jobs.start", obj=job, note=job.title, region_code="")
    except IntegrityError:
        if idempotency_key:
            return Job.objects.get(idempotency_key=idempotency_key)
        raise
    transaction.on_commit(lambda: enqueue(job))
    return job


def cancel(*, job: Job, actor) -> None:
    """The owner (or an administrator) stops a job that has not finished."""
    if not (actor.is_superuser or job.owner_id == actor.pk):
        raise ForbiddenError("只能取消自己发起的任务")
    with transaction.atomic():
        updated = Job.objects.filter(pk=job.pk, status__in=[JobStatus.QUEUED, JobStatus.RUNNING]).update(
            status=JobStatus.CANCELLED, finished_at=timezone.now()
        )
        if not updated:
            raise ConflictError("任务已结束，无法取消")
        event_record(actor=actor, verb="jobs.cancel", obj=job, region_code="")


def requeue(*, job: Job, actor) -> Job:
    """An administrator runs a failed (or cancelled) job again from its first attempt."""
    if not actor.is_superuser:
        raise ForbiddenError("只有系统管理员可以重新执行任务")
    with transaction.atomic():
        updated = Job.objects.filter(pk=job.pk, status__in=[JobStatus.FAILED, JobStatus.CANCELLED]).update(
            status=JobStatus.QUEUED,
            attempts=0,
            run_after=None,
            error="",
            started_at=None,
            finished_at=None,
            heartbeat_at=None,
            progress_done=0,
        )
        if not updated:
            raise ConflictError("只有失败或已取消的任务可以重新执行")
        event_record(actor=actor, verb="jobs.requeue", obj=job, region_code="")
    job.refresh_from_db()
    transaction.on_commit(lambda: enqueue(job))
    return job
