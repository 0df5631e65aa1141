"""Keep each compound's "current" management mode equal to the arrangement in force today, for
arrangements that start or end by date alone. Idempotent; run daily from cron."""

from django.core.management.base import BaseCommand

from apps.programs.services import modes_sync


class Command(BaseCommand):
    help = "按当日有效的服务安排更新小区的管理模式（可重复运行）"

    def handle(self, *args, **options):
        self.stdout.write(f"已更新 {modes_sync()} 个小区的管理模式")
