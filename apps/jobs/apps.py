from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules

from apps.core.contributions import Contribution


class JobsConfig(AppConfig):
    """Background jobs (后台任务): imports, reports, e-mail/SMS and the scheduled sweeps run on a
    queue (Django's tasks interface, the `django-tasks` backport), each tracked by a `Job` row
    that the user who started it follows in 我的任务 (progress, result, a Chinese error)."""

    name = "apps.jobs"
    label = "jobs"
    verbose_name = "后台任务"
    contribution = Contribution()

    def ready(self) -> None:
        # Every app's `jobs.py` registers its handlers with @apps.jobs.registry.handler.
        autodiscover_modules("jobs")
