"""One JSON error shape for the whole API: {"code", "message" (Chinese), "field_errors"}.

Every exception an endpoint can raise is mapped here to a precise status: 400 bad input or a
refused rule, 401 no or bad credentials, 403 not allowed, 404 not found (or outside the
caller's scope), 405 wrong method, 409 somebody else moved first, 429 throttled, 500 anything
unexpected — with a generic message and never a stack trace.
"""

from __future__ import annotations

import functools
import logging
import math

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

from apps.core.api import ErrorOut  # noqa: F401  (the error body; re-exported for the API's modules)
from apps.core.errors import DomainError

log = logging.getLogger(__name__)

MESSAGES = {
    400: "请求参数有误",
    401: "请先登录，或在 Authorization 头中提供有效的接口密钥（Bearer）",
    403: "您无权执行此操作",
    404: "未找到该记录，或您无权查看",
    405: "不支持该请求方法",
    409: "该记录已被他人处理或状态已变化，请刷新后重试",
    413: "请求体超过平台允许的大小",
    429: "请求过于频繁，请稍后再试",
    500: "服务器内部错误，请稍后重试；如持续出现请联系管理员",
    503: "数据库暂时不可用，请稍后重试",
}
CODES = {
    400: "invalid",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    429: "throttled",
    500: "server_error",
    503: "unavailable",
}


class ApiAuthError(AuthenticationError):
    """401 with a specific code (bad, expired or revoked key)."""

    def __init__(self, code: str, message: str):
        super().__init__(401, message)
        self.code = code


class ApiThrottled(Throttled):
    pass


def error_body(status: int, *, code: str = "", message: str = "", field_errors: dict | None = None) -> dict:
    return {
        "code": code or CODES.get(status, "error"),
        "message": message or MESSAGES.get(status, "请求失败"),
        "field_errors": field_errors or {},
    }


def error_response(status: int, **kwargs) -> JsonResponse:
    response = JsonResponse(
        error_body(status, **kwargs), status=status, json_dumps_params={"ensure_ascii": False}
    )
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


# ------------------------------------------------------------ pydantic messages in Chinese
def _pydantic_message(err: dict) -> str:
    kind = err.get("type", "")
    ctx = err.get("ctx") or {}
    simple = {
        "missing": "此项必填",
        "int_parsing": "请输入整数",
        "int_type": "请输入整数",
        "int_from_float": "请输入整数",
        "float_parsing": "请输入数字",
        "float_type": "请输入数字",
        "bool_parsing": "请输入 true 或 false",
        "bool_type": "请输入 true 或 false",
        "string_type": "请输入文本",
        "date_parsing": "请输入有效日期（YYYY-MM-DD）",
        "date_from_datetime_parsing": "请输入有效日期（YYYY-MM-DD）",
        "date_type": "请输入有效日期（YYYY-MM-DD）",
        "datetime_parsing": "请输入有效时间（ISO 8601，含时区）",
        "datetime_from_date_parsing": "请输入有效时间（ISO 8601，含时区）",
        "datetime_type": "请输入有效时间（ISO 8601，含时区）",
        "json_invalid": "请求体不是有效的 JSON",
        "model_attributes_type": "请求体应为 JSON 对象",
        "dict_type": "请求体应为 JSON 对象",
        "list_type": "请输入列表",
        "string_pattern_mismatch": "格式不正确",
        "value_error": "取值无效",
        "extra_forbidden": "不允许的字段",
    }
    if kind == "value_error":
        # Our own validators raise Chinese messages; pydantic prefixes them with "Value error, ".
        text = str(err.get("msg", "")).removeprefix("Value error, ")
        if text and not text.isascii():
            return text
    if kind in simple:
        return simple[kind]
    if kind in {"greater_than_equal", "greater_than"}:
        return (
            f"不能小于{ctx.get('ge', ctx.get('gt'))}"
            if kind == "greater_than_equal"
            else f"应大于{ctx.get('gt')}"
        )
    if kind in {"less_than_equal", "less_than"}:
        return (
            f"不能大于{ctx.get('le', ctx.get('lt'))}"
            if kind == "less_than_equal"
            else f"应小于{ctx.get('lt')}"
        )
    if kind == "string_too_long":
        return f"长度不能超过{ctx.get('max_length')}个字符"
    if kind == "string_too_short":
        return f"长度不能少于{ctx.get('min_length')}个字符"
    if kind in {"literal_error", "enum"}:
        return f"可选值：{ctx.get('expected', '')}"
    return "取值无效"


def _field_name(loc) -> str:
    parts = [str(p) for p in loc or []]
    # ninja prefixes the source ("query", "path", "body") and the schema argument name.
    if parts and parts[0] in {"query", "path", "body", "header", "cookie", "form", "file"}:
        parts = parts[1:]
        if len(parts) > 1 and parts[0] in {"filters", "params", "payload", "data"}:
            parts = parts[1:]
    return ".".join(parts) or "__all__"


