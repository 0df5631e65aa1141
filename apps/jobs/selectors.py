from apps.jobs.models import Job


def jobs_of(user):
    """The jobs a user sees in 我的任务: their own; administrators see every job."""
    qs = Job.objects.select_related("owner")
    if user.is_superuser:
        return qs
    return qs.filter(owner=user)


def my_jobs(user, *, status: str = ""):
    """The list of 我的任务: the jobs the user started, newest first (an administrator's list too
    — the platform's own sweeps and deliveries are in 管理后台 › 后台任务)."""
    qs = Job.objects.filter(owner_id=user.pk).defer("params", "result", "error_detail")
    if status == "active":
        qs = qs.filter(status__in=["queued", "running"])
    elif status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at")
