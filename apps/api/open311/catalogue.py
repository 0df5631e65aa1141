"""Where Open311 gets its data. Work orders (issue 3) are not in this branch yet, so the
catalogue is empty and no request exists; the work-order branch fills these functions in, and
the views, formats, validation and errors around them stay as they are (docs/open311.md)."""

from __future__ import annotations


def service_list() -> list[dict]:
    """GeoReport `services`: one dict per work-order category."""
    return []


def service_get(code: str) -> dict | None:
    return next((s for s in service_list() if s["service_code"] == code), None)


def service_definition(code: str) -> dict | None:
    """GeoReport `services/{code}`: {service_code, attributes: [...]}, or None if unknown."""
    service = service_get(code)
    return {"service_code": code, "attributes": []} if service is not None else None


def request_create(*, user, data: dict) -> dict:
    """File a whistle through the work-order intake service; returns {service_request_id, ...}.
    Unreachable while the catalogue is empty (an unknown service_code is a 404 first)."""
    raise NotImplementedError("work orders are not in this branch yet")


def request_list(*, user, filters: dict) -> list[dict]:
    return []


def request_get(*, user, request_id: str) -> dict | None:
    return None


def token_get(*, user, token: str) -> dict | None:
    return None
