"""Cards of sub-items and decisions, escalation of overdue decisions (cron; idempotent)."""

from django.core.management.base import BaseCommand

from apps.campaigns.sweep import campaigns_sweep


class Command(BaseCommand):
    help = "民生项目子项目与议定事项的黄牌、红牌及逾期督办（可重复运行）"

    def handle(self, *args, **options):
        report = campaigns_sweep()
        self.stdout.write(str(report))
