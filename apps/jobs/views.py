"""我的任务: the jobs a user started — list, a detail page that follows the progress (HTMX polls
the progress fragment while the job runs), the result file, cancelling. Administrators follow
failed jobs in 管理后台 › 后台任务."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from apps.core.errors import DomainError
from apps.jobs import selectors, services
from apps.jobs.models import Job, JobStatus

TABS = (("", "全部"), ("active", "进行中"), (JobStatus.SUCCEEDED, "已完成"), (JobStatus.FAILED, "失败"))


def _visible(request, pk) -> Job:
    # Another user's job is "not found": its title may name a file or a region.
    try:
        return selectors.jobs_of(request.user).get(pk=pk)
    except (Job.DoesNotExist, ValueError) as exc:
        raise Http404("未找到该任务。") from exc


@login_required
def job_list(request):
    status = request.GET.get("status", "")
    if status not in {key for key, _ in TABS}:
        status = ""
    page = Paginator(selectors.my_jobs(request.user, status=status), settings.JOBS_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "jobs/job_list.html",
        {
            "title": "我的任务",
            "page": page,
            "paginator": page.paginator,
            "tabs": TABS,
            "status": status,
            "query": f"status={status}" if status else "",
        },
    )


@login_required
def job_detail(request, pk):
    job = _visible(request, pk)
    return render(request, "jobs/job_detail.html", {"title": job.title, "job": job})


@login_required
def job_progress(request, pk):
    """The progress fragment; while the job runs it asks to be fetched again (hx-trigger)."""
    job = _visible(request, pk)
    return render(request, "jobs/_progress.html", {"job": job})


@login_required
def job_file(request, pk):
    """The result file, to the job's owner or an administrator only (private media)."""
    job = _visible(request, pk)
    if not job.result_file:
        raise Http404("该任务没有结果文件。")
    name = job.result_file.name
    filename = name.rsplit("/", 1)[-1]
    if settings.MEDIA_ACCEL_REDIRECT:
        response = HttpResponse(content_type="application/octet-stream")
        response["X-Accel-Redirect"] = f"/{settings.MEDIA_URL.strip('/')}/{name}"
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(filename)}"
    else:
        try:
            handle = job.result_file.storage.open(name, "rb")
        except (FileNotFoundError, OSError) as exc:
            raise Http404("结果文件不存在（可能已过期清理）。") from exc
        response = FileResponse(handle, as_attachment=True, filename=filename)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)


@login_required
@require_POST
def job_cancel(request, pk):
    job = _visible(request, pk)
    try:
        services.cancel(job=job, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "任务已取消。")
    return HttpResponseRedirect(reverse("job_detail", args=[job.pk]))


@login_required
@require_POST
def job_selftest(request):
    """An administrator checks that the queue and its workers run: a short counting job."""
    if not request.user.is_superuser:
        raise PermissionDenied("只有系统管理员可以发起队列自检。")
    job = services.start(
        kind="jobs.selftest", owner=request.user, title="任务队列自检", params={"steps": 10, "step_s": 0.3}
    )
    return HttpResponseRedirect(reverse("job_detail", args=[job.pk]))
