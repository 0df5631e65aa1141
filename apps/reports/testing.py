"""Test helpers: one stored monthly report on each side of the persona world (罗庄区, 兰山区),
saved through the service with small stand-in files (rendering is tested on its own)."""

from __future__ import annotations

import datetime


def world_objects(world) -> None:
    from apps.reports.services import monthly_report_save

    month = datetime.date(2026, 10, 1)
    for side, objects in (("own", world.own), ("other", world.other)):
        county = world.sides[side].county
        objects["monthlyreport"] = monthly_report_save(
            region=county,
            month=month,
            data={"region": {"code": county.code, "name": county.name}, "month": "2026-10", "sections": []},
            pdf=b"%PDF-1.4 stand-in",
            xlsx=b"PK stand-in",
            actor=None,
            notify=False,
        )
