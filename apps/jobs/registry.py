"""Job kinds: a handler per kind, registered from each app's `jobs.py` module.

    from apps.jobs.registry import handler

    @handler("imports.validate", label="导入校验")
    def validate(ctx: JobContext, *, upload_id: int) -> dict:
        for i, row in enumerate(rows):
            ...
            ctx.progress(i + 1, total)
        return {"rows": total}          # JSON, kept on the Job as `result`

A handler must be idempotent: a job is run again after a failure or when its worker was killed,
so it either writes its effect in one transaction at the end or checks what is already done.
Raise `JobError("中文原因")` for a failure the user can act on (no retry); any other exception is
retried with backoff up to the job's `max_attempts`, then shown as failed.

A periodic kind names its `schedule` (a timedelta, or `daily(6, 30)`, or any function of the local
time giving the period's key or None); `manage.py jobs_schedule` (cron) starts one job per period,
keyed `schedule:<kind>:<period>`, so cron firing twice runs it once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

# A schedule says which period `now` (aware, local time) falls in, as a string that becomes the
# job's idempotency key — or None when the job is not due yet (before a daily hour). A timedelta
# means "once per interval" (periods counted from midnight local time).
Schedule = timedelta | Callable[[datetime], str | None]


@dataclass(frozen=True)
class Kind:
    name: str
    label: str  # Chinese, shown in 我的任务 when a job has no title of its own
    function: Callable
    max_attempts: int | None  # None: settings.JOBS_MAX_ATTEMPTS
    schedule: Schedule | None = None  # periodic: `manage.py jobs_schedule` enqueues it when due


_KINDS: dict[str, Kind] = {}


def handler(name: str, *, label: str, max_attempts: int | None = None, schedule: Schedule | None = None):
    def register(function: Callable) -> Callable:
        existing = _KINDS.get(name)
        if existing is not None and existing.function is not function:
            # the same module imported twice registers the same function again; two functions
            # under one name is a programming error
            if (existing.function.__module__, existing.function.__qualname__) != (
                function.__module__,
                function.__qualname__,
            ):
                raise ValueError(f"job kind {name!r} registered twice")
        _KINDS[name] = Kind(name, label, function, max_attempts, schedule)
        return function

    return register


def kind(name: str) -> Kind:
    try:
        return _KINDS[name]
    except KeyError:
        raise LookupError(f"unknown job kind {name!r}") from None


def kinds() -> dict[str, Kind]:
    return dict(_KINDS)


def daily(hour: int, minute: int = 0) -> Callable[[datetime], str | None]:
    """A schedule: once a day, from hour:minute local time on (a missed run is caught up later
    that day)."""

    def period(now: datetime) -> str | None:
        if (now.hour, now.minute) < (hour, minute):
            return None
        return now.date().isoformat()

    return period


def period_of(schedule: Schedule, now: datetime) -> str | None:
    """The period key of `now` under a schedule (None: not due)."""
    if isinstance(schedule, timedelta):
        midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
        step = max(1, int(schedule.total_seconds()))
        start = midnight + timedelta(seconds=(int((now - midnight).total_seconds()) // step) * step)
        return start.strftime("%Y-%m-%dT%H:%M")
    return schedule(now)
