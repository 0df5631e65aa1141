"""Open API for owners' committees: /api/v1/committees.

Lists carry the roster's figures only; members' names and phones are on the detail, masked.
`?pii=true` unmasks them for roles holding `registry.view_owner_pii`, and every unmasked view is
logged (owner_view_pii / member_view_pii) — so machines that do not need personal data never
receive it, and the audit log is not flooded by routine polling.
"""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from apps.committees.choices import CommitteeKind, MemberPosition
from apps.committees.models import CommitteeMember, OwnersCommittee
from apps.committees.rules import is_red, roster_errors, rules_for, term_state
from apps.committees.selectors import committee_list_for, facts_of
from apps.committees.services import member_view_pii
from apps.core.api import PageParams, RegionCode, in_region_q, page_schema, paginate, require_perm
from apps.core.api import responses as answers
from apps.core.errors import ForbiddenError
from apps.core.scoping import get_scoped_or_404
from apps.core.validators import mask_mobile, mask_name
from apps.regions.api import RegionRef

router = Router(tags=["业主委员会"])

PII_PERM = "registry.view_owner_pii"


class CompoundRef(Schema):
    id: int
    code: str
    name: str


class CommitteeOut(Schema):
    id: int
    compound: CompoundRef
    community: RegionRef
    kind: CommitteeKind
    kind_label: str
    term_start: datetime.date
    term_end: datetime.date
    elected_on: datetime.date | None
    filed_on: datetime.date | None
    dissolved_on: datetime.date | None
    active: bool = Field(..., description="今天在任期内且未终止")
    term_state: str = Field(..., description="in_term / reelection_window / street_takeover / expired")
    term_message: str
    is_red: bool = Field(..., description="红色业委会（交叉任职与党员占比达到本地规则）")
    member_count: int
    party_members: int
    cross_appointed: int


class MemberOut(Schema):
    id: int
    name: str = Field(..., description="默认脱敏；pii=true 且有权限时为全名")
    phone: str
    position: MemberPosition
    position_label: str
    is_owner: bool
    is_party_member: bool
    cross_appointed: bool
    branch_position: str


class CommitteeDetailOut(CommitteeOut):
    members: list[MemberOut]
    roster_problems: list[str] = Field(..., description="成员构成不符合本地规则之处")
    rules_source: str


CommitteePage = page_schema(CommitteeOut, "CommitteePage")


class CommitteeFilters(PageParams):
    region: RegionCode | None = None
    compound: int | None = Field(None, ge=1, le=2**62, description="小区编号")
    kind: CommitteeKind | None = None
    active: bool | None = Field(None, description="只看（或排除）今天在任的")


def _with_successor(qs):
    later = OwnersCommittee.objects.filter(
        compound_id=OuterRef("compound_id"), term_start__gt=OuterRef("term_start")
    )
    return qs.annotate(has_successor=Exists(later))


def committee_out(c: OwnersCommittee, *, today: datetime.date, rules_cache: dict) -> dict:
    code = c.compound.community_id
    if code not in rules_cache:
        rules_cache[code] = rules_for(code)
    rules = rules_cache[code]
    facts = facts_of(c.members.all())
    state, message = term_state(c.term_start, c.term_end, rules, today, successor_elected=c.has_successor)
    return {
        "id": c.pk,
        "compound": {"id": c.compound.pk, "code": c.compound.code, "name": c.compound.name},
        "community": {"code": c.compound.community.code, "name": c.compound.community.name},
        "kind": c.kind,
        "kind_label": c.get_kind_display(),
        "term_start": c.term_start,
        "term_end": c.term_end,
        "elected_on": c.elected_on,
        "filed_on": c.filed_on,
        "dissolved_on": c.dissolved_on,
        "active": c.is_active(today),
        "term_state": state,
        "term_message": message,
        "is_red": is_red(facts, rules),
        "member_count": len(facts),
        "party_members": sum(1 for f in facts if f.is_party_member),
        "cross_appointed": sum(1 for f in facts if f.cross_appointed),
    }


def member_out(m: CommitteeMember, *, pii: bool) -> dict:
    return {
        "id": m.pk,
        "name": m.name if pii else mask_name(m.name),
        "phone": m.phone if pii else mask_mobile(m.phone),
        "position": m.position,
        "position_label": m.get_position_display(),
        "is_owner": m.is_owner,
        "is_party_member": m.is_party_member,
        "cross_appointed": m.cross_appointed,
        "branch_position": m.branch_position,
    }


@router.get("/committees", response=answers(CommitteePage), summary="业主委员会列表")
def committee_list(request, filters: Query[CommitteeFilters]):
    user = request.auth
    require_perm(user, "committees.view_ownerscommittee")
    today = timezone.localdate()
    qs = _with_successor(committee_list_for(user=user)).order_by("compound_id", "-term_start", "id")
    if filters.region:
        qs = qs.filter(in_region_q(OwnersCommittee, filters.region))
    if filters.compound:
        qs = qs.filter(compound_id=filters.compound)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.active is not None:
        # the same rule as OwnersCommittee.is_active(), in SQL
        live = Q(term_start__lte=today, term_end__gte=today) & (
            Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=today)
        )
        qs = qs.filter(live) if filters.active else qs.exclude(live)
    rules_cache: dict = {}
    return paginate(qs, filters, lambda c: committee_out(c, today=today, rules_cache=rules_cache))


@router.get(
    "/committees/{int:committee_id}",
    response=answers(CommitteeDetailOut, detail=True),
    summary="业主委员会详情（含成员）",
)
def committee_detail(
    request,
    committee_id: int,
    pii: bool = Query(False, description="返回未脱敏的成员姓名和电话（需要个人信息查看权限，且留痕）"),
):
    user = request.auth
    committee = get_scoped_or_404(_with_successor(committee_list_for(user=user)), user, pk=committee_id)
    require_perm(user, "committees.view_ownerscommittee")
    if pii and not user.has_perm(PII_PERM):
        raise ForbiddenError("您的角色无权查看未脱敏的个人信息")
    show_members = user.has_perm("committees.view_committeemember")
    members = list(committee.members.all()) if show_members else []
    if pii and members:
        member_view_pii(members=members, actor=user)
    rules_cache: dict = {}
    out = committee_out(committee, today=timezone.localdate(), rules_cache=rules_cache)
    rules = rules_cache[committee.compound.community_id]
    return {
        **out,
        "members": [member_out(m, pii=pii) for m in members],
        "roster_problems": roster_errors(committee.kind, facts_of(committee.members.all()), rules),
        "rules_source": rules.source,
    }
