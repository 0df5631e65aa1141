"""Tests only: the committees app's objects on each side of the persona world (contribution.world)."""

from __future__ import annotations


def world_objects(world) -> None:
    from apps.committees.services import rules_create

    for key, side in world.sides.items():
        rules = rules_create(
            actor=None,
            data={
                "region": side.county,
                "min_members": 5,
                "max_members": 11,
                "require_odd": True,
                "max_term_years": 5,
                "reelection_window_days": 90,
                "red_min_cross_appointed": 3,
                "red_min_party_share": "1/2",
                "management_min_owner_share": "1/2",
                "source": f"{side.tag}测试规则",
            },
        )
        world.side_objects(key).update(member=side.committee.members.first(), rules=rules)
