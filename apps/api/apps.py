from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "apps.api"
    label = "api"
    verbose_name = "开放接口"

    def ready(self):
        from apps.core.audit import register_verbs

        register_verbs({"revoke": "吊销"})
