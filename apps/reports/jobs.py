"""Background job kinds of the monthly report (registered with apps.jobs)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from apps.jobs.errors import JobError
from apps.jobs.registry import handler
from apps.regions.models import Region
from apps.reports import services
from apps.reports.choices import Trigger


@handler(services.KIND, label="生成月报")
def monthly_report(ctx, *, region: str, month: str, trigger: str = Trigger.DEMAND) -> dict:
    """Build and store one region's report. Idempotent: the row of the region and month is
    replaced, and a job that already stored its report (a worker killed after the commit) stops."""
    from apps.core.errors import DomainError
    from apps.reports.models import MonthlyReport

    target = Region.objects.filter(code=region).first()
    if target is None:
        raise JobError(f"区划：{region} 不存在")
    done = MonthlyReport.objects.filter(region=target, job_id=ctx.job.pk).first()
    if done is None:
        actor = ctx.job.owner if trigger == Trigger.DEMAND else None
        if actor is not None:
            actor = get_user_model().objects.get(pk=actor.pk)  # fresh permissions and scope
        try:
            when = services.month_from_text(month, today=timezone.localdate())
            done = services.monthly_report_generate(
                region=target,
                month=when,
                actor=actor,
                trigger=trigger,
                job_id=ctx.job.pk,
                progress=ctx.progress,
            )
        except DomainError as exc:
            raise JobError(exc.message) from exc
    ctx.progress(6, 6, "已完成")
    return {
        "report": done.pk,
        "url": reverse("report_detail", args=[done.pk]),
        "pdf_url": reverse("report_pdf", args=[done.pk]),
        "pages": done.pages,
        "seconds": float(done.seconds),
    }
