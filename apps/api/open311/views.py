"""Open311 GeoReport v2 endpoints under /open311/v2/ (http://wiki.open311.org/GeoReport_v2).

`services` and `requests` reads are public as in the spec; `POST requests` needs an `api_key`
(an API client key, see docs/api.md) and acts as that client's service user. Errors are lists
of {code, description}: 404 unknown service code, request or token; 403 missing or bad
api_key; 400 everything else. Throttled like the REST API (429 with Retry-After).
"""

from __future__ import annotations

import datetime
import functools
import re

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from apps.api.open311.render import Open311Error, error_response, respond
from apps.api.selectors import api_client_for_key
from apps.api.throttling import anon_throttle_check, hit
from apps.core.errors import DomainError
from apps.workorders import open311 as catalogue

MAX_DESCRIPTION = 4000
MAX_SPAN = datetime.timedelta(days=90)
MAX_REQUESTS = 1000
COMPOUND_CODE = re.compile(r"^\d{15}$")


def open311_view(methods: tuple[str, ...]):
    """Method check, anonymous throttle, Open311 error answers; never a stack trace."""

    def decorate(view):
        @csrf_exempt  # machine clients; POST is authenticated by api_key, not by a cookie
        @functools.wraps(view)
        def wrapper(request, *args, fmt: str = "json", **kwargs):
            if request.method not in methods:
                response = error_response(fmt, Open311Error(405, f"不支持 {request.method} 方法"))
                response["Allow"] = ", ".join(methods)
                return response
            try:
                if request.method == "GET":
                    wait = anon_throttle_check(request)
                    if wait is not None:
                        response = error_response(fmt, Open311Error(429, "请求过于频繁，请稍后再试"))
                        response["Retry-After"] = str(int(wait))
                        return response
                return view(request, *args, fmt=fmt, **kwargs)
            except Open311Error as exc:
                response = error_response(fmt, exc)
                if exc.retry_after:
                    response["Retry-After"] = str(exc.retry_after)
                return response
            except DomainError as exc:  # the domain refused: 403 for a permission, else 400
                return error_response(fmt, Open311Error(403 if exc.status == 403 else 400, exc.message))
            except RequestDataTooBig:
                return error_response(fmt, Open311Error(413, "请求体超过平台允许的大小"))
            except (OperationalError, InterfaceError):
                # A database restart: a retryable answer, never a 500.
                response = error_response(fmt, Open311Error(503, "数据库暂时不可用，请稍后重试"))
                response["Retry-After"] = str(settings.RETRY_AFTER_SECONDS)
                return response
            except Exception:
                import logging

                logging.getLogger(__name__).exception("Open311 error on %s", request.path)
                return error_response(fmt, Open311Error(500, "服务器内部错误，请稍后重试"))

        return wrapper

    return decorate


def client_user(request, fmt: str):
    """The service user of the api_key in the request, else a 403 (missing, bad, expired, revoked)."""
    key = (request.POST.get("api_key") or request.GET.get("api_key") or "").strip()
    if not key:
        raise Open311Error(403, "缺少 api_key")
    client = api_client_for_key(key)
    if client is None or client.state(timezone.now()) != "active" or not client.user.is_active:
        # Bad keys count against the caller's anonymous budget (docs/api.md): no guessing at speed.
        wait = anon_throttle_check(request)
        if wait is not None:
            raise Open311Error(429, "请求过于频繁，请稍后再试", retry_after=int(wait))
        raise Open311Error(403, "api_key 无效、已过期或已吊销")
    wait = hit("token", str(client.pk), settings.API_THROTTLE_TOKEN)
    if wait is not None:
        raise Open311Error(429, "请求过于频繁，请稍后再试", retry_after=int(wait))
    client.user.api_client_in_use = client
    return client.user


def _parse_datetime(value: str, name: str) -> datetime.datetime:
    from django.utils.dateparse import parse_datetime

    try:
        parsed = parse_datetime(value)
    except ValueError:
        parsed = None
    if parsed is None:
        raise Open311Error(400, f"{name} 应为 ISO 8601 时间，如 2026-05-01T08:00:00+08:00")
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def request_filters(params, *, now: datetime.datetime) -> dict:
    """GeoReport `GET requests` filters; the window is at most 90 days (default the last 90)."""
    out: dict = {}
    if params.get("service_request_id"):
        out["ids"] = [i.strip() for i in params["service_request_id"].split(",") if i.strip()][:MAX_REQUESTS]
    if params.get("service_code"):
        out["service_codes"] = [c.strip() for c in params["service_code"].split(",") if c.strip()]
    if params.get("status"):
        statuses = {s.strip() for s in params["status"].split(",") if s.strip()}
        if not statuses <= {"open", "closed"}:
            raise Open311Error(400, "status 只能是 open 或 closed（可用逗号分隔）")
        out["statuses"] = statuses
    end = _parse_datetime(params["end_date"], "end_date") if params.get("end_date") else now
    start = (
        _parse_datetime(params["start_date"], "start_date") if params.get("start_date") else end - MAX_SPAN
    )
    if start > end:
        raise Open311Error(400, "start_date 不能晚于 end_date")
    if end - start > MAX_SPAN:
        raise Open311Error(400, "start_date 与 end_date 相隔不能超过90天")
    out["start"], out["end"], out["limit"] = start, end, MAX_REQUESTS
    return out


