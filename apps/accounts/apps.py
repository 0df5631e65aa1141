from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "apps.accounts"
    label = "accounts"
    verbose_name = "用户与角色"

    def ready(self):
        from django.contrib import admin

        from apps.accounts.forms import AdminLoginForm

        admin.site.login_form = AdminLoginForm  # the same lockout message on /admin/login/
