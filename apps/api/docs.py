"""The interactive API docs page: Swagger UI served from our own static files (no CDN).

The files are vendored from the npm package swagger-ui-dist (version and licence in
static/vendor/README.md); `SWAGGER_UI_DIR` names the folder so an upgrade is one line.
"""

from __future__ import annotations

import json

from django.middleware.csrf import get_token
from django.shortcuts import render
from ninja.openapi.docs import DocsBase

SWAGGER_UI_DIR = "vendor/swagger-ui-dist-5.35.0"


class LocalSwagger(DocsBase):
    template = "api/swagger.html"

    def __init__(self, settings: dict | None = None):
        self.settings = {"layout": "BaseLayout", "deepLinking": True, "persistAuthorization": False}
        self.settings.update(settings or {})

    def render_page(self, request, api, **kwargs):
        config = {**self.settings, "url": self.get_openapi_url(api, kwargs)}
        user = getattr(request, "user", None)
        context = {
            "api": api,
            "swagger_dir": SWAGGER_UI_DIR,
            "swagger_settings": json.dumps(config),
            # Signed-in users try the API with their session; unsafe methods need the CSRF token.
            "csrf_token_value": get_token(request) if user is not None and user.is_authenticated else "",
        }
        return render(request, self.template, context)
