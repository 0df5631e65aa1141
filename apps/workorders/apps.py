from django.apps import AppConfig


class WorkordersConfig(AppConfig):
    name = "apps.workorders"
    label = "workorders"
    verbose_name = "业主吹哨、支部报到（工单）"

    def ready(self):
        from apps.core.audit import register_verbs
        from apps.workorders.choices import VERBS

        register_verbs({**VERBS, "view_pii": "查看诉求人信息（未脱敏）", "deadline_set": "补算期限"})
