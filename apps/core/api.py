"""Building blocks the domain routers (each app's api.py) share: paging, common filters,
permission checks, the one error body (`ErrorOut`) and the `responses()` table that documents
the error answers of an operation. In core, so that apps never import apps.api: that app keeps
the mount, authentication, throttling, the exception handlers that produce the error shape, and
the docs."""

from __future__ import annotations

import datetime
import re
from typing import Annotated

from django.conf import settings
from django.db.models import Q, QuerySet
from ninja import Field, Schema
from pydantic import BeforeValidator, create_model

from apps.core.errors import ForbiddenError
from apps.core.scoping import Scope

# Query text: no NUL characters (PostgreSQL refuses them), bounded length.
SearchText = Annotated[str, Field(max_length=100, pattern=r"^[^\x00]*$", description="名称关键字")]
# A region code (NBS): 6 digits (province/city/county), 9 (street) or 12 (community).
RegionCode = Annotated[
    str,
    Field(
        pattern=r"^(\d{6}|\d{9}|\d{12})$",
        description="区划代码（6/9/12位），含其下级区划，如 371311 罗庄区",
        examples=["371311"],
    ),
]


# A calendar date in query filters: exactly YYYY-MM-DD (pydantic alone would take "0" or a Unix
# timestamp as a date) and within years 1900–2100, so that "9999-12-31" + one day cannot overflow.
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DAY_MIN, DAY_MAX = datetime.date(1900, 1, 1), datetime.date(2100, 12, 31)


def _strict_day(value):
    if isinstance(value, str) and not _ISO_DAY.match(value.strip()):
        raise ValueError("请输入有效日期（YYYY-MM-DD）")
    if isinstance(value, int | float):
        raise ValueError("请输入有效日期（YYYY-MM-DD）")
    return value


QueryDate = Annotated[
    datetime.date,
    BeforeValidator(_strict_day),
    Field(ge=DAY_MIN, le=DAY_MAX, description="日期（YYYY-MM-DD，1900–2100年）"),
]


class ErrorOut(Schema):
    """The body of every error answer."""

    code: str
    message: str
    field_errors: dict[str, list[str]] = {}


class PageParams(Schema):
    page: int = Field(1, ge=1, le=100_000, description="页码，从1开始")
    page_size: int = Field(
        settings.API_PAGE_SIZE, ge=1, le=settings.API_MAX_PAGE_SIZE, description="每页条数"
    )


def page_schema(item: type[Schema], name: str) -> type[Schema]:
    """A named page model: {count, page, page_size, results: [item]}."""
    return create_model(
        name,
        __base__=Schema,
        __doc__=f"分页结果：{item.__name__}",
        count=(int, Field(..., description="符合条件的总条数")),
        page=(int, ...),
        page_size=(int, ...),
        results=(list[item], ...),
    )


def paginate(qs: QuerySet, params: PageParams, convert) -> dict:
    """One COUNT and one page of rows; `convert` turns a row into the output dict."""
    count = qs.count()
    start = (params.page - 1) * params.page_size
    rows = list(qs[start : start + params.page_size]) if start < count else []
    return {
        "count": count,
        "page": params.page,
        "page_size": params.page_size,
        "results": [convert(r) for r in rows],
    }


def region_prefix_of(code: str) -> str:
    """Prefix shared by everything inside a region: 370000 → 37, 371300 → 3713, 371311 → 371311."""
    if len(code) == 6:
        while code.endswith("00") and len(code) > 2:
            code = code[:-2]
    return code


def in_region_q(model, code: str) -> Q:
    """Rows inside a region, by the model's own scope rule (the same one the pages use)."""
    q = model.scope_q(Scope(region_code=code, region_prefix=region_prefix_of(code)))
    return q if q is not None else Q(pk__in=[])


def require_perm(user, perm: str, message: str = "您的角色无权查看此类数据") -> None:
    if not user.has_perm(perm):
        raise ForbiddenError(message)


ERRORS_READ = (400, 401, 403, 429)


def responses(ok, *, detail: bool = False, extra: tuple[int, ...] = ()) -> dict:
    """The answer table of an operation: its 200 model plus the error shape for each error code."""
    table = {200: ok}
    for status in (*ERRORS_READ, *((404,) if detail else ()), *extra):
        table[status] = ErrorOut
    return table


def ref(obj, *fields) -> dict | None:
    """{"id"/"code", "name"} of a related row, or None."""
    if obj is None:
        return None
    out = {f: getattr(obj, f) for f in fields}
    out["name"] = obj.name
    return out
