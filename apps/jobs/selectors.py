from apps.jobs.models import Job


def jobs_of(user):
    """The jobs a user sees in 我的任务: their own; administrators see every job."""
    qs = Job.objects.select_related("owner")
    if user.is_superuser:
        return qs
    return qs.filter(owner=user)
