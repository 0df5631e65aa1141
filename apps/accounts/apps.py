from django.apps import AppConfig

from apps.core.contributions import Contribution, DemoStep


class AccountsConfig(AppConfig):
    name = "apps.accounts"
    label = "accounts"
    verbose_name = "用户与角色"
    contribution = Contribution(
        demo=DemoStep(
            "apps.accounts.demo",
            "演示账号：每个角色一个",
            order=50,
            preflight="apps.accounts.demo:check_demo_password",
        ),
    )
