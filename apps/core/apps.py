from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "apps.core"
    label = "core"
    verbose_name = "平台基础"

    def ready(self):
        from django.db.models.signals import post_migrate

        from apps.core import checks  # noqa: F401  (registers the system checks)
        from apps.core.audit import register_verbs
        from apps.core.contributions import audit_verbs
        from apps.core.roles import sync_role_groups_after_migrate

        register_verbs({"seed": "生成演示数据", **audit_verbs()})

        # Role groups and their permissions are configuration, declared by each app (contribution.grants)
        # and synced after every migrate so that a fresh database is usable at once.
        post_migrate.connect(sync_role_groups_after_migrate, dispatch_uid="core.sync_role_groups")

        # full_clean() checks the project's CheckConstraints in Python where that is exact, and
        # foreign keys with a prepared statement, not a query built per row (apps/core/fastclean.py).
        from django.apps import apps

        from apps.core import fastclean

        fastclean.install(m for m in apps.get_models() if m.__module__.startswith("apps."))
