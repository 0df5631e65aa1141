import datetime
import time

from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from apps.core.demo import DEFAULT_SEED, preflight, run
from apps.core.errors import DomainError


class Command(BaseCommand):
    # A data step of `make run`: the system checks (e.g. the missing-holidays warning) are the
    # server's to print, once, not every preparatory command's.
    requires_system_checks = []
    help = (
        "生成临沂、菏泽的演示数据（标记为演示数据）。可重复运行：已生成的步骤跳过，不做任何修改。"
        "演示账号用 manage.py demo_logins 列出。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="随机种子（默认 %(default)s）")
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            default=None,
            help="以哪一天为“今天”生成任期、评定年度等（YYYY-MM-DD，默认今天）",
        )
        parser.add_argument(
            "--port",
            type=int,
            default=None,
            help="结束时列出平台地址（该端口）和各角色演示账号，同 manage.py demo_logins（make run 用）",
        )

    def _log(self, message: str) -> None:
        # Flushed line by line: `make run` (or a pipe into tee) shows progress as it happens.
        self.stdout.write(message)
        self.stdout.flush()

    def handle(self, *args, seed, today, port, **options):
        today = today or timezone.localdate()
        started, cpu = time.monotonic(), time.process_time()
        try:
            preflight()
            results = run(seed=seed, today=today, log=self._log)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        seconds, cpu = time.monotonic() - started, time.process_time() - cpu
        if any(r.status == "ran" for r in results):
            # CPU (user + sys of this process) beside the wall time: on a shared machine the wall
            # time moves with the load, the CPU time much less (bench/first_start.sh reads it).
            self.stdout.write(
                self.style.SUCCESS(f"演示数据生成完成，用时 {seconds:.1f} 秒（CPU {cpu:.1f} 秒）")
            )
        else:
            self.stdout.write(self.style.SUCCESS(f"演示数据已存在，未做任何修改（用时 {seconds:.1f} 秒）"))
        if port is None:
            self.stdout.write("各角色演示账号：manage.py demo_logins")
            return
        # `make run` prints the logins here rather than by a second command: one Django start less
        # (1.6 s of the first start) between the seed and the server. By the command's name, as
        # manage.py finds it: core names no domain app (the accounts app provides demo_logins).
        if "demo_logins" in get_commands():
            call_command("demo_logins", port=port, stdout=self.stdout)
        else:
            self.stdout.write(f"平台地址：http://127.0.0.1:{port}/")
