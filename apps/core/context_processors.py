from django.conf import settings

from apps.core.navigation import nav_items_for
from apps.core.scoping import scope_of


def platform(request):
    user = getattr(request, "user", None)
    authenticated = user is not None and user.is_authenticated
    return {
        "PLATFORM_NAME": settings.PLATFORM_NAME,
        "user_scope": scope_of(user) if authenticated else None,
        "nav_items": nav_items_for(request) if authenticated else [],
    }
