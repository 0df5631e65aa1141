"""Periodic jobs: what is due now, started once per period (`manage.py jobs_schedule`, cron)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from apps.jobs import registry
from apps.jobs.models import FINISHED, Job
from apps.jobs.runner import database_queue, task_rows

PRUNE_BATCH = 500  # jobs (and their task rows) deleted per statement


def schedule_key(kind: str, period: str) -> str:
    return f"schedule:{kind}:{period}"


def schedule_due(*, now=None) -> list[Job]:
    """Start every periodic kind whose current period has no job yet; returns the jobs of this
    period (new or already there). Safe to run from several machines at once: the idempotency
    key is unique in the database."""
    from apps.jobs.services import start

    local = timezone.localtime(now or timezone.now())
    jobs = []
    for kind in sorted(registry.kinds().values(), key=lambda k: k.name):
        if kind.schedule is None:
            continue
        period = registry.period_of(kind.schedule, local)
        if period is None:
            continue
        jobs.append(
            start(
                kind=kind.name,
                owner=None,
                title=f"{kind.label}（{period}）",
                idempotency_key=schedule_key(kind.name, period),
                audit=False,
            )
        )
    return jobs


def prune(*, now=None) -> int:
    """Delete finished jobs nobody started (scheduled sweeps, deliveries) older than
    JOBS_KEEP_DAYS with their queue task rows, and, on the database queue, every finished task
    row of that age (a user's job keeps its Job row: 我的任务 shows it) and the rows no task can
    still be running after that long (a killed worker's row whose job was never recovered, e.g.
    cancelled meanwhile). A user's own jobs stay until the user's result files are no longer
    needed (deleted by an administrator). Returns the number of jobs deleted."""
    limit = (now or timezone.now()) - timedelta(days=settings.JOBS_KEEP_DAYS)
    old = Job.objects.filter(owner__isnull=True, status__in=FINISHED, finished_at__lt=limit)
    for job in old.exclude(result_file=""):
        job.result_file.delete(save=False)
    ids = list(old.values_list("pk", flat=True))
    deleted = 0
    for start in range(0, len(ids), PRUNE_BATCH):
        chunk = ids[start : start + PRUNE_BATCH]
        with transaction.atomic():
            if database_queue():
                task_rows(chunk).delete()
            deleted += Job.objects.filter(pk__in=chunk).delete()[1].get(Job._meta.label, 0)
    if database_queue():
        from django_tasks_db.models import DBTaskResult

        DBTaskResult.objects.finished().filter(finished_at__lt=limit).delete()
        DBTaskResult.objects.running().filter(started_at__lt=limit).delete()
    return deleted
