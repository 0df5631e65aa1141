"""Reads of the inbox."""

from apps.notifications.models import Notification


def inbox_for(*, user, unread_only: bool = False):
    qs = Notification.objects.filter(recipient_id=user.pk)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created_at", "-id")


def unread_count(*, user) -> int:
    return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()
