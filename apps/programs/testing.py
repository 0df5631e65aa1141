"""Test world: one arrangement on each side of the persona world (the world's own compounds,
with the mode they already have, so no other app's counts move)."""

import datetime


def world_objects(world) -> None:
    from apps.programs.services import arrangement_create

    for side, compound, company in (
        (world.own, world.compound, world.company),
        (world.other, world.other_compound, world.other_company),
    ):
        side["arrangement"] = arrangement_create(
            compound=compound,
            actor=None,
            data={"mode": "market", "company": company, "start_date": datetime.date(2020, 1, 1)},
        )
