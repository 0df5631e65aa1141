"""A small API with the real auth, throttling and error handlers, whose endpoints raise each
kind of error on purpose (the real 409s are in apps/workorders/tests/test_api.py)."""

from django.core.exceptions import ValidationError
from django.urls import include, path
from ninja import NinjaAPI, Schema

from apps.api.auth import SessionAuth, TokenAuth
from apps.api.errors import install_error_handlers
from apps.api.throttling import ApiThrottle
from apps.api.urls import _json_errors
from apps.core.errors import ConflictError, DomainError, ForbiddenError

api = NinjaAPI(urls_namespace="api-testing", auth=[TokenAuth(), SessionAuth()], throttle=[ApiThrottle()])
install_error_handlers(api)


class Payload(Schema):
    count: int
    name: str


@api.post("/conflict")
def conflict(request):
    raise ConflictError("该工单已被他人受理")


@api.post("/domain")
def domain(request):
    raise DomainError("描述不能为空", field_errors={"description": ["此项必填"]})


@api.post("/forbidden")
def forbidden(request):
    raise ForbiddenError("只读用户不能修改")


@api.post("/django-validation")
def django_validation(request):
    raise ValidationError({"phone": ["手机号码应为以1开头的11位数字"]})


@api.get("/boom")
def boom(request):
    raise RuntimeError("secret internals /etc/passwd")


@api.post("/echo")
def echo(request, payload: Payload):
    return {"count": payload.count, "name": payload.name, "user": request.auth.username}


urlpatterns = [
    path("api/testing/", _json_errors(api.urls)),
    path("", include("config.urls")),
]
