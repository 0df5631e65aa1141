"""Tests only: the registry's objects on each side of the persona world (contribution.world)."""

from __future__ import annotations

from decimal import Decimal

from apps.core.testing import make_id_number


def world_objects(world) -> None:
    from apps.registry.services import building_create, owner_create, unit_create

    for key, side in world.sides.items():
        building = building_create(
            actor=None, data={"compound": side.compound, "name": f"{side.tag}1号楼", "floors": 6}
        )
        unit = unit_create(
            actor=None,
            data={
                "building": building,
                "stair": "1单元",
                "number": "101",
                "registered_area": Decimal("89.50"),
            },
        )
        owner = owner_create(
            actor=None,
            data={
                "name": f"{side.tag}业主甲",
                "phone": "13912345678",
                "id_number": make_id_number(world.rng, side.county.code),
            },
            units=[unit],
        )
        world.side_objects(key).update(
            building=building, unit=unit, owner=owner, ownerunit=owner.unit_links.get()
        )
