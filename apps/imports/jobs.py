"""Background jobs of the import app: validate an upload, commit it, clean old files."""

from __future__ import annotations

from apps.imports.engine import CommitRefused, commit_batch, validate_batch
from apps.imports.models import BatchStatus, ImportBatch, ImportProblem
from apps.imports.reader import FileRefused
from apps.jobs.errors import JobError
from apps.jobs.registry import daily, handler


def _batch(batch_id: str) -> ImportBatch:
    batch = ImportBatch.objects.select_related("owner").filter(pk=batch_id).first()
    if batch is None or not batch.file:
        raise JobError("导入文件已不存在（可能已被清理），请重新上传")
    return batch


@handler("imports.validate", label="导入校验")
def validate(ctx, *, batch_id: str) -> dict:
    batch = _batch(batch_id)
    if batch.status not in (BatchStatus.UPLOADED, BatchStatus.VALIDATING):
        return {"status": batch.status}  # ran before (a retry after the outcome was stored)
    ImportBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.VALIDATING)
    ctx.progress(0, None, "正在逐行校验")
    counts = validate_batch(batch, progress=lambda done, total: ctx.progress(done, total, "正在逐行校验"))
    ctx.progress(counts["rows"], counts["rows"], "校验完成")
    if counts["problems"]:
        from apps.imports.workbooks import save_marked

        ctx.progress(counts["rows"], counts["rows"], "正在生成标注错误的工作簿")
        try:
            save_marked(batch)
        except FileRefused:
            pass  # the file itself cannot be read (not an xlsx): nothing to mark, the problem says so
    return counts


@handler("imports.commit", label="导入台账", max_attempts=2)
def commit(ctx, *, batch_id: str) -> dict:
    batch = _batch(batch_id)
    if batch.status == BatchStatus.COMMITTED:
        return {"status": batch.status}  # the transaction committed before the worker died
    ctx.progress(0, batch.rows_total or 0, "正在写入（全部成功才会保存）")
    try:
        counts = commit_batch(batch)
    except (CommitRefused, FileRefused) as exc:
        problems = getattr(exc, "problems", None)
        message = problems[0].message if problems else exc.message
        ImportBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.FAILED, error=message)
        if problems:
            ImportProblem.objects.bulk_create(
                ImportProblem(
                    batch=batch, row=p.row, column=p.column[:60], value=p.value[:200], message=p.message[:400]
                )
                for p in problems
            )
            ImportBatch.objects.filter(pk=batch.pk).update(problem_count=batch.problem_count + len(problems))
        row = f"第{problems[0].row}行：" if problems and problems[0].row > 1 else ""
        raise JobError(f"导入未完成，没有写入任何数据。{row}{message}") from exc
    return counts


# daily, or IMPORTS_KEEP_DAYS would be a promise nothing keeps
@handler("imports.cleanup", label="清理旧的导入文件", schedule=daily(3, 30))
def cleanup(ctx) -> dict:
    from apps.imports.services import batches_cleanup

    return {"cleaned": batches_cleanup()}
