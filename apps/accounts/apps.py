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
        audit_verbs={"login_locked": "登录失败过多，已锁定", "password_reset": "管理员重置密码"},
    )

    def ready(self):
        from django.contrib import admin

        from apps.accounts.forms import AdminLoginForm

        admin.site.login_form = AdminLoginForm  # the same lockout message on /admin/login/
