from django.urls import re_path

from apps.api.open311 import views

FMT = r"\.(?P<fmt>json|xml)$"

urlpatterns = [
    re_path(r"^services" + FMT, views.services, name="open311_services"),
    re_path(
        r"^services/(?P<service_code>[^/]{1,64})" + FMT, views.service_definition, name="open311_service"
    ),
    re_path(r"^requests" + FMT, views.requests_view, name="open311_requests"),
    re_path(r"^requests/(?P<request_id>[^/]{1,64})" + FMT, views.request_detail, name="open311_request"),
    re_path(r"^tokens/(?P<token>[^/]{1,64})" + FMT, views.token_detail, name="open311_token"),
    re_path(r"^.*$", views.not_found, name="open311_not_found"),
]
