"""Writes of the import app: an upload (kept privately, validated by a background job) and its
commit (a second job). The ledger rows themselves are written by each ledger's own service."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from apps.core.errors import ConflictError, DomainError, ForbiddenError
from apps.core.services import event_record
from apps.imports.engine import ledger_of
from apps.imports.models import BatchStatus, ImportBatch
from apps.imports.reader import FileRefused, kind_of
from apps.jobs import services as jobs


def max_upload_bytes() -> int:
    return settings.UPLOAD_MAX_MB * 1024 * 1024


def size_problem(size: int) -> str | None:
    if size > max_upload_bytes():
        return (
            f"文件过大（{size / 1024 / 1024:.1f} MB），一次最多上传 {settings.UPLOAD_MAX_MB} MB，"
            "请拆分后分批导入"
        )
    return None


@transaction.atomic
def batch_upload(*, actor, ledger_name: str, upload) -> ImportBatch:
    """Keep an uploaded file privately and queue its validation. Refuses a file that is not
    .xlsx/.csv or too large before reading any of it."""
    ledger = ledger_of(ledger_name)
    if not ledger.can_import(actor):
        raise ForbiddenError(f"您的角色无权导入{ledger.title}")
    try:
        kind_of(upload.name)
    except FileRefused as exc:
        raise DomainError(exc.message) from None
    if message := size_problem(upload.size):
        raise DomainError(message)
    batch = ImportBatch(ledger=ledger.name, owner=actor, original_name=upload.name[-200:], size=upload.size)
    batch.file.save(f"{batch.pk}.{kind_of(upload.name)}", upload, save=False)
    batch.save()
    event_record(actor=actor, verb="importbatch.upload", obj=batch, note=ledger.title, region_code="")
    job = jobs.start(
        kind="imports.validate",
        owner=actor,
        title=f"校验导入文件：{ledger.title}（{batch.original_name}）",
        params={"batch_id": str(batch.pk)},
        idempotency_key=f"imports.validate:{batch.pk}",
    )
    ImportBatch.objects.filter(pk=batch.pk).update(validate_job=job)
    batch.validate_job = job
    return batch


@transaction.atomic
def batch_commit(*, actor, batch: ImportBatch) -> ImportBatch:
    """Queue the commit of a valid batch (compare-and-set 可导入 → 导入中)."""
    if batch.owner_id != actor.pk:
        raise ForbiddenError("只能确认自己上传的文件")
    ledger = ledger_of(batch.ledger)
    if not ledger.can_import(actor):
        raise ForbiddenError(f"您的角色无权导入{ledger.title}")
    if not ImportBatch.objects.filter(pk=batch.pk, status=BatchStatus.VALID).update(
        status=BatchStatus.COMMITTING
    ):
        raise ConflictError("该文件当前不能导入（有错误、正在导入或已导入）")
    job = jobs.start(
        kind="imports.commit",
        owner=actor,
        title=f"导入：{ledger.title}（{batch.original_name}）",
        params={"batch_id": str(batch.pk)},
        idempotency_key=f"imports.commit:{batch.pk}",
    )
    ImportBatch.objects.filter(pk=batch.pk).update(commit_job=job)
    batch.refresh_from_db()
    return batch


def batches_cleanup(*, now=None) -> int:
    """Delete the files (upload and marked copy) of batches older than IMPORTS_KEEP_DAYS; the
    batch row and its counts stay as the record. Returns how many batches were cleaned."""
    limit = (now or timezone.now()) - datetime.timedelta(days=settings.IMPORTS_KEEP_DAYS)
    count = 0
    for batch in ImportBatch.objects.filter(created_at__lt=limit).exclude(file="", marked_file=""):
        if batch.status in (BatchStatus.VALIDATING, BatchStatus.COMMITTING):
            continue
        for f in (batch.file, batch.marked_file):
            if f:
                f.delete(save=False)
        ImportBatch.objects.filter(pk=batch.pk).update(file="", marked_file="")
        count += 1
    return count
