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
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    name: str
    label: str  # Chinese, shown in 我的任务 when a job has no title of its own
    function: Callable
    max_attempts: int | None  # None: settings.JOBS_MAX_ATTEMPTS


_KINDS: dict[str, Kind] = {}


def handler(name: str, *, label: str, max_attempts: int | None = None):
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
        _KINDS[name] = Kind(name, label, function, max_attempts)
        return function

    return register


def kind(name: str) -> Kind:
    try:
        return _KINDS[name]
    except KeyError:
        raise LookupError(f"unknown job kind {name!r}") from None


def kinds() -> dict[str, Kind]:
    return dict(_KINDS)
