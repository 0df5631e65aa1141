"""The jobs app's own kinds: the queue self-test (系统管理员检查队列与工作进程), pruning, and
Django's session cleanup on the schedule."""

from __future__ import annotations

import time
from datetime import timedelta

from django.core.management import call_command
from django.db import transaction

from apps.core.services import event_record
from apps.jobs.errors import JobError
from apps.jobs.registry import daily, handler

SELFTEST_VERB = "jobs.selftest"


@handler("jobs.selftest", label="任务队列自检")
def selftest(ctx, *, steps: int = 10, step_s: float = 0.5, effect_at: int = 0) -> dict:
    """Counts `steps` steps of `step_s` seconds with progress, and at step `effect_at` records
    one audit event for the job — once, however often the job is run (the idempotent pattern:
    check in the transaction that writes the effect). Ends with a small result file."""
    if not (1 <= steps <= 600) or not (0 <= step_s <= 5):
        raise JobError("自检参数无效：步数应为1至600，每步时长0至5秒")
    from apps.core.models import Event

    for i in range(steps):
        if i == effect_at:
            with transaction.atomic():
                done = Event.objects.filter(verb=SELFTEST_VERB, object_id=str(ctx.job.pk)).exists()
                if not done:
                    event_record(actor=None, verb=SELFTEST_VERB, obj=ctx.job, region_code="")
        time.sleep(step_s)
        ctx.progress(i + 1, steps, f"第 {i + 1}/{steps} 步")
    ctx.save_file("自检结果.txt", f"任务队列自检完成：{steps} 步，第 {ctx.attempt} 次执行。\n".encode())
    return {"steps": steps, "attempt": ctx.attempt}


@handler("jobs.prune", label="清理过期任务记录", schedule=daily(3, 15))
def prune_old(ctx) -> dict:
    from apps.jobs.schedule import prune

    return {"deleted": prune()}


@handler("jobs.clearsessions", label="清理过期登录会话", max_attempts=1, schedule=timedelta(minutes=10))
def clearsessions(ctx) -> dict:
    call_command("clearsessions")
    return {}
