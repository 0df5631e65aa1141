import uuid

from django.conf import settings
from django.db import models


class JobStatus(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "进行中"
    SUCCEEDED = "succeeded", "已完成"
    FAILED = "failed", "失败"
    CANCELLED = "cancelled", "已取消"


FINISHED = (JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED)


class Job(models.Model):
    """One piece of background work as its user sees it (我的任务): what, whose, how far, the
    outcome. The queue backend (database or Redis) only carries the job's id; everything the
    user and the administrator need lives here, whichever backend ran it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField("任务类型", max_length=64, db_index=True)
    title = models.CharField("任务", max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发起人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="jobs",
    )
    params = models.JSONField("参数", default=dict, blank=True)
    # The same key twice returns the first job instead of starting a second one (a double click,
    # the scheduler firing twice for one month).
    idempotency_key = models.CharField("幂等键", max_length=200, null=True, blank=True, unique=True)
    status = models.CharField(
        "状态", max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED, db_index=True
    )
    attempts = models.PositiveSmallIntegerField("已尝试次数", default=0)
    max_attempts = models.PositiveSmallIntegerField("最多尝试次数", default=3)
    run_after = models.DateTimeField("最早执行时间", null=True, blank=True)
    progress_done = models.BigIntegerField("已完成", default=0)
    progress_total = models.BigIntegerField("总量", null=True, blank=True)
    progress_note = models.CharField("进度说明", max_length=200, blank=True)
    result = models.JSONField("结果", null=True, blank=True)
    result_file = models.FileField("结果文件", upload_to="jobs/%Y/%m/", blank=True)
    error = models.TextField("失败原因", blank=True)  # Chinese, shown to the user
    error_detail = models.TextField("错误详情", blank=True)  # traceback, administrators only
    created_at = models.DateTimeField("创建时间", auto_now_add=True, db_index=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    heartbeat_at = models.DateTimeField("最近心跳", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)

    class Meta:
        verbose_name = "后台任务"
        verbose_name_plural = "后台任务"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["owner", "-created_at"], name="jobs_owner_recent")]

    def __str__(self) -> str:
        return f"{self.title}（{self.get_status_display()}）"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("job_detail", args=[self.pk])

    @classmethod
    def scope_q(cls, scope, via: str = ""):
        # Jobs are personal: a user sees the jobs they started (a superuser's scope is everything).
        return models.Q(**{f"{via}owner_id": scope.user_id}) if scope.user_id else None

    @property
    def active(self) -> bool:
        return self.status in (JobStatus.QUEUED, JobStatus.RUNNING)

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    @property
    def percent(self) -> int | None:
        if not self.progress_total:
            return 100 if self.status == JobStatus.SUCCEEDED else None
        return min(100, int(self.progress_done * 100 // self.progress_total))
