"""Admin: categories and their per-city time limits are edited here (through the services);
work orders and their records are read-only here — they change only through the workflow."""

from django.contrib import admin

from apps.core.admin import ScopedAdminMixin
from apps.core.scoping import scope_of
from apps.workorders import services
from apps.workorders.models import (
    Assignment,
    CallBack,
    Category,
    CategoryLimit,
    CommunityMonthStat,
    CountyMonthStat,
    Escalation,
    HandlerMonthStat,
    StreetMonthStat,
    WorkOrder,
    WorkOrderPhoto,
)


def _changed(form) -> dict:
    return {name: form.cleaned_data[name] for name in form.changed_data if name in form.cleaned_data}


class ReadOnlyAdmin(ScopedAdminMixin, admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Category)
class CategoryAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = [
        "name",
        "code",
        "default_handler_kind",
        "accept_limit",
        "accept_unit",
        "sign_limit",
        "sign_unit",
        "resolve_limit",
        "resolve_unit",
        "evidence_required",
        "is_active",
        "sort_order",
    ]
    list_editable = []
    search_fields = ["name", "code"]

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return False  # deactivate instead: orders keep their category

    def save_model(self, request, obj, form, change):
        if change:
            saved = services.category_update(
                category=Category.objects.get(pk=obj.pk), actor=request.user, data=_changed(form)
            )
        else:
            saved = services.category_create(actor=request.user, data=dict(form.cleaned_data))
        obj.pk = saved.pk


@admin.register(CategoryLimit)
class CategoryLimitAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """City officials set their own city's limits; the province-wide rows are the superuser's."""

    list_display = [
        "category",
        "urgency",
        "city_code",
        "accept_limit",
        "accept_unit",
        "sign_limit",
        "sign_unit",
        "resolve_limit",
        "resolve_unit",
        "note",
    ]
    list_filter = ["urgency", "category"]

    def get_changeform_initial_data(self, request):
        scope = scope_of(request.user)
        initial = super().get_changeform_initial_data(request)
        if not scope.everything and scope.region_code:
            initial["city_code"] = scope.region_code[:4] + "00"
        return initial

    def save_model(self, request, obj, form, change):
        if change:
            saved = services.category_limit_update(
                limit=CategoryLimit.objects.get(pk=obj.pk), actor=request.user, data=_changed(form)
            )
        else:
            saved = services.category_limit_create(actor=request.user, data=dict(form.cleaned_data))
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        services.category_limit_delete(limit=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            services.category_limit_delete(limit=obj, actor=request.user)


class AssignmentInline(admin.TabularInline):
    model = Assignment
    fk_name = "order"
    extra = 0
    can_delete = False
    fields = [
        "kind",
        "company",
        "committee",
        "department",
        "level",
        "is_rework",
        "outcome",
        "dispatched_at",
        "sign_due_at",
        "signed_at",
        "resolve_due_at",
        "resolved_at",
        "returned_at",
    ]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class CallBackInline(admin.TabularInline):
    model = CallBack
    extra = 0
    can_delete = False
    fields = ["created_at", "by_reporter", "reached", "contacted", "solved", "satisfaction", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class EscalationInline(admin.TabularInline):
    model = Escalation
    extra = 0
    can_delete = False
    fields = ["at", "from_level", "to_level", "reason", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(WorkOrder)
class WorkOrderAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "tracking_code",
        "compound",
        "category",
        "status",
        "level",
        "sla_card",
        "submitted_at",
        "due_at",
    ]
    list_filter = ["status", "level", "sla_card", "category", "calendar_missing"]
    search_fields = ["tracking_code", "compound__name"]
    list_select_related = ["compound", "category"]
    exclude = ["reporter_name", "reporter_phone"]  # personal data: shown (masked) by the work-order pages
    inlines = [AssignmentInline, CallBackInline, EscalationInline]
    show_full_result_count = False


for _model in (WorkOrderPhoto, CountyMonthStat, StreetMonthStat, CommunityMonthStat, HandlerMonthStat):
    admin.site.register(_model, ReadOnlyAdmin)
