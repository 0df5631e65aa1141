"""Request hygiene and response headers for every page and API answer (issue 20).

- `BadInputMiddleware` refuses, before any view runs, what would otherwise become a 500 deep
  inside: a NUL byte or invalid UTF-8 in the path or query string, invalid UTF-8 in a form
  body, a body over the upload limit (413). Answers are in the format of the path (JSON for
  /api/ and /open311/, a Chinese page otherwise).
- `SecurityHeadersMiddleware` sends a Content-Security-Policy on every HTML answer and
  `Cache-Control: no-store` on every answer to a signed-in user or an API key (such pages hold
  personal data and must not sit in a shared or back-button cache).
- `DatabaseOutageMiddleware` answers a lost database (OperationalError / InterfaceError, e.g.
  during a PostgreSQL restart) with a Chinese 503 and Retry-After that clients can retry.
"""

from __future__ import annotations

import logging
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.utils.cache import patch_cache_control

from apps.core import errorpages

log = logging.getLogger(__name__)


def _bad_bytes(raw: bytes) -> str | None:
    if b"\x00" in raw:
        return "请求中含有不允许的空字符（NUL）"
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return "请求中含有无效的 UTF-8 字符"
    return None


class BadInputMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path_raw = request.META.get("PATH_INFO", "").encode("latin-1", "replace")
        problem = _bad_bytes(path_raw) or _bad_bytes(unquote_to_bytes(request.META.get("QUERY_STRING", "")))
        if problem is None and "\x00" in request.path:
            problem = "请求中含有不允许的空字符（NUL）"
        if problem is not None:
            return errorpages.error_answer(request, 400, problem)
        if request.method in ("POST", "PUT", "PATCH"):
            too_big = self._too_big(request)
            if too_big is not None:
                return too_big
            ctype = request.META.get("CONTENT_TYPE", "")
            if ctype.startswith("application/x-www-form-urlencoded"):
                try:
                    body = request.body
                except RequestDataTooBig:
                    return errorpages.error_answer(request, 413)
                problem = _bad_bytes(unquote_to_bytes(body.replace(b"+", b" ")))
                if problem is not None:
                    return errorpages.error_answer(request, 400, problem)
            elif ctype.startswith("multipart/form-data"):
                # Django decodes multipart text fields with errors="replace": a field that held
                # invalid UTF-8 would be stored with U+FFFD in it. Refuse it instead.
                try:
                    values = [v for key in request.POST for v in request.POST.getlist(key)]
                except RequestDataTooBig:
                    return errorpages.error_answer(request, 413)
                except Exception:
                    values = []  # a malformed body: the view's form answers it
                if any("\ufffd" in v for v in values):
                    return errorpages.error_answer(request, 400, "请求中含有无效的 UTF-8 字符")
        try:
            return self.get_response(request)
        except RequestDataTooBig:
            return errorpages.error_answer(request, 413)

    @staticmethod
    def _too_big(request):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        ctype = request.META.get("CONTENT_TYPE", "")
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return errorpages.error_answer(request, 400, "Content-Length 无效")
        if ctype.startswith("multipart/form-data"):
            # files stream to disk and the form checks their size; a body larger than the largest
            # allowed upload is refused before any of it is read
            max_mb = getattr(settings, "UPLOAD_MAX_MB", None)
            if max_mb and length > (max_mb + 1) * 1024 * 1024:
                return errorpages.error_answer(
                    request, 413, f"文件过大：一次最多上传 {max_mb} MB，请拆分后分批上传"
                )
            return None
        if limit is None:
            return None
        if length > limit:
            return errorpages.error_answer(request, 413)
        return None

    def process_exception(self, request, exception):
        if isinstance(exception, RequestDataTooBig):
            return errorpages.error_answer(request, 413)
        return None


def content_security_policy() -> str:
    return settings.CONTENT_SECURITY_POLICY


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        ctype = response.get("Content-Type", "")
        if ctype.startswith("text/html") and "Content-Security-Policy" not in response:
            policy = content_security_policy()
            if policy:
                response["Content-Security-Policy"] = policy
        user = getattr(request, "user", None)
        signed_in = user is not None and getattr(user, "is_authenticated", False)
        if signed_in or request.META.get("HTTP_AUTHORIZATION") or "api_key" in request.GET:
            if not request.path.startswith("/" + settings.STATIC_URL.lstrip("/")):
                patch_cache_control(response, no_store=True, private=True)
                response["Pragma"] = "no-cache"
        return response


class DatabaseOutageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            return self.get_response(request)
        except (OperationalError, InterfaceError) as exc:  # raised outside a view (session, auth)
            return self._answer(request, exc)

    def process_exception(self, request, exception):
        if isinstance(exception, OperationalError | InterfaceError):
            return self._answer(request, exception)
        return None

    @staticmethod
    def _answer(request, exc):
        log.error("数据库暂不可用：%s %s：%s", request.method, request.path, exc)
        return errorpages.error_answer(request, 503)
