"""`bench/generate_scale.py`: the command that builds a scale data set (bench/scale)."""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection


class Command(BaseCommand):
    help = (
        "生成基准测试用的大规模数据（仅 PostgreSQL，COPY 批量写入）：small / city（临沂）/ province（山东）。"
        "数据标记为演示数据（生成），统计表由原始数据重建。见 docs/benchmarks.md。"
    )

    def add_arguments(self, parser):
        from bench.scale import SCALES

        parser.add_argument("scale", choices=sorted(SCALES), help="规模")
        parser.add_argument("--orders", type=int, default=None, help="工单数（默认按规模）")
        parser.add_argument("--seed", type=int, default=2021, help="随机种子")
        parser.add_argument(
            "--open-days", type=int, default=21, help="最近多少天的工单中约一半停在随机环节（默认 21）"
        )
        parser.add_argument("--workers", type=int, default=2, help="模拟工单的进程数（默认 2；1 = 不分进程）")
        parser.add_argument("--report", default="", help="把计数和用时写入该 JSON 文件")
        parser.add_argument(
            "--orders-only", action="store_true", help="只追加工单（区划、小区、房屋已生成时）"
        )

    def handle(self, *args, scale, orders, seed, open_days, workers, orders_only, report, **options):
        from bench.scale import generate

        if connection.vendor != "postgresql":
            raise CommandError("generate_scale 需要 PostgreSQL：请设置 DATABASE_URL=postgres://...")
        result = generate(
            scale=scale,
            orders=orders,
            seed=seed,
            open_days=open_days,
            skip_places=orders_only,
            workers=workers,
            log=self.stdout.write,
        )
        if report:
            import json
            from pathlib import Path

            Path(report).write_text(json.dumps(result, ensure_ascii=False, indent=1, default=str))
