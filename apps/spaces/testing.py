"""Test helpers: one object of each 公共用房 model on each side of the persona world."""

from __future__ import annotations

import datetime
from decimal import Decimal

from apps.spaces.choices import RoomUse, SpaceKind


def objects_around(compound, tag: str) -> dict:
    from apps.spaces import services

    space = services.space_create(
        actor=None,
        data={
            "compound": compound,
            "kind": SpaceKind.PROPERTY_SERVICE,
            "name": f"{tag}物业服务中心",
            "building": "1号楼",
            "floor": 1,
            "floor_area": Decimal("120.00"),
            "clear_height": Decimal("3.00"),
        },
    )
    recovery = services.recovery_create(
        actor=None,
        data={
            "compound": compound,
            "occupant_kind": "developer",
            "occupant_name": f"{tag}置业有限公司",
            "occupied_area": Decimal("80.00"),
            "found_on": datetime.date(2021, 3, 1),
        },
    )
    centre = services.centre_create(
        actor=None, data={"compound": compound, "name": f"{tag}党群服务中心", "managed_by": f"{tag}党支部"}
    )
    room = services.room_create(
        actor=None,
        data={
            "centre": centre,
            "name": f"{tag}多功能室",
            "uses": [RoomUse.MORAL_LECTURE.value, RoomUse.CHOIR.value, RoomUse.READING.value],
            "capacity": 30,
            "opens_at": datetime.time(8, 0),
            "closes_at": datetime.time(21, 0),
            "open_weekdays": [0, 1, 2, 3, 4, 5, 6],
            "requires_approval": True,
        },
    )
    return {"publicspace": space, "recoverycase": recovery, "servicecentre": centre, "room": room}


def world_objects(world) -> None:
    """Adds world.own[...] (罗庄 compound) and world.other[...] (兰山 compound)."""
    world.own.update(objects_around(world.compound, "罗庄"))
    world.other.update(objects_around(world.other_compound, "兰山"))
