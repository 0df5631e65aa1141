from django.contrib import admin, messages
from django.contrib.admin.exceptions import NotRegistered

from apps.core.admin import ScopedAdminMixin
from apps.core.errors import DomainError
from apps.jobs import services
from apps.jobs.models import Job, JobStatus


@admin.register(Job)
class JobAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """后台任务 for platform administrators: every job (the sweeps and deliveries too), failed ones
    with their error and traceback; a failed job can be run again. Read-only otherwise: jobs
    are written by the services and the runner only. Jobs are personal (Job.scope_q): other
    staff are refused the whole section."""

    list_display = ["created_at", "title", "kind", "owner", "status", "attempts", "finished_at", "error"]
    list_filter = ["status", "kind"]
    search_fields = ["title", "kind", "error", "idempotency_key"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in Job._meta.fields]
    actions = ["requeue"]

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and (obj is None or obj.finished)

    @admin.action(description="重新执行所选的失败任务")
    def requeue(self, request, queryset):
        done = 0
        for job in queryset.filter(status__in=[JobStatus.FAILED, JobStatus.CANCELLED]):
            try:
                services.requeue(job=job, actor=request.user)
                done += 1
            except DomainError as exc:
                messages.error(request, f"{job.title}：{exc.message}")
        messages.success(request, f"已重新排队 {done} 个任务。")


# The database queue's own rows carry only a job id: the Job admin above is the view of the work,
# scoped like every admin; django-tasks-db's unscoped admin of its table is not offered.
try:
    from django_tasks_db.models import DBTaskResult

    admin.site.unregister(DBTaskResult)
except (ImportError, NotRegistered):
    pass
