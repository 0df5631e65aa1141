from django.apps import AppConfig

from apps.core.contributions import Contribution


class ApiConfig(AppConfig):
    name = "apps.api"
    label = "api"
    verbose_name = "开放接口"
    # /api/v1/ (the routers every app declares) and /open311/v2/.
    contribution = Contribution(urls=("", "apps.api.urls"))

    def ready(self):
        from apps.core.audit import register_verbs

        register_verbs({"revoke": "吊销"})
