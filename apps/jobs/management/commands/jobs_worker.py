"""`manage.py jobs_worker`: a background-job worker for the configured backend (docs/jobs.md).

Before it takes the first task, and every JOBS_RECOVER_EVERY_S while it runs, it puts the jobs
of workers that died (进行中 without a heartbeat for JOBS_STALE_S) back in the queue. With
`--schedule` it also starts the periodic jobs that are due, once a minute (for `make run` and
single-machine installs without cron; several schedulers at once are harmless)."""

from __future__ import annotations

import logging
import threading

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from apps.jobs.runner import recover_stale

log = logging.getLogger("apps.jobs")


def _housekeeping(stop: threading.Event, schedule: bool) -> None:
    from apps.jobs.schedule import schedule_due

    ticks = 0
    every = max(1, settings.JOBS_RECOVER_EVERY_S)
    while not stop.wait(1):
        ticks += 1
        try:
            if ticks % every == 0:
                recover_stale()
            if schedule and ticks % 60 == 0:
                schedule_due()
        except Exception:  # the database restarting: try again on the next tick
            log.exception("jobs housekeeping failed")
        finally:
            connection.close()


class Command(BaseCommand):
    help = "后台任务工作进程：恢复中断的任务后执行队列中的任务（数据库队列或 Redis/RQ）"

    def add_arguments(self, parser):
        parser.add_argument("--schedule", action="store_true", help="同时每分钟启动到期的定时任务")
        parser.add_argument(
            "--interval", type=float, default=1.0, help="队列为空时的轮询间隔（秒，数据库队列）"
        )
        parser.add_argument("--burst", action="store_true", help="执行完队列中现有任务后退出")

    def handle(self, *args, schedule=False, interval=1.0, burst=False, verbosity=1, **options):
        recovered = recover_stale()
        if recovered:
            self.stdout.write(f"已恢复 {recovered} 个中断的任务")
        if schedule:
            from apps.jobs.schedule import schedule_due

            schedule_due()
        connection.close()
        stop = threading.Event()
        if not burst:
            threading.Thread(target=_housekeeping, args=(stop, schedule), daemon=True).start()
        backend = settings.TASKS["default"]["BACKEND"]
        try:
            if backend == "django_tasks_db.DatabaseBackend":
                call_command(
                    "db_worker",
                    queue_name="*",
                    interval=interval,
                    batch=burst,
                    reload=False,
                    startup_delay=False,
                    verbosity=verbosity,
                )
            elif backend == "django_tasks_rq.RQBackend":
                call_command(
                    "rqworker",
                    *settings.TASKS["default"].get("QUEUES", ["default"]),
                    job_class="django_tasks_rq.backend.Job",
                    with_scheduler=True,  # retries are deferred jobs: RQ's scheduler enqueues them
                    burst=burst,
                    verbosity=verbosity,
                )
            else:
                raise CommandError(f"JOBS_BACKEND={settings.JOBS_BACKEND} 不需要工作进程（任务在请求中执行）")
        finally:
            stop.set()
