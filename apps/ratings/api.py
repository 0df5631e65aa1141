"""Open API of the rating engine and the surveys (read only), scoped like the pages:
/api/v1/rating-schemes, /rating-rounds, /rating-results, /survey-campaigns/{id}/results."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, Query, Router, Schema

from apps.core.api import PageParams, page_schema, paginate, require_perm
from apps.core.api import responses as answers
from apps.core.scoping import get_scoped_or_404
from apps.ratings.choices import RESULT_STATUSES, EntryStatus, ItemMethod, RoundStatus, SubjectKind
from apps.ratings.selectors import (
    campaign_list_for,
    entry_list_for,
    min_sample,
    round_list_for,
    scheme_list_for,
    survey_results,
)

router = Router(tags=["星级评定与满意度测评"])


class ItemOut(Schema):
    code: str
    name: str
    method: ItemMethod
    max_points: Decimal
    indicator: str = Field(..., description="客观指标（仅客观指标项）")
    curve_kind: str
    curve: dict


class DimensionOut(Schema):
    name: str
    max_points: Decimal
    items: list[ItemOut]


class SchemeOut(Schema):
    id: int
    title: str
    version: int
    jurisdiction: str = Field(..., description="制定区划代码")
    subject_kind: SubjectKind
    effective_from: datetime.date
    effective_to: datetime.date | None
    total_points: Decimal
    star_cutoffs: list[float] = Field(..., description="一星到五星的最低分")
    is_example: bool
    is_legacy: bool


class SchemeDetailOut(SchemeOut):
    dimensions: list[DimensionOut]
    vetoes: list[ItemOut]


SchemePage = page_schema(SchemeOut, "RatingSchemePage")


def _item(i) -> dict:
    return {
        "code": i.code,
        "name": i.name,
        "method": i.method,
        "max_points": i.max_points,
        "indicator": i.indicator,
        "curve_kind": i.curve_kind,
        "curve": i.curve or {},
    }


def scheme_out(s) -> dict:
    return {
        "id": s.pk,
        "title": s.title,
        "version": s.version,
        "jurisdiction": s.jurisdiction_id,
        "subject_kind": s.subject_kind,
        "effective_from": s.effective_from,
        "effective_to": s.effective_to,
        "total_points": s.total_points,
        "star_cutoffs": [float(c) for c in s.star_cutoffs],
        "is_example": s.is_example,
        "is_legacy": s.is_legacy,
    }


@router.get("/rating-schemes", response=answers(SchemePage), summary="评定办法列表")
def scheme_list(request, filters: Query[PageParams]):
    user = request.auth
    require_perm(user, "ratings.view_ratingscheme")
    return paginate(
        scheme_list_for(user=user).order_by("jurisdiction_id", "title", "-version", "id"), filters, scheme_out
    )


@router.get(
    "/rating-schemes/{int:scheme_id}", response=answers(SchemeDetailOut, detail=True), summary="评定办法详情"
)
def scheme_detail(request, scheme_id: int):
    user = request.auth
    scheme = get_scoped_or_404(scheme_list_for(user=user), user, pk=scheme_id)
    require_perm(user, "ratings.view_ratingscheme")
    items = list(scheme.items.order_by("order", "pk"))
    return {
        **scheme_out(scheme),
        "dimensions": [
            {
                "name": d.name,
                "max_points": d.max_points,
                "items": [_item(i) for i in items if i.dimension_id == d.pk],
            }
            for d in scheme.dimensions.order_by("order", "pk")
        ],
        "vetoes": [_item(i) for i in items if i.is_veto],
    }


class RoundOut(Schema):
    id: int
    title: str
    year: int
    region: str
    scheme_id: int
    status: RoundStatus
    period_start: datetime.date
    period_end: datetime.date
    self_assess_due: datetime.date
    review_due: datetime.date
    notice_starts_on: datetime.date | None
    notice_ends_on: datetime.date | None
    entries: int = Field(..., description="参评对象数（全部）")


RoundPage = page_schema(RoundOut, "RatingRoundPage")


def round_out(r) -> dict:
    return {
        "id": r.pk,
        "title": r.title,
        "year": r.year,
        "region": r.region_id,
        "scheme_id": r.scheme_id,
        "status": r.status,
        "period_start": r.period_start,
        "period_end": r.period_end,
        "self_assess_due": r.self_assess_due,
        "review_due": r.review_due,
        "notice_starts_on": r.notice_starts_on,
        "notice_ends_on": r.notice_ends_on,
        "entries": r.entry_count,
    }


@router.get("/rating-rounds", response=answers(RoundPage), summary="评定轮次列表")
def round_list(request, filters: Query[PageParams]):
    user = request.auth
    require_perm(user, "ratings.view_ratinground")
    return paginate(round_list_for(user=user).order_by("-year", "region_id", "id"), filters, round_out)


@router.get("/rating-rounds/{int:round_id}", response=answers(RoundOut, detail=True), summary="评定轮次详情")
def round_detail(request, round_id: int):
    user = request.auth
    rnd = get_scoped_or_404(round_list_for(user=user), user, pk=round_id)
    require_perm(user, "ratings.view_ratinground")
    return round_out(rnd)


class ResultOut(Schema):
    id: int
    year: int
    round_id: int | None
    scheme_id: int
    subject_kind: SubjectKind
    party_org_id: int | None
    compound_id: int | None
    subject_name: str
    region: str
    status: EntryStatus
    score: Decimal | None
    stars: int | None = Field(..., description="星级；撤销或一票否决为空")
    vetoed: bool
    valid_from: datetime.date | None
    valid_until: datetime.date | None
    is_legacy: bool = Field(..., description="迁移的历史录入记录（只有星级）")


ResultPage = page_schema(ResultOut, "RatingResultPage")


class ResultFilters(PageParams):
    round: int | None = Field(None, ge=1, le=2**62, description="评定轮次编号")
    year: int | None = Field(None, ge=2000, le=2100)
    stars: int | None = Field(None, ge=1, le=5)
    party_org: int | None = Field(None, ge=1, le=2**62)
    compound: int | None = Field(None, ge=1, le=2**62)
    all_states: bool = Field(False, description="包括评定中的（默认只列已生效和已撤销的结果）")


def result_out(e) -> dict:
    return {
        "id": e.pk,
        "year": e.year,
        "round_id": e.round_id,
        "scheme_id": e.scheme_id,
        "subject_kind": SubjectKind.COMPANY_ORG if e.party_org_id else SubjectKind.COMPOUND_PROJECT,
        "party_org_id": e.party_org_id,
        "compound_id": e.compound_id,
        "subject_name": str(e.subject),
        "region": e.region_id,
        "status": e.status,
        "score": e.score,
        "stars": e.stars,
        "vetoed": e.vetoed,
        "valid_from": e.valid_from,
        "valid_until": e.valid_until,
        "is_legacy": e.is_legacy,
    }


@router.get("/rating-results", response=answers(ResultPage), summary="评定结果列表（按得分排序）")
def result_list(request, filters: Query[ResultFilters]):
    user = request.auth
    require_perm(user, "ratings.view_ratingentry")
    qs = entry_list_for(user=user)
    if not filters.all_states:
        qs = qs.filter(status__in=RESULT_STATUSES)
    for name in ("round", "year", "stars", "party_org", "compound"):
        value = getattr(filters, name)
        if value is not None:
            qs = qs.filter(**{f"{name}_id" if name in ("round", "party_org", "compound") else name: value})
    return paginate(qs.order_by("-year", "-score", "id"), filters, result_out)


class SurveyRowOut(Schema):
    key: str
    name: str
    households: int
    responses: int | None = Field(..., description="样本不足时为空")
    enough: bool = Field(..., description="答卷数达到最小样本（SURVEY_MIN_SAMPLE）")
    response_rate: float | None = Field(..., description="参与率 %")
    index: float | None = Field(..., description="满意度指数 0–100")


class SurveyResultsOut(Schema):
    campaign_id: int
    title: str
    starts_on: datetime.date
    ends_on: datetime.date
    level: str
    min_sample: int
    rows: list[SurveyRowOut]


class SurveyLevel(Schema):
    level: Literal["compound", "company", "street", "county"] = "compound"


@router.get(
    "/survey-campaigns/{int:campaign_id}/results",
    response=answers(SurveyResultsOut, detail=True),
    summary="满意度测评结果（按小区、企业、街道、县区）",
)
def survey_campaign_results(request, campaign_id: int, params: Query[SurveyLevel]):
    user = request.auth
    campaign = get_scoped_or_404(campaign_list_for(user=user), user, pk=campaign_id)
    require_perm(user, "ratings.view_surveycampaign")
    rows = survey_results(campaign=campaign, user=user, level=params.level)
    return {
        "campaign_id": campaign.pk,
        "title": campaign.title,
        "starts_on": campaign.starts_on,
        "ends_on": campaign.ends_on,
        "level": params.level,
        "min_sample": min_sample(),
        "rows": [
            {**r, "key": str(r["key"]), "responses": r["responses"] if r["enough"] else None} for r in rows
        ],
    }
