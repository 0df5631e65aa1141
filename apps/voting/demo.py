"""Demo step: owners' joint decisions in the showcase compounds (the only ones with units), all
through the services and replayed in time — one passed (双过半), one failed on quorum, one major
matter (第278条第8项) failing at 双四分之三 although most owners agreed, and one still open."""

from __future__ import annotations

import datetime

from django.utils import timezone

from apps.core.demo import GANGWAN_COMPOUND, WANTONG_COMPOUND, YIMENG_COMPOUND
from apps.registry.models import Compound
from apps.voting import services
from apps.voting.models import RollVoter

# (compound, title, form, matters, days before today it opens / closes, share taking part,
#  share of participants agreeing)
PLAN = [
    (
        WANTONG_COMPOUND,
        "续聘物业服务企业及修订管理规约",
        "internet",
        [(4, "续聘现物业服务企业，服务期三年"), (2, "修订管理规约第十二条（电动车停放）")],
        (60, 45),
        0.86,
        0.82,
    ),
    (
        YIMENG_COMPOUND,
        "使用专项维修资金维修屋面防水",
        "written",
        [(5, "使用专项维修资金维修1号楼屋面防水（预算8.6万元）")],
        (40, 25),
        0.52,
        0.9,
    ),
    (
        GANGWAN_COMPOUND,
        "地面共有车位改为收费停车",
        "meeting",
        [(8, "将小区地面共有部位划设车位并收取停车费，收益归全体业主")],
        (30, 20),
        0.9,
        0.66,
    ),
]
OPEN_PLAN = (
    WANTONG_COMPOUND,
    "加装电梯筹集资金方案",
    "internet",
    [(6, "按专有部分面积筹集加装电梯配套资金")],
)


def _at(today: datetime.date, days_before: int, hour: int = 9) -> datetime.datetime:
    day = today - datetime.timedelta(days=days_before)
    return timezone.make_aware(datetime.datetime(day.year, day.month, day.day, hour))


def _vote(rng, decision, share_part: float, share_yes: float, start, end, *, spare_accounts=False) -> int:
    voters = [
        v for v in RollVoter.objects.filter(decision=decision).prefetch_related("owners") if v.owners.all()
    ]
    if spare_accounts:  # the demo resident (an owner with an account) still has a vote to cast
        voters = [v for v in voters if not any(o.user_id for o in v.owners.all())]
    rng.shuffle(voters)
    taking = voters[: round(len(voters) * share_part)]
    yes_n = round(len(taking) * share_yes)
    span = (end - start).total_seconds()
    cast = 0
    for i, voter in enumerate(taking):
        choice = "yes" if i < yes_n else ("no" if rng.random() < 0.75 else "abstain")
        owner = next(iter(voter.owners.all()))
        when = start + datetime.timedelta(seconds=span * (i + 1) / (len(taking) + 2))
        services.ballot_cast(
            decision=decision,
            voter=voter,
            choices={m.pk: choice for m in decision.matters.all()},
            actor=None,
            owner=owner,
            now=when,
        )
        cast += 1
    return cast


def _compounds(names) -> dict:
    return {c.name: c for c in Compound.objects.filter(name__in=names, is_generated=True)}


def seed(*, rng, today, log) -> None:
    compounds = _compounds([p[0] for p in PLAN])
    for name, title, form, matters, (open_before, close_before), part, yes in PLAN:
        compound = compounds.get(name)
        if compound is None or not compound.units.exists():
            log(f"{name}：没有房屋数据，跳过")
            continue
        opens, closes = _at(today, open_before), _at(today, close_before, 18)
        committee = compound.committees.order_by("-term_start").first()
        decision = services.decision_create(
            actor=None,
            data={
                "compound": compound,
                "title": title,
                "form": form,
                "opens_at": opens,
                "closes_at": closes,
                "organiser": committee,
                "is_generated": True,
            },
            matters=[{"number": n, "title": t} for n, t in matters],
        )
        services.decision_open(decision=decision, actor=None, now=opens - datetime.timedelta(days=16))
        cast = _vote(rng, decision, part, yes, opens, closes)
        services.decision_close(decision=decision, actor=None, now=closes + datetime.timedelta(minutes=1))
        services.decision_publish(decision=decision, actor=None, now=closes + datetime.timedelta(days=1))
        verdicts = []
        for m in decision.matters.order_by("position"):
            r = m.result
            verdicts.append(
                f"第{m.number}项{r['rule']}："
                + ("通过" if r["passed"] else "参与不足三分之二" if not r["quorum"] else "未通过")
                + f"（参与人数{r['heads']['participation']}，同意人数{r['heads']['approval']}）"
            )
        log(f"{name}《{title}》{cast} 人投票；" + "；".join(verdicts))
    name, title, form, matters = OPEN_PLAN
    compound = compounds.get(name)
    if compound is not None and compound.units.exists():
        opens = _at(today, 3)
        decision = services.decision_create(
            actor=None,
            data={
                "compound": compound,
                "title": title,
                "form": form,
                "opens_at": opens,
                "closes_at": _at(today, -12, 18),
                "is_generated": True,
            },
            matters=[{"number": n, "title": t} for n, t in matters],
        )
        services.decision_open(decision=decision, actor=None, now=opens - datetime.timedelta(days=16))
        cast = _vote(
            rng, decision, 0.3, 0.7, opens, min(timezone.now(), _at(today, 0, 8)), spare_accounts=True
        )
        log(f"{name}《{title}》表决中，已有 {cast} 人投票")
