from django.contrib import admin

from apps.core.admin import ScopedAdmin
from apps.regions.models import Region


@admin.register(Region)
class RegionAdmin(ScopedAdmin):
    """Divisions are loaded from NBS files (manage.py load_regions); read-only here."""

    list_display = ("code", "name", "level", "kind", "parent", "vintage")
    list_filter = ("level", "kind")
    search_fields = ("code", "name")
    list_select_related = ("parent",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
