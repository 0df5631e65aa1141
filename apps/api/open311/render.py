"""GeoReport v2 answers in JSON or XML (chosen by the URL suffix), and its error list."""

from __future__ import annotations

import datetime
import json
from xml.etree import ElementTree as ET

from django.http import HttpResponse

# Element name of the items of each list, as in the GeoReport v2 XML examples.
ITEM_TAGS = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
    "media_urls": "media_url",
}


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return str(value)


def _append(parent: ET.Element, tag: str, value) -> None:
    node = ET.SubElement(parent, tag)
    if isinstance(value, dict):
        for key, item in value.items():
            _append(node, key, item)
    elif isinstance(value, list):
        for item in value:
            _append(node, ITEM_TAGS.get(tag, "item"), item)
    else:
        node.text = _text(value)


def to_xml(root: str, items: list | dict) -> bytes:
    """<root><item>…</item></root> for a list, or <root>…</root> for one object."""
    element = ET.Element(root)
    if isinstance(items, list):
        for item in items:
            _append(element, ITEM_TAGS.get(root, "item"), item)
    else:
        for key, value in items.items():
            _append(element, key, value)
    return b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(element, encoding="unicode").encode()


def _json_default(value):
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    raise TypeError(type(value))


def respond(fmt: str, root: str, data: list | dict, status: int = 200) -> HttpResponse:
    if fmt == "xml":
        return HttpResponse(to_xml(root, data), status=status, content_type="text/xml; charset=utf-8")
    body = json.dumps(data, ensure_ascii=False, default=_json_default)
    return HttpResponse(body.encode(), status=status, content_type="application/json; charset=utf-8")


class Open311Error(Exception):
    """An answer of GeoReport v2 errors: [{code, description}] with the HTTP status as code."""

    def __init__(self, status: int, description: str, *more: str, retry_after: int | None = None):
        super().__init__(description)
        self.status = status
        self.descriptions = [description, *more]
        self.retry_after = retry_after


def error_response(fmt: str, exc: Open311Error) -> HttpResponse:
    errors = [{"code": exc.status, "description": d} for d in exc.descriptions]
    return respond(fmt, "errors", errors, status=exc.status)
