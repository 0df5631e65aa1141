from django.conf import settings

from apps.core.scoping import scope_of


def platform(request):
    user = getattr(request, "user", None)
    return {
        "PLATFORM_NAME": settings.PLATFORM_NAME,
        "user_scope": scope_of(user) if user is not None else None,
    }
