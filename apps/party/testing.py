"""Tests only: the party app's objects on each side of the persona world (contribution.world)."""

from __future__ import annotations

import datetime


def world_objects(world) -> None:
    from apps.party.services import instructor_create, party_org_create, rating_record, secretary_create

    for key, side in world.sides.items():
        company_org = party_org_create(
            actor=None,
            data={
                "name": f"{side.company.name}党支部",
                "kind": "company_org",
                "region": side.county,
                "company": side.company,
                "member_count": 5,
            },
        )
        branch = party_org_create(
            actor=None,
            data={
                "name": f"{side.compound.name}党支部",
                "kind": "compound_branch",
                "region": side.community,
                "compound": side.compound,
                "member_count": 9,
            },
        )
        rating = rating_record(
            actor=None, data={"party_org": company_org, "year": 2025, "stars": 4, "issuer": "市物业行业党委"}
        )
        instructor = instructor_create(
            actor=None,
            data={
                "name": f"{side.tag}指导员",
                "sending_unit": "区住建局",
                "region": side.county,
                "start_date": datetime.date(2024, 1, 1),
                "companies": [side.company],
                "committees": [side.committee],
            },
        )
        secretary = secretary_create(
            actor=None,
            data={
                "name": f"{side.tag}书记",
                "sending_unit": "区委组织部",
                "community": side.community,
                "start_date": datetime.date(2023, 3, 1),
            },
        )
        world.side_objects(key).update(
            partyorg=company_org, branch=branch, rating=rating, instructor=instructor, secretary=secretary
        )
