"""Who is calling: a machine with `Authorization: Bearer <key>`, or a signed-in browser session.

Both resolve to a platform user (the API client's service user, or the session user), and every
endpoint then reads through the same scoped selectors as the pages with that user. A request
that presents a Bearer key is judged by the key alone: a bad, expired or revoked key is a 401
even if a session cookie is present too.
"""

from __future__ import annotations

from django.utils import timezone
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from apps.api.errors import ApiAuthError
from apps.api.selectors import api_client_for_key
from apps.api.services import api_client_touch


class TokenAuth(HttpBearer):
    """`Authorization: Bearer rp_…` — per-client keys made by `manage.py create_api_client`."""

    def __call__(self, request):
        header = request.headers.get("Authorization")
        if not header:
            return None  # let the session try
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise ApiAuthError("token_invalid", "Authorization 头格式应为：Bearer <接口密钥>")
        return self.authenticate(request, token.strip())

    def authenticate(self, request, token):
        client = api_client_for_key(token)
        if client is None:
            raise ApiAuthError("token_invalid", "接口密钥无效")
        now = timezone.now()
        state = client.state(now)
        if state == "revoked":
            raise ApiAuthError("token_revoked", "接口密钥已被吊销")
        if state == "expired":
            raise ApiAuthError("token_expired", "接口密钥已过期，请联系管理员重新签发")
        user = client.user
        if not user.is_active:
            raise ApiAuthError("token_revoked", "接口密钥对应的服务账号已停用")
        api_client_touch(client=client, now=now)
        user.api_client_in_use = client
        return user


class SessionAuth(APIKeyCookie):
    """The browser session of the pages; unsafe methods need the CSRF token (X-CSRFToken)."""

    def __init__(self):
        from django.conf import settings

        self.param_name = settings.SESSION_COOKIE_NAME
        super().__init__(csrf=True)

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None  # no session: 401, not a CSRF complaint
        if not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            from ninja.errors import HttpError

            raise HttpError(403, "CSRF check failed")
        return user

    def authenticate(self, request, key):  # pragma: no cover - __call__ does the work
        return None
