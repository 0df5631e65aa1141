from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "apps.accounts"
    label = "accounts"
    verbose_name = "用户与角色"

    def ready(self):
        from django.contrib import admin

        from apps.accounts.forms import AdminLoginForm
        from apps.core.audit import register_verbs

        register_verbs({"login_locked": "登录失败过多，已锁定", "password_reset": "管理员重置密码"})

        admin.site.login_form = AdminLoginForm  # the same lockout message on /admin/login/
