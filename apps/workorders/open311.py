"""Open311's domain: the work-order categories are the services, the work orders the service
requests; which compound a report is about; filing it through the intake service
(docs/open311.md has the mapping field by field). apps/api/open311 keeps the routing, the
api_key, throttling, parsing and the error shape, and calls only this module; a refusal here is
a DomainError (ForbiddenError: 403), which the adapter answers as a GeoReport error (400).

Reads with an api_key are limited to that client's scope (the same scoped selectors as the
pages). A single request looked up by its tracking code without a key shows what the public
tracking page shows: no description, names or handling unit.
"""

from __future__ import annotations

import math
import re

from django.http import Http404
from django.utils import timezone

from apps.core.errors import DomainError
from apps.core.scoping import scoped
from apps.workorders.choices import OPEN, Channel, Level, Status, level_region_code
from apps.workorders.models import Category, WorkOrder
from apps.workorders.selectors import category_active

# How far (metres) from a reported point the nearest compound may be.
NEAREST_COMPOUND_MAX_METRES = 1000
CLOSED = sorted({Status.CLOSED, Status.REJECTED, Status.MERGED})
TRACKING_CODE = re.compile(r"^[0-9A-Z]{10}$")


# ------------------------------------------------------------ services
def _service(c: Category) -> dict:
    words = [w for w in re.split(r"[、，,；;]", c.description.removesuffix("等")) if w.strip()]
    return {
        "service_code": c.code,
        "service_name": c.name,
        "description": c.description,
        "metadata": False,
        "type": "realtime",
        "keywords": ",".join(w.strip() for w in words),
        "group": c.get_default_handler_kind_display(),
    }


def service_list() -> list[dict]:
    """GeoReport `services`: one per active work-order category."""
    return [_service(c) for c in Category.objects.filter(is_active=True).order_by("sort_order", "id")]


def service_category(code: str) -> Category | None:
    """The active category behind a service code."""
    return category_active(code=code)


def service_get(code: str) -> dict | None:
    category = service_category(code)
    return _service(category) if category is not None else None


def service_definition(code: str) -> dict | None:
    """GeoReport `services/{code}`: {service_code, attributes: [...]}, or None if unknown."""
    service = service_get(code)
    return {"service_code": code, "attributes": []} if service is not None else None


# ------------------------------------------------------------ requests: output
def iso(value) -> str | None:
    """ISO 8601 in China time with its offset: 2026-05-06T09:30:00+08:00."""
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def open311_status(order: WorkOrder) -> str:
    return "open" if order.status in OPEN else "closed"


def status_notes(order: WorkOrder) -> str:
    label = Status(order.status).label
    if order.status == Status.REJECTED and order.end_reason:
        return f"{label}：{order.end_reason}"
    if order.status == Status.MERGED and order.merged_into_id:
        return f"{label}，请以查询码 {order.merged_into.tracking_code} 查询"
    if order.status in OPEN and order.level != Level.COMMUNITY:
        return f"{label}，{Level(order.level).label}督办中"
    return label


def _agency(order: WorkOrder, region_names: dict[str, str]) -> str:
    """The unit the order is (or was last) dispatched to; before any dispatch the desk's region."""
    if order.handler is not None:
        return str(order.handler)
    return region_names.get(level_region_code(order.region_code, order.level), "")


def _region_names(orders) -> dict[str, str]:
    from apps.regions.models import Region

    codes = {level_region_code(o.region_code, o.level) for o in orders if not o.handler_kind}
    return dict(Region.objects.filter(code__in=codes).values_list("code", "name")) if codes else {}


def request_out(order: WorkOrder, *, region_names: dict[str, str], public: bool = False) -> dict:
    compound = order.compound
    return {
        "service_request_id": order.tracking_code,
        "status": open311_status(order),
        "status_notes": status_notes(order),
        "service_name": order.category.name,
        "service_code": order.category.code,
        "description": "" if public else order.description,
        "agency_responsible": "" if public else _agency(order, region_names),
        "service_notice": "",
        "requested_datetime": iso(order.submitted_at),
        "updated_datetime": iso(order.updated_at),
        "expected_datetime": iso(order.due_at),
        "address": compound.address or compound.name,
        "address_id": compound.code,
        "zipcode": "",
        "lat": float(compound.latitude) if compound.latitude is not None else None,
        "long": float(compound.longitude) if compound.longitude is not None else None,
        "media_url": "",
    }


def _orders():
    return WorkOrder.objects.select_related(
        "compound", "category", "merged_into", "handler_company", "handler_committee", "handler_department"
    )


# ------------------------------------------------------------ requests: reads
def request_list(*, user, filters: dict) -> list[dict]:
    """GeoReport `GET requests` inside the client's scope, newest first, at most `limit`."""
    qs = scoped(_orders(), user).filter(submitted_at__gte=filters["start"], submitted_at__lte=filters["end"])
    if filters.get("ids"):
        qs = qs.filter(tracking_code__in=[i.upper() for i in filters["ids"]])
    if filters.get("service_codes"):
        qs = qs.filter(category__code__in=filters["service_codes"])
    statuses = filters.get("statuses") or set()
    if statuses == {"open"}:
        qs = qs.filter(status__in=sorted(OPEN))
    elif statuses == {"closed"}:
        qs = qs.filter(status__in=CLOSED)
    orders = list(qs.order_by("-submitted_at", "-id")[: filters["limit"]])
    names = _region_names(orders)
    return [request_out(o, region_names=names) for o in orders]


