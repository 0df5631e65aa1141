"""The inbox link in the top bar, with the unread count (counted only when a page shows it)."""

from django.urls import NoReverseMatch, reverse


def inbox(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    try:
        url = reverse("notification_list")
    except NoReverseMatch:
        return {}
    from apps.notifications.selectors import unread_count

    # A callable: the template calls it once (`{% with %}`), and partial templates never do.
    return {"inbox_url": url, "inbox_unread": lambda: unread_count(user=user)}
