"""Admin for the working-day calendar; every save goes through apps/workdays/services.py."""

from django.contrib import admin

from apps.core.admin import ScopedAdminMixin
from apps.workdays import services
from apps.workdays.models import WorkdayOverride, WorkdayYear


def _data(form) -> dict:
    return {name: form.cleaned_data[name] for name in form.changed_data if name in form.cleaned_data}


@admin.register(WorkdayYear)
class WorkdayYearAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["year", "notice", "published_on", "updated_at"]
    search_fields = ["notice"]

    def save_model(self, request, obj, form, change):
        if change:
            saved = services.workday_year_update(
                year=type(obj).objects.get(pk=obj.pk), actor=request.user, data=_data(form)
            )
        else:
            data = {f: form.cleaned_data.get(f) for f in ("year", "notice", "published_on", "note")}
            saved = services.workday_year_create(actor=request.user, data=data)
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        services.workday_year_delete(year=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            services.workday_year_delete(year=obj, actor=request.user)


@admin.register(WorkdayOverride)
class WorkdayOverrideAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["date", "is_workday", "note"]
    list_filter = ["is_workday"]
    date_hierarchy = "date"

    def save_model(self, request, obj, form, change):
        if change:
            saved = services.workday_override_update(
                override=type(obj).objects.get(pk=obj.pk), actor=request.user, data=_data(form)
            )
        else:
            data = {f: form.cleaned_data.get(f) for f in ("date", "is_workday", "note")}
            saved = services.workday_override_create(actor=request.user, data=data)
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        services.workday_override_delete(override=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            services.workday_override_delete(override=obj, actor=request.user)
