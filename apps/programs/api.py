"""Open API of the programmes: /api/v1/programs/… — arrangements, agreements (兜底 and
大手牵小手), subsidies and the coverage-by-mode figures, each scoped like the pages."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone
from ninja import Field, Query, Router, Schema

from apps.core.api import PageParams, RegionCode, in_region_q, page_schema, paginate, require_perm
from apps.core.api import responses as answers
from apps.core.errors import ForbiddenError
from apps.core.scoping import region_scope, scope_of
from apps.programs import selectors
from apps.programs.choices import AgreementStatus, ArrangementMode, Programme, SubsidyStatus
from apps.programs.models import PairingAgreement, ServiceArrangement, SubsidyApplication

router = Router(tags=["物业服务覆盖"])


class ProgrammeCompoundRef(Schema):
    id: int
    code: str
    name: str
    households: int


class ProgrammeCompanyRef(Schema):
    id: int
    name: str
    kind: str


def _compound(c) -> dict:
    return {"id": c.pk, "code": c.code, "name": c.name, "households": c.households}


def _company(c) -> dict | None:
    return {"id": c.pk, "name": c.name, "kind": c.kind} if c is not None else None


class ArrangementOut(Schema):
    id: int
    compound: ProgrammeCompoundRef
    mode: ArrangementMode
    mode_label: str
    company: ProgrammeCompanyRef | None
    provider: str
    start_date: datetime.date
    end_date: datetime.date | None = Field(..., description="含当日；空表示长期")
    basics: list[str] = Field(..., description="四保中覆盖的项目")
    extra_services: str
    fee_per_sqm: Decimal | None = Field(..., description="元/㎡·月")


class ArrangementFilters(PageParams):
    region: RegionCode | None = None
    compound: int | None = Field(None, ge=1, le=2**62)
    mode: ArrangementMode | None = None
    on: datetime.date | None = Field(None, description="只看该日有效的安排")


def arrangement_out(a: ServiceArrangement) -> dict:
    return {
        "id": a.pk,
        "compound": _compound(a.compound),
        "mode": a.mode,
        "mode_label": a.get_mode_display(),
        "company": _company(a.company),
        "provider": a.provider,
        "start_date": a.start_date,
        "end_date": a.end_date,
        "basics": a.basics,
        "extra_services": a.extra_services,
        "fee_per_sqm": a.fee_per_sqm,
    }


@router.get(
    "/programs/arrangements",
    response=answers(page_schema(ArrangementOut, "ArrangementPage")),
    summary="服务安排列表",
)
def arrangement_list(request, filters: Query[ArrangementFilters]):
    from apps.programs.models import in_force_q

    user = request.auth
    require_perm(user, "programs.view_servicearrangement")
    qs = selectors.arrangement_list_for(user=user).order_by("compound_id", "-start_date", "id")
    if filters.region:
        qs = qs.filter(in_region_q(ServiceArrangement, filters.region))
    if filters.compound:
        qs = qs.filter(compound_id=filters.compound)
    if filters.mode:
        qs = qs.filter(mode=filters.mode)
    if filters.on:
        qs = qs.filter(in_force_q(filters.on))
    return paginate(qs, filters, arrangement_out)


class ScheduleLineOut(Schema):
    year: int
    start: datetime.date
    end: datetime.date
    monthly_amount: Decimal = Field(..., description="元/月，精确到分")
    resident_share: str = Field(..., description="居民缴费比例（分数）")


class AgreementOut(Schema):
    id: int
    programme: Programme
    compound: ProgrammeCompoundRef
    company: ProgrammeCompanyRef
    status: AgreementStatus
    start_date: datetime.date
    end_date: datetime.date | None = Field(None, description="兜底协议的结束日期")
    transition_date: datetime.date | None = Field(None, description="大手牵小手：转市场化日期")
    outcome: str = ""
    schedule: list[ScheduleLineOut] = Field(default_factory=list, description="大手牵小手的逐年补助计划")
    monthly_subsidy: Decimal | None = Field(None, description="兜底：财政补助（元/月）")


class AgreementFilters(PageParams):
    region: RegionCode | None = None
    programme: Programme | None = None
    status: AgreementStatus | None = None


def pairing_out(p: PairingAgreement) -> dict:
    return {
        "id": p.pk,
        "programme": Programme.PAIRING,
        "compound": _compound(p.compound),
        "company": _company(p.company),
        "status": p.status,
        "start_date": p.start_date,
        "transition_date": p.transition_date,
        "outcome": p.outcome,
        "schedule": [
            {
                "year": line.year,
                "start": line.start,
                "end": line.end,
                "monthly_amount": line.monthly_amount,
                "resident_share": str(line.resident_share),
            }
            for line in p.schedule()
        ],
    }


def fallback_out(f) -> dict:
    return {
        "id": f.pk,
        "programme": Programme.FALLBACK,
        "compound": _compound(f.compound),
        "company": _company(f.company),
        "status": f.status,
        "start_date": f.start_date,
        "end_date": f.end_date,
        "monthly_subsidy": f.monthly_subsidy,
    }


@router.get(
    "/programs/agreements",
    response=answers(page_schema(AgreementOut, "AgreementPage")),
    summary="兜底与大手牵小手协议列表",
)
def agreement_list(request, filters: Query[AgreementFilters]):
    user = request.auth
    from apps.programs.models import FallbackAgreement

    if filters.programme == Programme.FALLBACK:
        require_perm(user, "programs.view_fallbackagreement")
        qs = selectors.fallback_list_for(user=user).order_by("compound_id", "id")
        model, convert = FallbackAgreement, fallback_out
    else:
        require_perm(user, "programs.view_pairingagreement")
        qs = selectors.pairing_list_for(user=user).order_by("transition_date", "id")
        model, convert = PairingAgreement, pairing_out
    if filters.region:
        qs = qs.filter(in_region_q(model, filters.region))
    if filters.status:
        qs = qs.filter(status=filters.status)
    return paginate(qs, filters, convert)


class SubsidyOut(Schema):
    id: int
    programme: Programme
    compound: ProgrammeCompoundRef
    company: ProgrammeCompanyRef
    period: datetime.date
    amount: Decimal
    scheduled_amount: Decimal
    status: SubsidyStatus
    disbursed_amount: Decimal | None
    disbursed_on: datetime.date | None
    refusal_reason: str


class SubsidyFilters(PageParams):
    region: RegionCode | None = None
    programme: Programme | None = None
    status: SubsidyStatus | None = None
    year: int | None = Field(None, ge=2000, le=2100)


@router.get(
    "/programs/subsidies", response=answers(page_schema(SubsidyOut, "SubsidyPage")), summary="财政补助台账"
)
def subsidy_list(request, filters: Query[SubsidyFilters]):
    user = request.auth
    require_perm(user, "programs.view_subsidyapplication")
    qs = selectors.subsidy_list_for(user=user).order_by("-period", "id")
    if filters.region:
        qs = qs.filter(in_region_q(SubsidyApplication, filters.region))
    if filters.programme:
        qs = qs.filter(programme=filters.programme)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.year:
        qs = qs.filter(period__year=filters.year)
    return paginate(
        qs,
        filters,
        lambda s: {
            "id": s.pk,
            "programme": s.programme,
            "compound": _compound(s.compound),
            "company": _company(s.company),
            "period": s.period,
            "amount": s.amount,
            "scheduled_amount": s.scheduled_amount,
            "status": s.status,
            "disbursed_amount": s.disbursed_amount,
            "disbursed_on": s.disbursed_on,
            "refusal_reason": s.refusal_reason,
        },
    )


class CoverageOut(Schema):
    region: str
    on: datetime.date
    old_compounds: int
    served: int
    percent: float | None
    by_mode: dict[str, int] = Field(
        ..., description="market / fallback / pairing / street_centre / self_managed / none"
    )


class CoverageParams(Schema):
    region: RegionCode | None = Field(None, description="区划代码；默认为调用者的管辖范围")
    on: datetime.date | None = Field(None, description="统计日期；默认今天")


@router.get(
    "/programs/coverage",
    response=answers(CoverageOut),
    summary="老旧小区物业服务覆盖（按服务模式，任一日期）",
)
def coverage(request, params: Query[CoverageParams]):
    region, on = params.region, params.on
    user = request.auth
    require_perm(user, "programs.view_coverage")
    scope = scope_of(user)
    if region:
        if not scope.contains_code(region):
            raise ForbiddenError("该区划不在您的管辖范围内")
        scope = region_scope(region)
    elif not scope.region_prefix and not scope.everything:
        raise ForbiddenError("覆盖统计只对区划范围的调用者开放")
    cov = selectors.coverage_by_mode(scope, on=on or timezone.localdate())
    return {
        "region": region or scope.region_code,
        "on": cov.on,
        "old_compounds": cov.total,
        "served": cov.served,
        "percent": cov.percent,
        "by_mode": cov.by_mode,
    }
