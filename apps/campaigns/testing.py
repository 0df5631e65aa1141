"""Tests: one campaign, project and meeting on each side of the persona world (罗庄区 / 兰山区)."""

from __future__ import annotations

import datetime

from django.utils import timezone


def world_objects(world) -> None:
    from apps.campaigns import services
    from apps.core import testing as t
    from apps.regions.models import Region

    today = timezone.localdate()
    for side, compound, county, street, street_name in (
        (world.own, world.compound, t.COUNTY, t.STREET, "盛庄街道"),
        (world.other, world.other_compound, t.OTHER_COUNTY, t.OTHER_STREET, "兰山街道"),
    ):
        tag = "罗庄" if side is world.own else "兰山"
        campaign = services.campaign_create(
            actor=None,
            name=f"{tag}大排查",
            region=Region.objects.get(pk=county),
            start_date=today,
            end_date=today + datetime.timedelta(days=60),
            regions=[Region.objects.get(pk=county)],
            checklist=["道路是否完好", "有无房屋漏水"],
        )
        project = services.project_create(
            actor=None, compound=compound, name=f"{tag}停车位划分", campaign=campaign
        )
        meeting = services.meeting_convene(
            actor=None,
            title=f"{tag}物业联席会议",
            convener_region=Region.objects.get(pk=street),
            convener_name=f"{street_name}党工委",
            scheduled_at=timezone.now() + datetime.timedelta(days=3),
            compound=compound,
            invitees=[services.InviteeInput("branch", f"{compound.name}党支部")],
        )
        side.update(campaign=campaign, project=project, meeting=meeting)
