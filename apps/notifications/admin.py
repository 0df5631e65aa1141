from django.contrib import admin

from apps.core.admin import ScopedAdminMixin
from apps.notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Read-only: messages are written by services only. An inbox is personal: every user,
    officials included, sees only their own messages here (Notification.scope_q)."""

    list_display = ["created_at", "recipient", "kind", "title", "read_at"]
    list_filter = ["kind"]
    search_fields = ["title"]
    readonly_fields = [f.name for f in Notification._meta.fields]

    def get_queryset(self, request):
        # Even a superuser's scope covers only their own inbox (as on the inbox pages): other
        # people's messages name residents — anonymous reporters included — and tracking codes.
        return super().get_queryset(request).filter(recipient_id=request.user.pk)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
