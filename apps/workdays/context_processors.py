"""The missing-holidays banner on every page an official sees (with the link to the calendar)."""

from django.urls import NoReverseMatch, reverse
from django.utils import timezone


def calendar_banner(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or request.path.startswith("/workdays/"):
        return {}
    try:
        url = reverse("workday_calendar")
    except NoReverseMatch:
        return {}
    from apps.workdays.selectors import calendar_banner_for

    message = calendar_banner_for(user=user, today=timezone.localdate())
    return {"calendar_banner": {"message": message, "url": url}} if message else {}
