"""`manage.py rebuild_rollups --commit`: recompute the work-order rollup tables from the raw rows."""

import time

from django.core.management.base import BaseCommand
from django.db import transaction

from apps.workorders.rollups import rollup_snapshot, rollups_rebuild


class Command(BaseCommand):
    help = "由工单原始记录重算统计汇总表；不加 --commit 时只比较、不写入"

    def add_arguments(self, parser):
        parser.add_argument("--commit", action="store_true", help="写入重算结果（默认只报告差异）")

    def handle(self, *args, commit=False, **options):
        started = time.monotonic()
        before = rollup_snapshot()
        with transaction.atomic():
            rollups_rebuild(log=self.stdout.write)
            after = rollup_snapshot()
            if not commit:
                transaction.set_rollback(True)
        differ = sum(
            1
            for table in before
            for key in set(before[table]) | set(after[table])
            if before[table].get(key) != after[table].get(key)
        )
        verb = "已重算" if commit else "试算（未写入）"
        self.stdout.write(
            f"{verb}：{differ} 个统计单元与现有汇总不同（用时 {time.monotonic() - started:.1f} 秒）"
        )