def _float(value: str, name: str, low: float, high: float) -> float:
    try:
        number = float(value)
    except ValueError:
        raise Open311Error(400, f"{name} 应为数字") from None
    if not (low <= number <= high):  # also refuses nan
        raise Open311Error(400, f"{name} 应在 {low} 到 {high} 之间")
    return number


def request_input(data) -> dict:
    """Validate a GeoReport `POST requests` body (everything but the api_key)."""
    errors = []
    code = (data.get("service_code") or "").strip()
    if not code:
        errors.append("缺少 service_code")
    lat, lon = (data.get("lat") or "").strip(), (data.get("long") or "").strip()
    address, address_id = (data.get("address_string") or "").strip(), (data.get("address_id") or "").strip()
    location: dict = {}
    if lat or lon:
        if not (lat and lon):
            errors.append("lat 与 long 须同时提供")
        else:
            try:
                location = {"lat": _float(lat, "lat", -90, 90), "long": _float(lon, "long", -180, 180)}
            except Open311Error as exc:
                errors.extend(exc.descriptions)
    if address_id:
        if not COMPOUND_CODE.match(address_id):
            errors.append("address_id 应为15位小区编码")
        location["address_id"] = address_id
    if address:
        if len(address) > 250:
            errors.append("address_string 不能超过250个字符")
        location["address_string"] = address
    if not location and not errors:
        errors.append("须提供位置：lat+long、address_string 或 address_id（小区编码）之一")
    description = (data.get("description") or "").strip()
    if len(description) > MAX_DESCRIPTION:
        errors.append(f"description 不能超过{MAX_DESCRIPTION}个字符")
    media_url = (data.get("media_url") or "").strip()
    if media_url and not re.match(r"^https?://\S{1,2000}$", media_url):
        errors.append("media_url 应为 http(s) 地址")
    if any("\x00" in str(v) for v in data.values()):
        errors.append("请求含有非法字符")
    first, last = (data.get("first_name") or "").strip(), (data.get("last_name") or "").strip()
    # 张 + 三 → 张三 (family name first, no space); Latin names keep "First Last".
    name = " ".join(n for n in (first, last) if n) if (first + last).isascii() else last + first
    if len(name) > 50:
        errors.append("first_name 与 last_name 合计不能超过50个字符")
    phone = (data.get("phone") or "").strip()
    if len(phone) > 20:
        errors.append("phone 不能超过20个字符")
    if errors:
        raise Open311Error(400, *errors)
    return {
        "service_code": code,
        "description": description,
        "media_url": media_url,
        "reporter_name": name,
        "reporter_phone": phone,
        **location,
    }


# ------------------------------------------------------------ views
@open311_view(("GET",))
def services(request, *, fmt: str):
    return respond(fmt, "services", catalogue.service_list())


@open311_view(("GET",))
def service_definition(request, service_code: str, *, fmt: str):
    definition = catalogue.service_definition(service_code)
    if definition is None:
        raise Open311Error(404, f"未知的 service_code：{service_code}")
    return respond(fmt, "service_definition", definition)


@open311_view(("GET", "POST"))
def requests_view(request, *, fmt: str):
    if request.method == "POST":
        user = client_user(request, fmt)
        data = request_input(request.POST)
        category = catalogue.service_category(data["service_code"])
        if category is None:
            raise Open311Error(404, f"未知的 service_code：{data['service_code']}")
        created = catalogue.request_create(user=user, data=data, category=category)
        return respond(fmt, "service_requests", [created], status=201)
    # The list needs a key: it would otherwise hand out every tracking code (each one opens
    # its order's public status), and descriptions are the residents' own words.
    user = client_user(request, fmt)
    filters = request_filters(request.GET, now=timezone.now())
    return respond(fmt, "service_requests", catalogue.request_list(user=user, filters=filters))


def optional_client_user(request, fmt: str):
    """With an api_key: its service user (a bad key is still a 403); without: None (public)."""
    if request.GET.get("api_key") or request.POST.get("api_key"):
        return client_user(request, fmt)
    return None


@open311_view(("GET",))
def request_detail(request, request_id: str, *, fmt: str):
    found = catalogue.request_get(user=optional_client_user(request, fmt), request_id=request_id)
    if found is None:
        raise Open311Error(404, f"未找到编号为 {request_id} 的诉求")
    return respond(fmt, "service_requests", [found])


@open311_view(("GET",))
def token_detail(request, token: str, *, fmt: str):
    found = catalogue.token_get(user=optional_client_user(request, fmt), token=token)
    if found is None:
        raise Open311Error(404, f"未找到令牌 {token}")
    return respond(fmt, "service_requests", [found])


@csrf_exempt
def not_found(request, *args, **kwargs):
    fmt = "xml" if request.path.endswith(".xml") else "json"
    return error_response(fmt, Open311Error(404, "接口地址不存在；格式后缀应为 .json 或 .xml"))
