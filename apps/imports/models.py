import uuid

from django.conf import settings
from django.db import models

from apps.imports.storage import private_storage


class BatchStatus(models.TextChoices):
    UPLOADED = "uploaded", "待校验"
    VALIDATING = "validating", "校验中"
    INVALID = "invalid", "有错误"
    VALID = "valid", "可导入"
    COMMITTING = "committing", "导入中"
    COMMITTED = "committed", "已导入"
    FAILED = "failed", "导入失败"


class ImportBatch(models.Model):
    """One uploaded workbook of one ledger: its validation result and whether it was committed."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ledger = models.CharField("台账", max_length=40, db_index=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="上传人",
        on_delete=models.CASCADE,
        related_name="import_batches",
    )
    original_name = models.CharField("文件名", max_length=200)
    file = models.FileField("上传文件", storage=private_storage, upload_to="uploads/%Y/%m/", blank=True)
    size = models.BigIntegerField("文件大小", default=0)
    status = models.CharField(
        "状态", max_length=16, choices=BatchStatus.choices, default=BatchStatus.UPLOADED, db_index=True
    )
    rows_total = models.PositiveIntegerField("数据行", default=0)
    to_create = models.PositiveIntegerField("将新增", default=0)
    to_update = models.PositiveIntegerField("将更新", default=0)
    unchanged = models.PositiveIntegerField("无变化", default=0)
    problem_count = models.PositiveIntegerField("问题数", default=0)
    error = models.TextField("失败原因", blank=True)
    marked_file = models.FileField(
        "标注错误的工作簿", storage=private_storage, upload_to="marked/%Y/%m/", blank=True
    )
    validate_job = models.ForeignKey(
        "jobs.Job",
        verbose_name="校验任务",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    commit_job = models.ForeignKey(
        "jobs.Job",
        verbose_name="导入任务",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("上传时间", auto_now_add=True, db_index=True)
    validated_at = models.DateTimeField("校验完成", null=True, blank=True)
    committed_at = models.DateTimeField("导入时间", null=True, blank=True)

    class Meta:
        verbose_name = "导入批次"
        verbose_name_plural = "导入批次"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.original_name}（{self.get_status_display()}）"

    @property
    def audit_region_code(self) -> str:
        return ""


class ImportProblem(models.Model):
    """One problem of an uploaded workbook: row, column, the cell's value and a Chinese message."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="problems")
    row = models.PositiveIntegerField("行号")  # the worksheet's row number (the header is row 1)
    column = models.CharField("列", max_length=60, blank=True)  # the header; "" = the whole row/file
    value = models.CharField("单元格内容", max_length=200, blank=True)
    message = models.CharField("问题", max_length=400)

    class Meta:
        verbose_name = "导入问题"
        verbose_name_plural = "导入问题"
        ordering = ["row", "id"]
        indexes = [models.Index(fields=["batch", "row"], name="imports_problem_batch_row")]

    def __str__(self):
        return f"第{self.row}行 {self.column}：{self.message}"
