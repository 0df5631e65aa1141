from django.contrib import admin

from apps.core.admin import ScopedAdminMixin
from apps.dashboards.models import RegionBoundary


@admin.register(RegionBoundary)
class RegionBoundaryAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Read-only: boundaries are loaded with `manage.py load_boundaries` (validated, audited)."""

    list_display = ("region", "source", "licence", "file_name", "updated_at")
    search_fields = ("region__name", "region__code", "source")
    list_select_related = ("region",)
    exclude = ("geometry",)  # large; the map shows it
    readonly_fields = ("region", "source", "licence", "file_name", "created_at", "updated_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
