"""Lift a login lockout before it ends: `manage.py unlock_login <username> [--ip 1.2.3.4]`."""

from django.core.management.base import BaseCommand

from apps.accounts import lockout


class Command(BaseCommand):
    help = "解除账号（及可选的地址）的登录锁定"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--ip", default="", help="同时解除该地址的锁定")

    def handle(self, *args, username, ip, **options):
        lockout.unlock(username, ip)
        self.stdout.write(f"已解除 {username}{'、' + ip if ip else ''} 的登录锁定。")
