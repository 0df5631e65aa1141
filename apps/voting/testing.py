"""Test helpers of owners' joint decisions: a small roll of owners with accounts, and a decision
on each side of the persona world (for the platform's scope tests)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from apps.core.testing import PASSWORD


def world_objects(world) -> None:
    from apps.voting.services import decision_create

    for side, compound in (("own", world.compound), ("other", world.other_compound)):
        start = timezone.now() + datetime.timedelta(days=20)
        getattr(world, side)["decision"] = decision_create(
            actor=None,
            data={
                "compound": compound,
                "title": f"{compound.name}选聘物业服务企业",
                "form": "internet",
                "opens_at": start,
                "closes_at": start + datetime.timedelta(days=10),
            },
            matters=[{"number": 4, "title": "续聘现物业服务企业"}],
        )


def build_roll(compound, spec: list[tuple], *, tag: str = "表决", with_users: bool = True) -> dict:
    """Units and owners from `spec`: (unit number, owner names, registered, surveyed, contract,
    developer_held). Owners with the same name are the same person. Returns {"units", "owners",
    "users"} keyed by number / name."""
    from apps.accounts.services import user_create
    from apps.registry.services import building_create, owner_create, owner_unit_link, unit_create

    building = building_create(actor=None, data={"compound": compound, "name": f"{tag}楼", "floors": 6})
    units, owners, users = {}, {}, {}
    for row in spec:
        number, names, registered, surveyed, contract, *rest = row
        developer = bool(rest and rest[0])
        unit = unit_create(
            actor=None,
            data={
                "building": building,
                "number": number,
                "registered_area": Decimal(registered) if registered else None,
                "surveyed_area": Decimal(surveyed) if surveyed else None,
                "contract_area": Decimal(contract) if contract else None,
                "developer_held": developer,
            },
        )
        units[number] = unit
        for name in names:
            if name not in owners:
                user = None
                if with_users:
                    user = user_create(
                        actor=None,
                        username=f"v_{tag}_{len(owners)}",
                        password=PASSWORD,
                        role="resident",
                        full_name=name,
                        compound=compound,
                    )
                    users[name] = user
                owners[name] = owner_create(
                    actor=None, data={"name": name, "user": user, "is_developer": name == "开发商"}
                )
            owner_unit_link(owner=owners[name], unit=unit, actor=None)
    return {"units": units, "owners": owners, "users": users, "building": building}
