"""Closed decisions whose result is not posted within the statutory days (cron; idempotent)."""

from django.core.management.base import BaseCommand

from apps.voting.sweep import voting_sweep


class Command(BaseCommand):
    help = "提醒逾期未公布的业主表决结果（山东省物业管理条例第三十二条；可重复运行）"

    def handle(self, *args, **options):
        self.stdout.write(str(voting_sweep()))
