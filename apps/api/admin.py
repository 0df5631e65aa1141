"""Admin for API clients: create (the key is shown once), view, and revoke — all through services."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from apps.api.models import ApiClient
from apps.api.services import api_client_create, api_client_revoke
from apps.core.admin import ScopedAdminMixin
from apps.core.errors import DomainError
from apps.core.roles import Role


class ApiClientCreateForm(forms.ModelForm):
    role = forms.ChoiceField(label="角色", choices=Role.choices)
    scope_code = forms.CharField(
        label="管辖范围",
        max_length=20,
        help_text="管理人员填区划代码（如 371311）；物业企业、业委会、职能部门填编号；居民填小区编号或小区编码",
    )
    days = forms.IntegerField(label="有效天数", min_value=1, max_value=3660, initial=365)

    class Meta:
        model = ApiClient
        fields = ["name", "note"]

    def clean(self):
        data = super().clean()
        from apps.api.services import scope_fields

        if data.get("role") and data.get("scope_code"):
            try:
                scope_fields(role=data["role"], scope_code=data["scope_code"])
            except DomainError as exc:
                raise ValidationError({"scope_code": exc.message}) from exc
        return data


@admin.register(ApiClient)
class ApiClientAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "key_prefix", "role", "scope", "expires_at", "revoked_at", "last_used_at"]
    list_filter = ["user__role"]
    search_fields = ["name", "key_prefix"]
    actions = ["revoke"]
    readonly_fields = [
        "name",
        "key_prefix",
        "user",
        "expires_at",
        "revoked_at",
        "last_used_at",
        "created_by",
        "note",
        "created_at",
    ]

    @admin.display(description="角色")
    def role(self, obj):
        return obj.user.get_role_display()

    @admin.display(description="管辖范围")
    def scope(self, obj):
        u = obj.user
        return u.region or u.company or u.committee or u.department or u.compound or "—"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related(
                "user__region",
                "user__company",
                "user__committee__compound",
                "user__department",
                "user__compound",
            )
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ApiClientCreateForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else []

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["name", "role", "scope_code", "days", "note"]
        return self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead: the audit trail keeps the client

    def save_model(self, request, obj, form, change):
        if change:
            return  # nothing is editable after creation
        data = form.cleaned_data
        client, key = api_client_create(
            actor=request.user,
            name=data["name"],
            role=data["role"],
            scope_code=data["scope_code"],
            days=data["days"],
            note=data.get("note", ""),
        )
        obj.pk = client.pk
        obj.user = client.user
        messages.warning(request, f"接口密钥（只显示这一次，请立即妥善保存）：{key}")

    @admin.action(description="吊销所选接口客户端")
    def revoke(self, request, queryset):
        done = 0
        for client in queryset.select_related("user"):
            try:
                api_client_revoke(client=client, actor=request.user)
                done += 1
            except DomainError as exc:
                messages.error(request, exc.message)
        if done:
            messages.success(request, f"已吊销 {done} 个接口客户端")
