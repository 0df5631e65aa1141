from django.contrib import admin

from apps.core.admin import ScopedAdminMixin
from apps.programs.models import (
    FallbackAgreement,
    Inspection,
    PairingAgreement,
    PlannerCapacity,
    ServiceArrangement,
    SubsidyApplication,
)


class ScopedAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Read-only: writes go through the services (the pages); the admin shows the user's scope
    through the platform's one scoped mixin (lists, search, filters, autocomplete)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ServiceArrangement)
class ServiceArrangementAdmin(ScopedAdmin):
    list_display = ("compound", "mode", "company", "provider_name", "start_date", "end_date")
    list_filter = ("mode",)
    search_fields = ("compound__name", "company__name")
    list_select_related = ("compound", "company")


@admin.register(FallbackAgreement)
class FallbackAgreementAdmin(ScopedAdmin):
    list_display = ("compound", "company", "start_date", "end_date", "notice_sent_on")
    list_select_related = ("compound", "company")


@admin.register(Inspection)
class InspectionAdmin(ScopedAdmin):
    list_display = ("agreement", "period", "passed")
    list_select_related = ("agreement__compound", "agreement__company")


@admin.register(PairingAgreement)
class PairingAgreementAdmin(ScopedAdmin):
    list_display = ("compound", "company", "status", "start_date", "transition_date", "outcome")
    list_filter = ("status",)
    list_select_related = ("compound", "company")


@admin.register(SubsidyApplication)
class SubsidyApplicationAdmin(ScopedAdmin):
    list_display = ("compound", "programme", "period", "amount", "status", "disbursed_amount")
    list_filter = ("programme", "status")
    list_select_related = ("compound", "company")


@admin.register(PlannerCapacity)
class PlannerCapacityAdmin(ScopedAdmin):
    list_display = ("county", "company", "capacity")
    list_select_related = ("county", "company")
