"""Error answers in the site's language and layout (issue 13.2, 20.4, 20.7).

Pages get a Chinese page in the site layout; /api/ answers the API's JSON error shape and
/open311/ the GeoReport error list — for 400, 403, 404, 413, 500 and 503 alike, whether the
error comes from a view, from Django's URL resolver or from a middleware. 500 and 503 use a
standalone copy of the layout that needs neither the database nor the signed-in user (the
database may be what failed).
"""

from __future__ import annotations

import json
import logging

from django.conf import settings
from django.http import HttpResponse
from django.template import loader

log = logging.getLogger(__name__)

TITLES = {
    400: "请求有误",
    403: "无权访问",
    404: "未找到",
    405: "不支持的请求方法",
    413: "提交的内容过大",
    500: "系统暂时出现问题",
    503: "系统暂时不可用",
}
TEXTS = {
    400: "请求中有无法处理的内容，请检查输入后重试。",
    403: "您的角色无权执行此操作。",
    404: "该页面或记录不存在，或不在您的管辖范围内。",
    405: "该地址不支持此请求方法。",
    413: "提交的内容超过了平台允许的大小，请减少内容或分批提交。",
    500: "已记录此错误，请稍后重试。如持续出现，请联系平台管理员。",
    503: "数据库正在维护或重启，请稍等片刻后刷新重试。",
}
CODES = {
    400: "invalid",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    500: "server_error",
    503: "unavailable",
}
API_PREFIXES = ("/api/", "/open311/")


def retry_after() -> int:
    return settings.RETRY_AFTER_SECONDS


def is_machine_path(path: str) -> bool:
    return path.startswith(API_PREFIXES) or path in ("/api", "/open311")


def _json(request, status: int, message: str) -> HttpResponse:
    if request.path.startswith("/open311/"):
        body = [{"code": status, "description": message}]
        if request.path.endswith(".xml"):
            from xml.sax.saxutils import escape

            xml = (
                '<?xml version="1.0" encoding="utf-8"?><errors><error>'
                f"<code>{status}</code><description>{escape(message)}</description></error></errors>"
            )
            return HttpResponse(xml, status=status, content_type="text/xml; charset=utf-8")
    else:
        body = {"code": CODES.get(status, "error"), "message": message, "field_errors": {}}
    return HttpResponse(
        json.dumps(body, ensure_ascii=False), status=status, content_type="application/json; charset=utf-8"
    )


def _page(request, status: int, message: str) -> HttpResponse:
    context = {
        "status": status,
        "heading": TITLES.get(status, "出错了"),
        "message": message,
        "PLATFORM_NAME": settings.PLATFORM_NAME,
    }
    if status < 500:
        try:
            return HttpResponse(loader.render_to_string("errors/page.html", context, request), status=status)
        except Exception:  # the layout itself failed (its context needs the database)
            log.exception("error page %s could not be rendered in the layout", status)
    html = loader.render_to_string("errors/standalone.html", context)
    return HttpResponse(html, status=status)


def error_answer(request, status: int, message: str = "") -> HttpResponse:
    message = message or TEXTS.get(status, "请求失败")
    response = (
        _json(request, status, message) if is_machine_path(request.path) else _page(request, status, message)
    )
    if status == 503:
        response["Retry-After"] = str(retry_after())
    return response


# ------------------------------------------------------------ Django's handler400/403/404/500
def bad_request(request, exception=None):
    return error_answer(request, 400)


def permission_denied(request, exception=None):
    message = str(exception) if exception is not None and str(exception) else ""
    return error_answer(request, 403, message)


def page_not_found(request, exception=None):
    return error_answer(
        request, 404, "接口地址不存在，请查看 /api/v1/docs" if request.path.startswith("/api/") else ""
    )


def server_error(request):
    # Django calls the handler inside its `except`: a lost database (wherever it was noticed —
    # session, auth, view, template) is a retryable 503, not a 500.
    import sys

    from django.db import InterfaceError, OperationalError

    exc = sys.exc_info()[1]
    if isinstance(exc, OperationalError | InterfaceError):
        return error_answer(request, 503)
    return error_answer(request, 500)


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: a Chinese 403 (JSON under /api/) instead of Django's English page."""
    return error_answer(request, 403, "页面已过期或来源校验失败（CSRF），请刷新页面后重试。")
