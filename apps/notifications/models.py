from django.conf import settings
from django.db import models
from django.utils import timezone

from apps.core.scoping import Scope
from apps.core.sql import written_fast


@written_fast
class Notification(models.Model):
    """One message in a user's in-app inbox (站内消息)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="接收人",
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField("类别", max_length=64, help_text="如 workorder.dispatch")
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    link = models.CharField("链接", max_length=300, blank=True)
    created_at = models.DateTimeField("时间", default=timezone.now)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        verbose_name = "站内消息"
        verbose_name_plural = "站内消息"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notif_recipient_idx"),
            models.Index(
                fields=["recipient"], condition=models.Q(read_at__isnull=True), name="notif_unread_idx"
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @classmethod
    def scope_q(cls, scope: Scope, via: str = ""):
        # An inbox is personal: even a city official sees only their own messages.
        return models.Q(**{f"{via}recipient_id": scope.user_id}) if scope.user_id else None
