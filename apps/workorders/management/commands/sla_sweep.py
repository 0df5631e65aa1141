"""Cron every minute: `manage.py sla_sweep`. Idempotent; several copies may run at once."""

import time

from django.core.management.base import BaseCommand

from apps.workorders.sweep import sla_sweep


class Command(BaseCommand):
    help = (
        "工单时限巡检：亮黄牌/红牌、按规则自动升级督办、补算日历缺失的期限、发送提醒（可每分钟运行，可并发）"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch", type=int, default=None, help="每个事务处理的工单数（默认 WORKORDER_SWEEP_BATCH）"
        )

    def handle(self, *args, batch=None, **options):
        started = time.monotonic()
        report = sla_sweep(batch=batch)
        self.stdout.write(f"{report}（用时 {time.monotonic() - started:.2f} 秒）")