def field_errors_from_ninja(errors: list[dict]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for err in errors:
        out.setdefault(_field_name(err.get("loc")), []).append(_pydantic_message(err))
    return out


def field_errors_from_django(exc: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {field: list(messages) for field, messages in exc.message_dict.items()}
    return {"__all__": list(exc.messages)}


def _message_from_fields(field_errors: dict[str, list[str]]) -> str:
    parts = []
    for field, messages in field_errors.items():
        for m in messages:
            parts.append(m if field == "__all__" else f"{field}：{m}")
    return "；".join(parts)[:500] or MESSAGES[400]


# ------------------------------------------------------------ handlers
def install_error_handlers(api: NinjaAPI) -> None:
    def respond(request, status: int, **kwargs) -> HttpResponse:
        response = api.create_response(request, error_body(status, **kwargs), status=status)
        if status == 401:
            response["WWW-Authenticate"] = 'Bearer realm="api"'
        return response

    def on_validation(request, exc: NinjaValidationError):
        fields = field_errors_from_ninja(exc.errors)
        return respond(
            request, 400, code="invalid", message=_message_from_fields(fields), field_errors=fields
        )

    def on_django_validation(request, exc: DjangoValidationError):
        fields = field_errors_from_django(exc)
        return respond(
            request, 400, code="invalid", message=_message_from_fields(fields), field_errors=fields
        )

    def on_domain(request, exc: DomainError):
        return respond(request, exc.status, code=exc.code, message=exc.message, field_errors=exc.field_errors)

    def on_authentication(request, exc: AuthenticationError):
        from apps.api.throttling import anon_throttle_check

        # Failed and missing credentials count against the caller's anonymous budget, so that
        # keys cannot be guessed at full speed.
        wait = anon_throttle_check(request)
        if wait is not None:
            return on_throttled(request, ApiThrottled(wait))
        code = getattr(exc, "code", "not_authenticated")
        message = exc.message if code != "not_authenticated" else MESSAGES[401]
        return respond(request, 401, code=code, message=message)

    def on_throttled(request, exc: Throttled):
        response = respond(request, 429)
        response["Retry-After"] = str(max(1, math.ceil(exc.wait or 1)))
        return response

    def on_http_error(request, exc: HttpError):
        status = exc.status_code
        if status == 403 and "CSRF" in str(exc):
            return respond(request, 403, code="csrf_failed", message="CSRF 校验失败：请刷新页面后重试")
        return respond(request, status if status in MESSAGES else 400)

    def on_not_found(request, exc: Http404):
        return respond(request, 404)

    def on_permission_denied(request, exc: PermissionDenied):
        return respond(request, 403, message=str(exc) or MESSAGES[403])

    def on_too_big(request, exc: RequestDataTooBig):
        return respond(request, 413, code="too_large", message="请求体超过平台允许的大小")

    def on_database_away(request, exc: Exception):
        log.error("API: database unavailable on %s %s: %s", request.method, request.path, exc)
        response = respond(request, 503, code="unavailable", message="数据库暂时不可用，请稍后重试")
        response["Retry-After"] = str(settings.RETRY_AFTER_SECONDS)
        return response

    def on_overflow(request, exc: OverflowError):
        return respond(request, 400, code="invalid", message="日期或数值超出允许范围")

    def on_unexpected(request, exc: Exception):
        log.exception("API error on %s %s", request.method, request.path, exc_info=exc)
        return respond(request, 500)

    api.add_exception_handler(NinjaValidationError, on_validation)
    api.add_exception_handler(DjangoValidationError, on_django_validation)
    api.add_exception_handler(DomainError, on_domain)
    api.add_exception_handler(AuthenticationError, on_authentication)
    api.add_exception_handler(Throttled, on_throttled)
    api.add_exception_handler(HttpError, on_http_error)
    api.add_exception_handler(Http404, on_not_found)
    api.add_exception_handler(PermissionDenied, on_permission_denied)
    api.add_exception_handler(RequestDataTooBig, on_too_big)
    api.add_exception_handler(OperationalError, on_database_away)
    api.add_exception_handler(InterfaceError, on_database_away)
    api.add_exception_handler(OverflowError, on_overflow)
    api.add_exception_handler(Exception, on_unexpected)


def json_errors(view):
    """Wrap a view so that error answers produced outside the handlers above (ninja's plain-text
    405, Django's HTML 404) also come in the one JSON shape."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code >= 400 and "json" not in response.get("Content-Type", ""):
            status = response.status_code
            allow = response.get("Allow")
            response = error_response(status if status in MESSAGES else 400)
            if allow:
                response["Allow"] = allow
        return response

    return wrapper


@csrf_exempt  # an unknown address is a 404 for every method, not a CSRF page
def not_found_view(request, *args, **kwargs):
    return error_response(404, message="接口地址不存在，请查看 /api/v1/docs")
