from django.apps import AppConfig


class WorkdaysConfig(AppConfig):
    name = "apps.workdays"
    label = "workdays"
    verbose_name = "工作日历"

    def ready(self):
        from apps.workdays import checks  # noqa: F401 — registers the calendar-coverage check
