"""The open API, version 1, mounted at /api/v1/: routers of the domain apps, auth, throttling,
the one error shape, and the OpenAPI schema (/api/v1/openapi.json) with docs (/api/v1/docs).

A new version would be a new module (v2.py) with its own NinjaAPI and urls_namespace, so that
v1 stays as it is for the clients that use it.
"""

from __future__ import annotations

from ninja import NinjaAPI
from ninja.renderers import JSONRenderer

from apps.api.auth import SessionAuth, TokenAuth
from apps.api.docs import LocalSwagger
from apps.api.errors import install_error_handlers
from apps.api.throttling import ApiThrottle, throttle_anonymous_view

DESCRIPTION = """
红色物业治理平台开放接口（第1版）。数据范围与页面一致：每个调用者只能看到其角色和管辖范围内的数据。

**认证**：机器客户端在请求头中携带 `Authorization: Bearer <接口密钥>`
（密钥由管理员在后台或用 `manage.py create_api_client` 创建，只显示一次）；
已登录的浏览器会话也可直接调用，非安全方法（POST 等）须带 `X-CSRFToken` 头。

**错误**：所有错误都是 `{"code": "...", "message": "中文说明", "field_errors": {"字段": ["..."]}}`，
状态码：400 参数或业务规则不符，401 未认证或密钥无效/过期/吊销，403 无权限，
404 不存在或不在管辖范围内，409 已被他人处理，429 请求过于频繁（见 `Retry-After` 头）。

**分页**：列表接口用 `page`、`page_size` 参数，返回 `count`（总数）和 `results`。
"""


class ChineseJSONRenderer(JSONRenderer):
    json_dumps_params = {"ensure_ascii": False}  # readable Chinese; the body is UTF-8 anyway


api = NinjaAPI(
    renderer=ChineseJSONRenderer(),
    title="红色物业治理平台开放接口",
    version="1.0.0",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    auth=[TokenAuth(), SessionAuth()],
    throttle=[ApiThrottle()],
    docs=LocalSwagger(),
    docs_url="/docs",
    openapi_url="/openapi.json",
    docs_decorator=throttle_anonymous_view,
)
install_error_handlers(api)


def _mount() -> None:
    """Every installed app's router, as it declares it (contribution.api_router)."""
    from apps.core.contributions import api_routers

    for router in api_routers():
        api.add_router("/", router)


_mount()
