"""`manage.py jobs_schedule`: start the periodic jobs that are due (cron, every minute).

Each job has the idempotency key `schedule:<kind>:<period>`, so cron firing twice — or on two
machines — starts a sweep once per period. Also puts the jobs of dead workers back in the queue.
The jobs run on the workers (`manage.py jobs_worker`); with `--run` they run here instead (no
worker, e.g. a one-off from a shell)."""

from django.core.management.base import BaseCommand

from apps.jobs.runner import recover_stale
from apps.jobs.schedule import schedule_due


class Command(BaseCommand):
    help = "启动到期的定时任务（每个周期一次，可重复运行、可多机并发），并恢复中断的任务"

    def add_arguments(self, parser):
        parser.add_argument("--run", action="store_true", help="在本进程中立即执行到期的任务")

    def handle(self, *args, run=False, **options):
        recovered = recover_stale()
        jobs = schedule_due()
        fresh = [j for j in jobs if j.attempts == 0 and j.status == "queued"]
        if run:
            from apps.jobs.runner import run as run_job

            for job in fresh:
                run_job(str(job.pk))
        if recovered:
            self.stdout.write(f"已恢复 {recovered} 个中断的任务")
        self.stdout.write(f"到期定时任务 {len(jobs)} 个，其中待执行 {len(fresh)} 个")
        for job in jobs:
            job.refresh_from_db()
            self.stdout.write(f"  {job.kind}  {job.idempotency_key}  {job.get_status_display()}")
