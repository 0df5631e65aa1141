"""Open API of owners' joint decisions (read only): /api/v1/voting/...

Decisions and their results are scoped like the pages. Results exist once a decision is
published (organisers holding `voting.view_turnout` see them from closing). Ballots are never
listed to anyone but the owner they belong to (`/voting/my-ballots`); every ratio is "p/q".
"""

from __future__ import annotations

import datetime

from ninja import Field, Query, Router, Schema

from apps.core.api import PageParams, RegionCode, in_region_q, page_schema, paginate, require_perm
from apps.core.api import responses as answers
from apps.core.errors import ForbiddenError
from apps.core.scoping import get_scoped_or_404
from apps.voting.choices import DecisionForm, DecisionStatus
from apps.voting.models import Ballot, Decision
from apps.voting.selectors import decision_list_for, decision_tally, roll_summary

router = Router(tags=["业主共同决定"])


class MatterOut(Schema):
    id: int
    position: int
    number: int = Field(..., description="民法典第二百七十八条第一款第几项（1–9）")
    title: str
    rule: str = Field(..., description="majority（双过半）或 three_quarters（双四分之三）")
    rule_label: str


class VoteDecisionOut(Schema):
    id: int
    compound_id: int
    compound_name: str
    title: str
    form: DecisionForm
    form_label: str
    status: DecisionStatus
    status_label: str
    opens_at: datetime.datetime
    closes_at: datetime.datetime
    published_at: datetime.datetime | None
    notice_until: datetime.date | None
    matter_count: int


class DecisionDetailOut(VoteDecisionOut):
    matters: list[MatterOut]
    policy: dict[str, bool] = Field(..., description="开始表决时冻结的计票规则")
    deviations: list[str] = Field(..., description="偏离法定计票方法之处（空 = 法定方法）")
    elects_committee_id: int | None


class SideOut(Schema):
    total: str
    yes: str
    no: str
    abstain: str
    not_voting: str
    silent_counted: str
    participating: str
    participation: str = Field(..., description="参与 ÷ 全体，p/q")
    participation_percent: str
    approval: str = Field(..., description="同意 ÷ 参与，p/q")
    approval_percent: str


class MatterResultOut(Schema):
    matter_id: int
    position: int
    title: str
    matter: int
    rule: str
    quorum: bool
    passed: bool
    area: SideOut
    heads: SideOut
    notes: list[str]


class VoteResultOut(Schema):
    decision_id: int
    status: DecisionStatus
    voters: int
    units: int
    area: str
    chain_head: str
    ballot_count: int
    matters: list[MatterResultOut]


class MyBallotOut(Schema):
    decision_id: int
    matter_id: int
    matter_title: str
    voter: str
    choice: str
    channel: str
    submitted_at: datetime.datetime
    hash: str


DecisionPage = page_schema(VoteDecisionOut, "VoteDecisionPage")


class VoteDecisionFilters(PageParams):
    region: RegionCode | None = None
    compound: int | None = Field(None, ge=1, le=2**62, description="小区编号")
    status: DecisionStatus | None = None


def decision_out(d: Decision) -> dict:
    return {
        "id": d.pk,
        "compound_id": d.compound_id,
        "compound_name": d.compound.name,
        "title": d.title,
        "form": d.form,
        "form_label": d.get_form_display(),
        "status": d.status,
        "status_label": d.get_status_display(),
        "opens_at": d.opens_at,
        "closes_at": d.closes_at,
        "published_at": d.published_at,
        "notice_until": d.notice_until,
        "matter_count": d.matter_count,
    }


@router.get("/voting/decisions", response=answers(DecisionPage), summary="业主共同决定列表")
def decision_list(request, filters: Query[VoteDecisionFilters]):
    user = request.auth
    require_perm(user, "voting.view_decision")
    qs = decision_list_for(user=user).order_by("-opens_at", "-id")
    if filters.region:
        qs = qs.filter(in_region_q(Decision, filters.region))
    if filters.compound:
        qs = qs.filter(compound_id=filters.compound)
    if filters.status:
        qs = qs.filter(status=filters.status)
    return paginate(qs, filters, decision_out)


def _decision(user, pk) -> Decision:
    decision = get_scoped_or_404(decision_list_for(user=user), user, pk=pk)
    require_perm(user, "voting.view_decision")
    return decision


@router.get(
    "/voting/decisions/{int:decision_id}",
    response=answers(DecisionDetailOut, detail=True),
    summary="业主共同决定详情",
)
def decision_detail(request, decision_id: int):
    d = _decision(request.auth, decision_id)
    policy = d.counting_policy()
    return {
        **decision_out(d),
        "matters": [
            {
                "id": m.pk,
                "position": m.position,
                "number": m.number,
                "title": m.title,
                "rule": m.rule,
                "rule_label": m.rule_label,
            }
            for m in d.matters.order_by("position")
        ],
        "policy": policy.as_dict(),
        "deviations": policy.deviations if d.policy else [],
        "elects_committee_id": d.elects_committee_id,
    }


@router.get(
    "/voting/decisions/{int:decision_id}/result",
    response=answers(VoteResultOut, detail=True),
    summary="表决结果（精确分数）",
)
def decision_result(request, decision_id: int):
    user = request.auth
    d = _decision(user, decision_id)
    visible = d.status == DecisionStatus.PUBLISHED or (
        d.status == DecisionStatus.CLOSED and user.has_perm("voting.view_turnout")
    )
    if not visible:
        raise ForbiddenError("表决结果尚未公布")
    roll = roll_summary(d)
    matters = []
    for m, r in decision_tally(d):
        data = r.as_dict()
        matters.append(
            {
                "matter_id": m.pk,
                "position": m.position,
                "title": m.title,
                "matter": m.number,
                "rule": data["rule"],
                "quorum": r.quorum,
                "passed": r.passed,
                "area": data["area"],
                "heads": data["heads"],
                "notes": r.notes,
            }
        )
    return {
        "decision_id": d.pk,
        "status": d.status,
        "voters": roll["voters"],
        "units": roll["units"],
        "area": str(roll["area"]),
        "chain_head": d.chain_head,
        "ballot_count": d.ballot_count,
        "matters": matters,
    }


@router.get("/voting/my-ballots", response=answers(list[MyBallotOut]), summary="我的选票（仅本人）")
def my_ballots(request):
    user = request.auth
    owner = getattr(user, "owner", None)  # an API client (machine) is nobody's owner
    if owner is None:
        return []
    qs = (
        Ballot.objects.filter(voter__owners=owner)
        .select_related("matter", "voter")
        .order_by("decision_id", "seq")
        .distinct()
    )
    return [
        {
            "decision_id": b.decision_id,
            "matter_id": b.matter_id,
            "matter_title": b.matter.title,
            "voter": b.voter.label,
            "choice": b.choice,
            "channel": b.channel,
            "submitted_at": b.submitted_at,
            "hash": b.hash,
        }
        for b in qs
    ]
