from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules

from apps.core.contributions import Contribution, NavItem


class JobsConfig(AppConfig):
    """Background jobs (后台任务): imports, reports, e-mail/SMS and the scheduled sweeps run on a
    queue (Django's tasks interface, the `django-tasks` backport), each tracked by a `Job` row
    that the user who started it follows in 我的任务 (progress, result, a Chinese error)."""

    name = "apps.jobs"
    label = "jobs"
    verbose_name = "后台任务"
    contribution = Contribution(
        urls=("jobs/", "apps.jobs.urls"),
        # every signed-in user: the jobs they started (imports, reports)
        nav=(NavItem("我的任务", "job_list", None, order=990, group="设置"),),
        audit_verbs={
            "start": "发起后台任务",
            "cancel": "取消后台任务",
            "requeue": "重新执行后台任务",
            "selftest": "任务队列自检",
        },
    )

    def ready(self) -> None:
        # Every app's `jobs.py` registers its handlers with @apps.jobs.registry.handler.
        autodiscover_modules("jobs")
