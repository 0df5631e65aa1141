"""`manage.py vote_tally FILE`: the what-if calculator for a paper count (issue 14, item 5).

FILE is JSON {"matter": 1..9, "units": [["unit", "owner", "area"], ...], "developer": name|null,
"ballots": {"owner": "yes"|"no"|"abstain"}}; the answer is JSON with every ratio as "p/q". It
calls the same `apps.voting.tally` functions as the web tally. Writes nothing.
"""

import json
import sys
from decimal import Decimal
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from apps.voting.tally import TallyError, tally_document


class Command(BaseCommand):
    help = "按民法典第二百七十八条试算一份表决结果（JSON 文件，分数精确计算）"
    requires_system_checks: list = []  # a calculator: no database, and stdout stays pure JSON

    def add_arguments(self, parser):
        parser.add_argument("file", help="JSON 文件路径；“-”表示标准输入")

    def handle(self, *args, **options):
        name = options["file"]
        try:
            text = sys.stdin.read() if name == "-" else Path(name).read_text(encoding="utf-8")
        except FileNotFoundError:
            raise CommandError(f"找不到文件：{name}") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"无法读取文件 {name}：{exc}") from None
        try:
            # Decimals, not floats: 89.5 in the file is read as the exact 89.5.
            data = json.loads(text, parse_float=Decimal)
        except json.JSONDecodeError as exc:
            raise CommandError(f"文件不是有效的JSON（第{exc.lineno}行第{exc.colno}列）") from None
        try:
            result = tally_document(data)
        except TallyError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
