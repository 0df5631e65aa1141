from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from apps.accounts.models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Users: platform administrators only (roles and scopes decide what everybody else sees)."""

    list_display = (
        "username",
        "full_name",
        "role",
        "region",
        "company",
        "committee",
        "department",
        "is_active",
    )
    list_filter = ("role", "is_active", "is_staff")
    search_fields = ("username", "full_name")
    raw_id_fields = ("region", "company", "committee", "department", "compound")
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (
            "角色与管辖范围",
            {
                "fields": (
                    "full_name",
                    "phone",
                    "role",
                    "region",
                    "company",
                    "committee",
                    "department",
                    "compound",
                )
            },
        ),
    )

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser
