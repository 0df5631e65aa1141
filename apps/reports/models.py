"""The archive of monthly governance reports (月报): one row per region and month, with the data
it was rendered from and its two files."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from apps.core.models import TimeStampedModel
from apps.core.scoping import Scope
from apps.reports.choices import Trigger


def _upload(instance, filename: str) -> str:
    return f"reports/{instance.region_id}/{instance.month:%Y-%m}/{filename}"


class MonthlyReport(TimeStampedModel):
    """The monthly report of one region for one month, as last generated."""

    region = models.ForeignKey(
        "regions.Region", verbose_name="区划", on_delete=models.PROTECT, related_name="+"
    )
    month = models.DateField("月份", help_text="当月1日")
    data = models.JSONField("报告内容", default=dict, blank=True)
    pdf = models.FileField("PDF", upload_to=_upload, blank=True)
    xlsx = models.FileField("Excel", upload_to=_upload, blank=True)
    pages = models.PositiveSmallIntegerField("页数", default=0)
    trigger = models.CharField("生成方式", max_length=16, choices=Trigger.choices, default=Trigger.DEMAND)
    generated_at = models.DateTimeField("生成时间")
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="生成人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    job_id = models.UUIDField("后台任务", null=True, blank=True)
    seconds = models.DecimalField("用时（秒）", max_digits=8, decimal_places=2, default=0)

    class Meta:
        verbose_name = "月报"
        verbose_name_plural = "月报"
        ordering = ["-month", "region_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "month"],
                name="%(app_label)s_%(class)s_one_per_region_month",
                violation_error_message="该区划本月的月报已存在",
            ),
            models.CheckConstraint(
                condition=Q(month__day=1),
                name="%(app_label)s_%(class)s_month_first_day",
                violation_error_message="月份须为当月1日",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region.name} {self.month:%Y-%m} 月报"

    @property
    def title(self) -> str:
        return str(self)

    @property
    def month_label(self) -> str:
        return f"{self.month:%Y-%m}"

    def get_absolute_url(self) -> str:
        return reverse("report_detail", args=[self.pk])

    @property
    def audit_region_code(self) -> str:
        return self.region_id

    @classmethod
    def scope_q(cls, scope: Scope, via: str = "") -> Q | None:
        """An official sees the reports of their region and of the regions below it; department
        handlers, companies, committees and residents see none."""
        if scope.region_prefix and not scope.department_id:
            return Q(**{f"{via}region__code__startswith": scope.region_prefix})
        return None
