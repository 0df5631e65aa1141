"""Admin: scoped, read-only views of campaigns, projects and meetings (every write goes through
the platform's pages and services, which hold the workflow rules)."""

from django.contrib import admin

from apps.campaigns.models import Campaign, Decision, JointMeeting, Project, SubItem
from apps.core.admin import ScopedAdmin


class ReadOnlyScopedAdmin(ScopedAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Campaign)
class CampaignAdmin(ReadOnlyScopedAdmin):
    list_display = ("name", "region", "start_date", "end_date", "status")
    list_select_related = ("region",)
    search_fields = ("name",)


class SubItemInline(admin.TabularInline):
    model = SubItem
    extra = 0
    fields = (
        "name",
        "responsible_unit",
        "budget",
        "funding_source",
        "planned_start",
        "planned_finish",
        "status",
    )
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Project)
class ProjectAdmin(ReadOnlyScopedAdmin):
    list_display = ("name", "compound", "status", "created_at")
    list_select_related = ("compound",)
    search_fields = ("name", "compound__name")
    list_filter = ("status",)
    inlines = [SubItemInline]


class DecisionInline(admin.TabularInline):
    model = Decision
    extra = 0
    fields = ("text", "owner_unit", "deadline", "status", "escalated_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(JointMeeting)
class JointMeetingAdmin(ReadOnlyScopedAdmin):
    list_display = ("title", "convener_name", "scheduled_at", "status")
    search_fields = ("title", "convener_name")
    list_filter = ("status",)
    inlines = [DecisionInline]
