from django.contrib import admin

from apps.core.admin import ScopedAdmin
from apps.reports.models import MonthlyReport


@admin.register(MonthlyReport)
class MonthlyReportAdmin(ScopedAdmin):
    """The archive, read-only: reports are written by the generation service only."""

    list_display = ("__str__", "month", "trigger", "generated_at", "pages")
    list_filter = ("trigger",)
    search_fields = ("region__name",)
    readonly_fields = (
        "region",
        "month",
        "trigger",
        "generated_at",
        "generated_by",
        "pages",
        "pdf",
        "xlsx",
        "seconds",
    )
    exclude = ("data", "job_id")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