def _by_code(user, code: str) -> WorkOrder | None:
    code = (code or "").strip().upper()
    if not TRACKING_CODE.match(code):
        return None
    qs = _orders() if user is None else scoped(_orders(), user)
    return qs.filter(tracking_code=code).first()


def request_get(*, user, request_id: str) -> dict | None:
    """One request by its tracking code: in the client's scope with a key, else the public view."""
    order = _by_code(user, request_id)
    if order is None:
        return None
    return request_out(order, region_names=_region_names([order]), public=user is None)


def token_get(*, user, token: str) -> dict | None:
    """The platform files at once, so a token is the tracking code itself."""
    order = _by_code(user, token)
    if order is None:
        return None
    return {"service_request_id": order.tracking_code, "token": order.tracking_code}


# ------------------------------------------------------------ requests: intake
def _metres(lat1, lon1, lat2, lon2) -> float:
    """Great-circle distance (haversine), good enough at a city's scale."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371000 * math.asin(math.sqrt(a))


def locate_compound(*, user, data: dict):
    """The compound a request is about, inside the client's scope: by `address_id` (compound
    code), else the nearest compound to `lat`/`long` within NEAREST_COMPOUND_MAX_METRES, else the
    compound named in `address_string`. DomainError when none (or several) fit."""
    from apps.registry.models import Compound

    if data.get("address_id"):
        # The code is unique: one get. A compound the intake service accepts for this client
        # (`compound_allowed`) is in its scope; any other is checked against the scoped
        # compounds (e.g. a company's own: found, and then refused by the service with a 403).
        from apps.workorders.services.intake import compound_allowed

        try:
            found = Compound.objects.get(code=data["address_id"])
        except Compound.DoesNotExist:
            found = None
        if found is not None and not compound_allowed(user, found):
            found = scoped(Compound.objects.filter(pk=found.pk), user).first()
        if found is None:
            raise DomainError(f"address_id {data['address_id']} 不是您管辖范围内的小区编码")
        return found
    compounds = scoped(Compound.objects.all(), user)
    if "lat" in data:
        lat, lon = data["lat"], data["long"]
        dlat = NEAREST_COMPOUND_MAX_METRES / 111_000
        dlon = dlat / max(math.cos(math.radians(lat)), 0.01)
        near = compounds.filter(
            latitude__gte=lat - dlat,
            latitude__lte=lat + dlat,
            longitude__gte=lon - dlon,
            longitude__lte=lon + dlon,
        )
        ranked = sorted((_metres(lat, lon, float(c.latitude), float(c.longitude)), c.pk, c) for c in near)
        if ranked and ranked[0][0] <= NEAREST_COMPOUND_MAX_METRES:
            return ranked[0][2]
        if not data.get("address_string"):
            raise DomainError(
                f"lat/long 附近{NEAREST_COMPOUND_MAX_METRES}米内没有您管辖范围内的小区，请改用 address_id",
            )
    text = (data.get("address_string") or "").strip()
    if text:
        return _compound_by_address(compounds, text)
    raise DomainError("无法确定诉求所在的小区")


def _compound_by_address(compounds, text: str):
    """A compound whose name appears in the address (the longest such name), or the only one
    whose name or address contains it."""
    # Names are short; officials' scopes hold at most a few thousand compounds.
    rows = list(compounds.values_list("pk", "name", "address"))
    named = [(len(name), pk) for pk, name, _address in rows if name and name in text]
    if named:
        longest = max(length for length, _pk in named)
        best = [pk for length, pk in named if length == longest]
        if len(best) == 1:
            return compounds.get(pk=best[0])
        raise DomainError("address_string 对应多个同名小区，请改用 address_id（小区编码）")
    containing = [pk for pk, name, address in rows if text in name or (address and text in address)]
    if len(containing) == 1:
        return compounds.get(pk=containing[0])
    if containing:
        raise DomainError("address_string 对应多个小区，请写明小区名称或改用 address_id（小区编码）")
    raise DomainError(f"address_string“{text[:50]}”未匹配到您管辖范围内的小区，请改用 address_id")


def request_create(*, user, data: dict, category: Category | None = None) -> dict:
    """File a whistle through the work-order intake service, as the client's service user.
    `category`: the service's category if the caller has read it already."""
    from apps.workorders.services import workorder_submit

    if category is None:
        category = category_active(code=data["service_code"])
        if category is None:
            raise Category.DoesNotExist
    compound = locate_compound(user=user, data=data)
    description = data.get("description", "")
    if description and data.get("media_url"):
        description += f"\n图片链接：{data['media_url']}"
    try:
        order = workorder_submit(
            actor=user,
            compound=compound,
            category=category,
            description=description,
            channel=Channel.OPEN311,
            reporter_name=data.get("reporter_name", ""),
            reporter_phone=data.get("reporter_phone", ""),
        )
    except Http404 as exc:
        raise DomainError("诉求所在的小区不在您的管辖范围内") from exc
    return {
        "service_request_id": order.tracking_code,
        "token": order.tracking_code,
        "service_notice": _notice(order),
        "account_id": None,
    }


def _notice(order: WorkOrder) -> str:
    if order.due_at is None:
        return "已登记，等待社区受理（期限待定）"
    return f"已登记，社区应在{iso(order.due_at)}前受理并派单"
