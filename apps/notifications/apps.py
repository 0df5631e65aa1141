from django.apps import AppConfig

from apps.core.contributions import Contribution
from apps.core.roles import Role


class NotificationsConfig(AppConfig):
    name = "apps.notifications"
    label = "notifications"
    verbose_name = "消息通知"
    contribution = Contribution(
        urls=("inbox/", "apps.notifications.urls"),
        grants={role: {"notifications.view_notification"} for role in Role},
    )
