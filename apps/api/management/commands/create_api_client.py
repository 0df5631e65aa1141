from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from apps.api.services import api_client_create
from apps.core.errors import DomainError
from apps.core.roles import Role
from apps.core.services import validation_message


class Command(BaseCommand):
    help = "创建接口客户端并打印其密钥（只打印这一次）。例：create_api_client 12345热线 --role county --scope 371311"

    def add_arguments(self, parser):
        parser.add_argument("name", help="客户端名称，如 临沂12345热线")
        parser.add_argument("--role", required=True, choices=Role.values, help="角色")
        parser.add_argument(
            "--scope",
            required=True,
            help="管辖范围：管理人员为区划代码；物业企业/业委会/职能部门为编号；居民为小区编号或编码",
        )
        parser.add_argument(
            "--days", type=int, default=None, help="有效天数（默认见 API_CLIENT_DEFAULT_DAYS）"
        )

    def handle(self, *args, name, role, scope, days, **options):
        try:
            client, key = api_client_create(actor=None, name=name, role=role, scope_code=scope, days=days)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        except ValidationError as exc:
            raise CommandError(validation_message(exc)) from exc
        self.stderr.write(
            f"已创建接口客户端“{client.name}”（角色：{client.user.get_role_display()}，"
            f"有效期至 {client.expires_at:%Y-%m-%d %H:%M}）。密钥只显示这一次，请妥善保存："
        )
        self.stdout.write(key)
