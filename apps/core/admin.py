"""The admin site, scoped like every page and writing through the services.

`ScopedAdminMixin` is what every ModelAdmin of the project is built on (a test walks
`admin.site._registry` and fails on one that is not): lists, object pages, search, actions,
autocomplete and raw-id pop-ups (all read `get_queryset`), list filters and foreign-key choices
are limited to the user's scope through apps.core.scoping, and change forms show personal data
masked (apps/core/pii.py). `ScopedAdmin` adds saving/deleting through the app's service
functions so that the admin is not a second write path (each change writes its audit Event).
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import admin, messages
from django.contrib.admin.utils import get_fields_from_path
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect

from apps.core.errors import DomainError
from apps.core.forms import PiiFormMixin
from apps.core.models import Event
from apps.core.pii import can_unmask, pii_fields
from apps.core.scoping import scoped


def _has_scope_rule(model) -> bool:
    return hasattr(model, "scope_q")


class PiiAdminForm(PiiFormMixin):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._pii_setup(self.pii_user)


class ScopedAdminMixin:
    """Scope and masking for a ModelAdmin; models without `scope_q` are shared reference data
    (work-order categories, the holiday calendar) and listed in the admin scope test."""

    show_full_result_count = False

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if _has_scope_rule(qs.model):
            qs = scoped(qs, request.user)
        return qs

    def get_list_filter(self, request):
        # A filter on a scoped relation lists only the related rows in the user's scope (the
        # plain related filter would list, e.g., every compound of the province).
        out = []
        for item in super().get_list_filter(request):
            if isinstance(item, str):
                try:
                    field = get_fields_from_path(self.model, item)[-1]
                except Exception:
                    field = None
                if getattr(field, "related_model", None) is not None and _has_scope_rule(field.related_model):
                    item = (item, admin.RelatedOnlyFieldListFilter)
            out.append(item)
        return out

    def get_search_fields(self, request):
        # Searching a masked field would confirm a full name or phone one guess at a time.
        fields = super().get_search_fields(request)
        if can_unmask(request.user, self.model):
            return fields
        hidden = set(pii_fields(self.model))
        return tuple(f for f in fields if f.lstrip("^=@").split("__")[0] not in hidden)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (PiiAdminForm, form), {"pii_user": request.user})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and _has_scope_rule(db_field.related_model) and hasattr(field, "queryset"):
            field.queryset = scoped(field.queryset, request.user)
        return field

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is not None and _has_scope_rule(db_field.related_model) and hasattr(field, "queryset"):
            field.queryset = scoped(field.queryset, request.user)
        return field


class ScopedAdmin(ScopedAdminMixin, admin.ModelAdmin):
    create_service: Callable | None = None  # (actor, data) -> obj
    update_service: Callable | None = None  # (obj, actor, data) -> obj
    delete_service: Callable | None = None  # (obj, actor) -> None
    list_per_page = 50

    def _form_data(self, form) -> dict:
        names = {
            f.name for f in self.model._meta.get_fields() if getattr(f, "concrete", False) or f.many_to_many
        }
        return {k: v for k, v in form.cleaned_data.items() if k in names}

    def save_model(self, request, obj, form, change):
        data = self._form_data(form)
        try:
            if change:
                current = type(obj).objects.get(pk=obj.pk)
                saved = self.update_service(current, request.user, data)
            else:
                saved = self.create_service(request.user, data)
        except (ValidationError, DomainError) as exc:
            # The form validated, but a rule in the service refused: nothing was saved.
            raise _AdminRefused(exc) from exc
        obj.pk = saved.pk
        obj._state.adding = False

    def save_related(self, request, form, formsets, change):
        # Many-to-many values were saved by the service; inlines are read-only here.
        pass

    def delete_model(self, request, obj):
        self.delete_service(obj, request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_service(obj, request.user)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except _AdminRefused as refused:
            exc = refused.exc
            text = (
                exc.message
                if isinstance(exc, DomainError)
                else "；".join(
                    f"{self.model._meta.get_field(k).verbose_name if k != '__all__' else ''}{'：' if k != '__all__' else ''}{'；'.join(v)}"
                    for k, v in getattr(exc, "message_dict", {"__all__": exc.messages}).items()
                )
            )
            messages.error(request, f"未保存：{text}")
            return HttpResponseRedirect(request.get_full_path())

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except DomainError as exc:
            messages.error(request, exc.message)
            return HttpResponseRedirect(request.get_full_path())


class _AdminRefused(Exception):
    def __init__(self, exc):
        super().__init__(str(exc))
        self.exc = exc


@admin.register(Event)
class EventAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """The audit trail: read-only, platform administrators only."""

    list_display = ("created_at", "actor", "verb", "object_repr", "region_code")
    list_filter = ("verb",)
    search_fields = ("object_repr", "verb", "region_code")
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in Event._meta.fields]

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
