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


@written_fast
class Delivery(models.Model):
    """One e-mail or SMS of a notification, sent by a background job (`notifications.deliver`).
    Written in the transaction of the inbox rows with no job; a delivery job claims the unclaimed
    rows (sets `job`) and sends them. `sent_at` is set as each is sent, so a job that runs again
    (a retry, a worker killed) sends only what is still unsent."""

    class Channel(models.TextChoices):
        EMAIL = "email", "电子邮件"
        SMS = "sms", "短信"

    pii_fields = {"phone": "mobile"}  # apps/core/pii.py

    job = models.ForeignKey(
        "jobs.Job", verbose_name="发送任务", on_delete=models.CASCADE, related_name="+", null=True, blank=True
    )
    channel = models.CharField("渠道", max_length=8, choices=Channel.choices)
    email = models.EmailField("邮箱", blank=True)
    phone = models.CharField("手机号", max_length=20, blank=True)
    subject = models.CharField("主题", max_length=250, blank=True)
    text = models.TextField("内容")
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)

    class Meta:
        verbose_name = "邮件短信发送"
        verbose_name_plural = "邮件短信发送"
        indexes = [models.Index(fields=["job", "sent_at"], name="notif_delivery_job_idx")]

    def __str__(self):
        return f"{self.get_channel_display()}：{self.subject or self.text[:30]}"
