import datetime

from django.utils import timezone

from apps.campaigns import services


def answers_for(campaign, ok=True):
    return {str(i.pk): {"ok": ok, "note": ""} for i in campaign.items.all()}


def inspect(world, actor_key="community", compound=None, problems=("小区主干道无水泥地，雨天泥泞",)):
    campaign = world.own["campaign"]
    return services.inspection_record(
        actor=world.users[actor_key],
        campaign=campaign,
        compound=compound or world.compound,
        answers=answers_for(campaign, ok=False),
        problems=[services.ProblemInput(description=p, location="南门", severity="high") for p in problems],
    )


def subitem(world, project=None, actor_key="community", **kw):
    data = dict(
        name="划分停车位",
        responsible_kind="company",
        responsible_unit="",
        responsible_company=world.company,
        budget="12000.50",
        funding_source="owners",
        planned_start=timezone.localdate(),
        planned_finish=timezone.localdate() + datetime.timedelta(days=20),
    )
    data.update(kw)
    return services.subitem_add(actor=world.users[actor_key], project=project or world.own["project"], **data)


def held_meeting(world, actor_key="street"):
    meeting = world.own["meeting"]
    invitee = meeting.invitees.first()
    return services.meeting_record(
        actor=world.users[actor_key], meeting=meeting, minutes="三方议定划分车位", attended=[invitee.pk]
    )
