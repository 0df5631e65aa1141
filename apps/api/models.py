from django.conf import settings
from django.db import models

from apps.core.models import TimeStampedModel


class ApiClient(TimeStampedModel):
    """A machine client of the open API: a hashed key that acts as one service user (role + scope)."""

    name = models.CharField(
        "名称", max_length=100, unique=True, error_messages={"unique": "已有同名的接口客户端"}
    )
    # The key is shown once at creation; only its first characters (to find the row) and its
    # SHA-256 digest are kept. Keys are 40 random characters, so a fast digest is enough.
    key_prefix = models.CharField("密钥前缀", max_length=8, unique=True, editable=False)
    key_hash = models.CharField("密钥摘要", max_length=64, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="服务账号",
        on_delete=models.PROTECT,
        related_name="api_client",
        help_text="接口客户端以此账号的角色和管辖范围访问数据",
    )
    expires_at = models.DateTimeField("有效期至", null=True, blank=True)
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)
    last_used_at = models.DateTimeField("最近使用时间", null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = "接口客户端"
        verbose_name_plural = "接口客户端"
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def audit_region_code(self) -> str:
        return self.user.region_id or "" if self.user_id else ""

    def state(self, now) -> str:
        """'revoked', 'expired' or 'active' at a moment."""
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= now:
            return "expired"
        return "active"
