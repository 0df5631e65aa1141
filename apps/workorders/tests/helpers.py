"""Builders for work-order tests: everything goes through the services."""

from __future__ import annotations

import datetime
import io
import os
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from apps.workorders import services
from apps.workorders.models import Category, WorkOrder

TZ = ZoneInfo("Asia/Shanghai")


def at(y, m, d, hh=9, mm=0) -> datetime.datetime:
    return datetime.datetime(y, m, d, hh, mm, tzinfo=TZ)


def image_bytes(fmt: str = "JPEG", size=(32, 24), color=(200, 30, 30)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, format=fmt)
    return buf.getvalue()


def noisy_photo(name: str = "big.png", size=(300, 300)) -> SimpleUploadedFile:
    """An image that does not compress: its PNG is about 3 × width × height bytes."""
    buf = io.BytesIO()
    Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3)).save(buf, format="PNG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/png")


def photo(name: str = "现场.jpg", fmt: str = "JPEG", **kw) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, image_bytes(fmt, **kw), content_type="image/jpeg")


def category(code: str = "sanitation") -> Category:
    return Category.objects.get(code=code)


def submit(world, users, *, actor="resident", code="sanitation", now=None, **kw) -> WorkOrder:
    kw.setdefault("description", "3号楼东侧垃圾桶满溢三天无人清运")
    return services.workorder_submit(
        actor=users[actor] if actor else None, compound=world.compound, category=category(code), now=now, **kw
    )


def fresh(order: WorkOrder) -> WorkOrder:
    return WorkOrder.objects.select_related("category", "compound").get(pk=order.pk)


def to_dispatched(world, users, order=None, *, now=None, handler=None, **kw) -> WorkOrder:
    order = order or submit(world, users, now=now, **kw)
    services.workorder_accept(order=order, actor=users["community"], now=now)
    services.workorder_dispatch(
        order=order, actor=users["community"], handler=handler or world.company, now=now
    )
    return order


def to_signed(world, users, order=None, *, now=None, **kw) -> WorkOrder:
    order = to_dispatched(world, users, order, now=now, **kw)
    services.workorder_sign(order=order, actor=users["company"], now=now)
    return order


def to_resolved(world, users, order=None, *, now=None, **kw) -> WorkOrder:
    order = to_signed(world, users, order, now=now, **kw)
    services.workorder_resolve(
        order=order, actor=users["company"], note="已清运并消毒", photo_files=[photo()], now=now
    )
    return order


def to_called_back(
    world, users, order=None, *, now=None, satisfaction="satisfied", solved=True, **kw
) -> WorkOrder:
    order = to_resolved(world, users, order, now=now, **kw)
    services.workorder_callback(
        order=order,
        actor=users["community"],
        reached=True,
        contacted=True,
        solved=solved,
        satisfaction=satisfaction,
        now=now,
    )
    return order
