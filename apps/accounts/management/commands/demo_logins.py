from django.core.management.base import BaseCommand

from apps.accounts.demo import demo_login_lines


class Command(BaseCommand):
    # A data step of `make run`: the system checks (e.g. the missing-holidays warning) are the
    # server's to print, once, not every preparatory command's.
    requires_system_checks = []
    help = "列出每个角色的演示账号（由 seed_demo 生成）及平台地址。"

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000, help="开发服务器端口（默认 %(default)s）")

    def handle(self, *args, port, **options):
        self.stdout.write(f"平台地址：http://127.0.0.1:{port}/")
        for line in demo_login_lines():
            self.stdout.write(line)
