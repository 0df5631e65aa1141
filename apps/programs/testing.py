"""Test world: one arrangement on each side of the persona world (the world's own compounds,
with the mode they already have, so no other app's counts move); and an owners' decision
through the voting services for the tests of the links to it."""

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


def owners_decision(compound, *, passed=True, tag="决定", publish=True):
    """A voting Decision of `compound` put to three owners through the voting services: all vote
    yes (passed) or no (not passed), closed early and published."""
    from django.test import override_settings  # tests only
    from django.utils import timezone

    from apps.voting import services as voting
    from apps.voting.selectors import voters_for_user
    from apps.voting.testing import build_roll

    roll = build_roll(
        compound,
        [(f"{n}01", [f"{tag}{name}"], "200", None, None) for n, name in enumerate("甲乙丙", start=1)],
        tag=tag,
    )
    rules = {
        "proxy_limit": 3,
        "advance_notice_days": 0,
        "publish_within_days": 3,
        "notice_period_days": 15,
        "retention_years": 10,
    }
    with override_settings(VOTING_RULES_DEFAULT=rules):
        now = timezone.now()
        d = voting.decision_create(
            actor=None,
            data={
                "compound": compound,
                "title": f"{compound.name}选聘物业服务企业（{tag}）",
                "form": "internet",
                "opens_at": now,
                "closes_at": now + datetime.timedelta(days=7),
            },
            matters=[{"number": 4, "title": "选聘帮扶企业为物业服务企业"}],
        )
        d = voting.decision_open(decision=d, actor=None)
        matter = d.matters.get()
        for user in roll["users"].values():
            user.refresh_from_db()
            for row in voters_for_user(d, user):  # the owner's own voter row of the frozen roll
                voting.ballot_cast(
                    decision=d, voter=row["voter"], choices={matter.pk: "yes" if passed else "no"}, actor=user
                )
        d = voting.decision_close(decision=d, actor=None, note="全部业主已表决（测试）")
        if publish:
            d = voting.decision_publish(decision=d, actor=None)
    return d
