"""Periodic jobs: what is due now, started once per period (`manage.py jobs_schedule`, cron)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from apps.jobs import registry
from apps.jobs.models import FINISHED, Job


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
    JOBS_KEEP_DAYS, and the queue's finished task rows of the same age. A user's own jobs stay
    until the user's result files are no longer needed (deleted by an administrator)."""
    limit = (now or timezone.now()) - timedelta(days=settings.JOBS_KEEP_DAYS)
    old = Job.objects.filter(owner__isnull=True, status__in=FINISHED, finished_at__lt=limit)
    for job in old.exclude(result_file=""):
        job.result_file.delete(save=False)
    deleted, _ = old.delete()
    if settings.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend":
        from django_tasks_db.models import DBTaskResult

        DBTaskResult.objects.finished().filter(finished_at__lt=limit).delete()
    return deleted
