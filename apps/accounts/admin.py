from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from apps.accounts.models import User
from apps.core.admin import ScopedAdminMixin


@admin.register(User)
class UserAdmin(ScopedAdminMixin, DjangoUserAdmin):
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

    def save_model(self, request, obj, form, change):
        from apps.accounts.services import sync_group
        from apps.core.audit import diff, snapshot
        from apps.core.services import event_record

        before = snapshot(User.objects.get(pk=obj.pk)) if change else {}
        super().save_model(request, obj, form, change)
        sync_group(obj)  # the role decides the group: keep them together
        changes = diff(before, snapshot(obj))
        if changes:
            event_record(
                actor=request.user, verb="user.update" if change else "user.create", obj=obj, changes=changes
            )

    def user_change_password(self, request, id, form_url=""):
        """The administrator's password reset (docs/deployment.md §7): audited, and it lifts a
        login lockout of the account."""
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            from apps.accounts import lockout
            from apps.core.services import event_record

            user = User.objects.get(pk=id)
            lockout.unlock(user.username)
            event_record(actor=request.user, verb="user.password_reset", obj=user, note="管理员重置密码")
        return response

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
