"""GET /api/v1/ — where a developer who types the API's address lands: what this is and where
its documentation and schema are (JSON, no authentication needed)."""

from django.conf import settings
from django.http import JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_GET


@require_GET
def api_index(request):
    docs = reverse("api-v1:openapi-view")
    schema = reverse("api-v1:openapi-json")
    return JsonResponse(
        {
            "name": f"{settings.PLATFORM_NAME}开放接口",
            "version": "1.0.0",
            "message": f"接口文档见 {docs}（OpenAPI 架构 {schema}）",
            "docs": request.build_absolute_uri(docs),
            "openapi": request.build_absolute_uri(schema),
            "open311": request.build_absolute_uri(reverse("open311_services", args=["json"])),
        },
        json_dumps_params={"ensure_ascii": False},
    )
