"""Open API for party organisations and red-collar secretaries: /api/v1/party-orgs, /red-collar-secretaries.

Secretaries' phone numbers are personal data and are always masked, as on the pages.
"""

from __future__ import annotations

import datetime

from django.db.models import Q
from ninja import Field, Query, Router, Schema

from apps.core.api import (
    PageParams,
    QueryDate,
    RegionCode,
    SearchText,
    in_region_q,
    page_schema,
    paginate,
    require_perm,
)
from apps.core.api import responses as answers
from apps.core.scoping import get_scoped_or_404
from apps.core.validators import mask_mobile
from apps.party.choices import PartyOrgKind
from apps.party.models import PartyOrg, RedCollarSecretary
from apps.party.selectors import party_org_list_for, secretary_list_for
from apps.regions.api import RegionRef

router = Router(tags=["党组织"])


class Ref(Schema):
    id: int
    name: str


class PartyOrgOut(Schema):
    id: int
    name: str
    kind: PartyOrgKind
    kind_label: str
    region: RegionRef
    parent: Ref | None
    secretary_name: str
    secretary_phone: str = Field(..., description="脱敏，如 138****1234")
    member_count: int
    founded_on: datetime.date | None
    company: Ref | None = Field(..., description="企业党组织的所属企业")
    compound: Ref | None = Field(..., description="小区党支部的所在小区")
    latest_stars: int | None = Field(..., description="最近一次星级评定")
    latest_rating_year: int | None


class PartyOrgDetailOut(PartyOrgOut):
    covered_companies: list[Ref] = Field(..., description="联合党支部覆盖的物业企业（调用者可见的）")


PartyOrgPage = page_schema(PartyOrgOut, "PartyOrgPage")


class PartyOrgFilters(PageParams):
    region: RegionCode | None = None
    q: SearchText | None = Field(None, description="党组织名称关键字")
    kind: PartyOrgKind | None = None
    company: int | None = Field(None, ge=1, le=2**62, description="所属或联建覆盖的物业企业编号")
    compound: int | None = Field(None, ge=1, le=2**62, description="所在小区编号")


def _ref(obj) -> dict | None:
    return {"id": obj.pk, "name": obj.name} if obj is not None else None


def party_org_out(org: PartyOrg) -> dict:
    return {
        "id": org.pk,
        "name": org.name,
        "kind": org.kind,
        "kind_label": org.get_kind_display(),
        "region": {"code": org.region.code, "name": org.region.name},
        "parent": _ref(org.parent),
        "secretary_name": org.secretary_name,
        "secretary_phone": mask_mobile(org.secretary_phone),
        "member_count": org.member_count,
        "founded_on": org.founded_on,
        "company": _ref(org.company),
        "compound": _ref(org.compound),
        "latest_stars": org.latest_stars,
        "latest_rating_year": org.latest_rating_year,
    }


@router.get("/party-orgs", response=answers(PartyOrgPage), summary="党组织列表")
def party_org_list(request, filters: Query[PartyOrgFilters]):
    user = request.auth
    require_perm(user, "party.view_partyorg")
    qs = party_org_list_for(user=user).order_by("region_id", "kind", "name", "id")
    if filters.region:
        qs = qs.filter(in_region_q(PartyOrg, filters.region))
    if filters.q:
        qs = qs.filter(name__contains=filters.q)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.company:
        qs = qs.filter(Q(company_id=filters.company) | Q(covered_companies=filters.company)).distinct()
    if filters.compound:
        qs = qs.filter(compound_id=filters.compound)
    return paginate(qs, filters, party_org_out)


@router.get(
    "/party-orgs/{int:org_id}", response=answers(PartyOrgDetailOut, detail=True), summary="党组织详情"
)
def party_org_detail(request, org_id: int):
    from apps.registry.selectors import company_list_for

    user = request.auth
    org = get_scoped_or_404(party_org_list_for(user=user), user, pk=org_id)
    require_perm(user, "party.view_partyorg")
    covered = company_list_for(user=user).filter(joint_branches=org).order_by("name", "id")
    return {
        **party_org_out(org),
        "covered_companies": [_ref(c) for c in covered],
    }


# ------------------------------------------------------------ red-collar secretaries
class SecretaryOut(Schema):
    id: int
    name: str
    phone: str = Field(..., description="脱敏，如 139****5678")
    sending_unit: str = Field(..., description="选派单位")
    community: RegionRef
    street: RegionRef | None
    county: RegionRef | None
    start_date: datetime.date
    end_date: datetime.date | None
    in_post: bool = Field(..., description="今天是否在任")
    duties: str


SecretaryPage = page_schema(SecretaryOut, "SecretaryPage")


class SecretaryFilters(PageParams):
    region: RegionCode | None = None
    q: SearchText | None = Field(None, description="姓名或选派单位关键字")
    in_post_on: QueryDate | None = Field(None, description="只列出这一天在任的（YYYY-MM-DD）")


def secretary_out(s: RedCollarSecretary, *, today: datetime.date) -> dict:
    street = s.community.parent
    county = street.parent if street is not None else None
    return {
        "id": s.pk,
        "name": s.name,
        "phone": mask_mobile(s.phone),
        "sending_unit": s.sending_unit,
        "community": {"code": s.community.code, "name": s.community.name},
        "street": {"code": street.code, "name": street.name} if street else None,
        "county": {"code": county.code, "name": county.name} if county else None,
        "start_date": s.start_date,
        "end_date": s.end_date,
        "in_post": s.in_post(today),
        "duties": s.duties,
    }


@router.get("/red-collar-secretaries", response=answers(SecretaryPage), summary="红领书记列表")
def secretary_list(request, filters: Query[SecretaryFilters]):
    from django.utils import timezone

    user = request.auth
    require_perm(user, "party.view_redcollarsecretary")
    qs = secretary_list_for(user=user, in_post_on=filters.in_post_on).order_by(
        "community_id", "-start_date", "id"
    )
    if filters.region:
        qs = qs.filter(in_region_q(RedCollarSecretary, filters.region))
    if filters.q:
        qs = qs.filter(Q(name__contains=filters.q) | Q(sending_unit__contains=filters.q))
    today = timezone.localdate()
    return paginate(qs, filters, lambda s: secretary_out(s, today=today))


@router.get(
    "/red-collar-secretaries/{int:secretary_id}",
    response=answers(SecretaryOut, detail=True),
    summary="红领书记详情",
)
def secretary_detail(request, secretary_id: int):
    from django.utils import timezone

    user = request.auth
    secretary = get_scoped_or_404(secretary_list_for(user=user), user, pk=secretary_id)
    require_perm(user, "party.view_redcollarsecretary")
    return secretary_out(secretary, today=timezone.localdate())
