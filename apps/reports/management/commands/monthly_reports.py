"""`manage.py monthly_reports --due` queues last month's report of every city, county and street
from the first working day of the month on (once per region and month, whatever the number of
calls); `--region CODE --month YYYY-MM` generates one report now, in this process."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from apps.core.errors import DomainError
from apps.regions.models import Region
from apps.reports import services
from apps.reports.choices import Trigger


class Command(BaseCommand):
    help = "物业治理月报：--due 按计划排队生成上月月报；--region/--month 立即生成一份"

    def add_arguments(self, parser):
        parser.add_argument("--due", action="store_true", help="排队生成到期的月报（每月第一个工作日起）")
        parser.add_argument("--region", help="区划代码")
        parser.add_argument("--month", help="月份 YYYY-MM")

    def handle(self, *args, **options):
        if options["due"]:
            jobs = services.due_monthly_reports(timezone.localdate())
            self.stdout.write(f"已排队或已存在的月报任务：{len(jobs)} 个")
            return
        if not (options["region"] and options["month"]):
            raise CommandError("请使用 --due，或同时给出 --region 和 --month")
        region = Region.objects.filter(code=options["region"]).first()
        if region is None:
            raise CommandError(f"区划 {options['region']} 不存在")
        try:
            month = services.month_from_text(options["month"], today=timezone.localdate())
            report = services.monthly_report_generate(
                region=region, month=month, actor=None, trigger=Trigger.SCHEDULE
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"{report}：{report.pages} 页，用时 {report.seconds} 秒")
