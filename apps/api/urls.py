"""URLs of the open API (/api/v1/) and the Open311 GeoReport v2 endpoint (/open311/v2/)."""

from django.urls import include, path, re_path

from apps.api.errors import json_errors, not_found_view
from apps.api.index import api_index
from apps.api.v1 import api


def _json_errors(urls):
    """Every ninja view answers its own errors in JSON; this also covers the plain 405."""
    patterns, app_name, namespace = urls
    for pattern in patterns:
        if hasattr(pattern, "callback"):
            pattern.callback = json_errors(pattern.callback)
    return patterns, app_name, namespace


urlpatterns = [
    path("api/v1/", api_index, name="api_index"),  # a pointer to the docs, before ninja's routes
    path("api/v1/", _json_errors(api.urls)),
    re_path(r"^api/", not_found_view),
    path("open311/v2/", include("apps.api.open311.urls")),
]
