"""Open API for campaigns, inspections, livelihood projects, joint meetings and decisions:
/api/v1/campaigns/…  Scoped like the pages (outsiders 404), written through the same services."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.http import Http404
from ninja import Field, Query, Router, Schema, Status

from apps.campaigns import selectors, services
from apps.campaigns.choices import (
    CampaignStatus,
    Card,
    DecisionStatus,
    FundingSource,
    Handling,
    MeetingStatus,
    ProblemStatus,
    ProjectStatus,
    Severity,
    SubItemStatus,
    UnitKind,
)
from apps.core.api import PageParams, page_schema, paginate, require_perm
from apps.core.api import responses as answers
from apps.core.scoping import get_scoped_or_404

router = Router(tags=["大排查、民生项目与联席会议"])

WRITE_ANSWERS = {k: v for k, v in answers(None, detail=True, extra=(409,)).items() if k != 200}


class ChecklistItemOut(Schema):
    id: int
    text: str


class CampaignOut(Schema):
    id: int
    name: str
    region_code: str
    region_name: str
    start_date: datetime.date
    end_date: datetime.date
    status: CampaignStatus
    scope_regions: list[str] = Field(..., description="排查范围的区划代码")
    checklist: list[ChecklistItemOut]


class CampaignProgressOut(CampaignOut):
    in_scope: int = Field(..., description="应排查小区数")
    inspected: int = Field(..., description="已排查小区数")
    problems: int


class ProblemOut(Schema):
    id: int
    inspection_id: int
    compound_id: int
    description: str
    location: str
    severity: Severity
    suggested_handling: Handling
    status: ProblemStatus
    workorder_id: int | None
    project_id: int | None


class InspectionOut(Schema):
    id: int
    campaign_id: int
    compound_id: int
    compound_name: str
    inspected_at: datetime.datetime
    answers: dict
    note: str
    problems: list[ProblemOut]


class SubItemOut(Schema):
    id: int
    name: str
    responsible_kind: UnitKind
    responsible_unit: str
    budget: Decimal
    funding_source: FundingSource
    planned_start: datetime.date
    planned_finish: datetime.date
    status: SubItemStatus
    card: Card
    due_at: datetime.datetime | None


class ProjectOut(Schema):
    id: int
    name: str
    compound_id: int
    compound_name: str
    campaign_id: int | None
    source_order_id: int | None
    status: ProjectStatus
    progress_percent: int = Field(..., description="已验收子项目占比（由子项目推算）")
    subitem_count: int
    accepted_count: int


class ProjectDetailOut(ProjectOut):
    subitems: list[SubItemOut]


class DecisionOut(Schema):
    id: int
    meeting_id: int
    text: str
    owner_kind: UnitKind
    owner_unit: str
    deadline: datetime.date
    required_evidence: str
    status: DecisionStatus
    card: Card
    escalated: bool
    on_time: bool | None
    evidence_note: str


class MeetingOut(Schema):
    id: int
    title: str
    convener_name: str
    region_code: str
    compound_id: int | None
    scheduled_at: datetime.datetime
    status: MeetingStatus
    decision_count: int
    open_decisions: int


class MeetingDetailOut(MeetingOut):
    minutes: str
    agenda: list[str]
    decisions: list[DecisionOut]


CampaignPage = page_schema(CampaignOut, "CampaignPage")
InspectionPage = page_schema(InspectionOut, "InspectionPage")
ProjectPage = page_schema(ProjectOut, "ProjectPage")
MeetingPage = page_schema(MeetingOut, "MeetingPage")
DecisionPage = page_schema(DecisionOut, "DecisionPage")


def campaign_out(c) -> dict:
    return {
        "id": c.pk,
        "name": c.name,
        "region_code": c.region_id,
        "region_name": c.region.name,
        "start_date": c.start_date,
        "end_date": c.end_date,
        "status": c.status,
        "scope_regions": [r.pk for r in c.regions.all()],
        "checklist": [{"id": i.pk, "text": i.text} for i in c.items.all()],
    }


def problem_out(p) -> dict:
    return {
        "id": p.pk,
        "inspection_id": p.inspection_id,
        "compound_id": p.compound_id,
        "description": p.description,
        "location": p.location,
        "severity": p.severity,
        "suggested_handling": p.suggested_handling,
        "status": p.status,
        "workorder_id": p.workorder_id,
        "project_id": p.project_id,
    }


def inspection_out(i) -> dict:
    return {
        "id": i.pk,
        "campaign_id": i.campaign_id,
        "compound_id": i.compound_id,
        "compound_name": i.compound.name,
        "inspected_at": i.inspected_at,
        "answers": i.answers,
        "note": i.note,
        "problems": [problem_out(p) for p in i.problems.all()],
    }


def project_out(p) -> dict:
    return {
        "id": p.pk,
        "name": p.name,
        "compound_id": p.compound_id,
        "compound_name": p.compound.name,
        "campaign_id": p.campaign_id,
        "source_order_id": p.source_order_id,
        "status": p.status,
        "progress_percent": selectors.progress_percent(p),
        "subitem_count": p.subitem_count,
        "accepted_count": p.accepted_count,
    }


def subitem_out(s) -> dict:
    return {f: getattr(s, f) for f in SubItemOut.model_fields}


def decision_out(d) -> dict:
    return {
        "id": d.pk,
        "meeting_id": d.meeting_id,
        "text": d.text,
        "owner_kind": d.owner_kind,
        "owner_unit": d.owner_unit,
        "deadline": d.deadline,
        "required_evidence": d.required_evidence,
        "status": d.status,
        "card": d.card,
        "escalated": d.escalated_at is not None,
        "on_time": d.on_time,
        "evidence_note": d.evidence_note,
    }


def meeting_out(m) -> dict:
    return {
        "id": m.pk,
        "title": m.title,
        "convener_name": m.convener_name,
        "region_code": m.region_code,
        "compound_id": m.compound_id,
        "scheduled_at": m.scheduled_at,
        "status": m.status,
        "decision_count": m.decision_count,
        "open_decisions": m.open_decisions,
    }


# ------------------------------------------------------------------ campaigns
@router.get("/campaigns", response=answers(CampaignPage), summary="专项行动列表")
def campaign_list(request, params: Query[PageParams]):
    user = request.auth
    require_perm(user, "campaigns.view_campaign")
    qs = (
        selectors.campaign_list_for(user=user)
        .prefetch_related("regions", "items")
        .order_by("-start_date", "pk")
    )
    return paginate(qs, params, campaign_out)


@router.get(
    "/campaigns/{int:campaign_id}",
    response=answers(CampaignProgressOut, detail=True),
    summary="专项行动及进度",
)
def campaign_detail(request, campaign_id: int):
    user = request.auth
    require_perm(user, "campaigns.view_campaign")
    c = get_scoped_or_404(selectors.campaign_list_for(user=user), user, pk=campaign_id)
    progress = selectors.campaign_progress(c)
    return {
        **campaign_out(c),
        "in_scope": progress["in_scope"],
        "inspected": progress["inspected"],
        "problems": progress["problems"],
    }


class ProblemIn(Schema):
    description: str = Field(..., min_length=1, max_length=2000)
    location: str = Field("", max_length=100)
    severity: Severity = Severity.MEDIUM
    suggested_handling: Handling = Handling.PROJECT


class AnswerIn(Schema):
    ok: bool
    note: str = Field("", max_length=200)


class InspectionIn(Schema):
    compound: int = Field(..., ge=1, le=2**62)
    answers: dict[str, AnswerIn] = Field(..., description="清单项编号 → 答复")
    note: str = Field("", max_length=2000)
    problems: list[ProblemIn] = Field(default_factory=list, max_length=50)


@router.get(
    "/campaigns/{int:campaign_id}/inspections",
    response=answers(InspectionPage, detail=True),
    summary="专项行动的小区排查记录",
)
def inspection_list(request, campaign_id: int, params: Query[PageParams]):
    user = request.auth
    require_perm(user, "campaigns.view_inspection")
    qs = (
        selectors.inspection_list_for(user=user)
        .filter(campaign_id=campaign_id)
        .prefetch_related("problems")
        .order_by("-inspected_at", "pk")
    )
    return paginate(qs, params, inspection_out)


@router.post(
    "/campaigns/{int:campaign_id}/inspections",
    response={201: InspectionOut, **WRITE_ANSWERS},
    summary="录入小区排查（不含照片）",
)
def inspection_create(request, campaign_id: int, payload: InspectionIn):
    from apps.registry.models import Compound

    user = request.auth
    require_perm(user, "campaigns.add_inspection", "您的角色不能录入排查")
    campaign = get_scoped_or_404(selectors.campaign_list_for(user=user), user, pk=campaign_id)
    compound = Compound.objects.filter(pk=payload.compound).first()
    if compound is None:
        raise Http404("未找到该小区，或不在您的辖区内。")
    inspection = services.inspection_record(
        actor=user,
        campaign=campaign,
        compound=compound,
        answers={k: v.model_dump() for k, v in payload.answers.items()},
        note=payload.note,
        problems=[services.ProblemInput(**p.model_dump()) for p in payload.problems],
    )
    return Status(201, inspection_out(inspection))


# ------------------------------------------------------------------ projects
class ProjectFilters(PageParams):
    status: ProjectStatus | None = None
    campaign: int | None = Field(None, ge=1, le=2**62)


@router.get("/projects", response=answers(ProjectPage), summary="民生项目列表")
def project_list(request, filters: Query[ProjectFilters]):
    user = request.auth
    require_perm(user, "campaigns.view_project")
    qs = selectors.project_list_for(user=user).order_by("-created_at", "pk")
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.campaign:
        qs = qs.filter(campaign_id=filters.campaign)
    return paginate(qs, filters, project_out)


@router.get(
    "/projects/{int:project_id}", response=answers(ProjectDetailOut, detail=True), summary="民生项目及子项目"
)
def project_detail(request, project_id: int):
    user = request.auth
    require_perm(user, "campaigns.view_project")
    p = get_scoped_or_404(selectors.project_list_for(user=user), user, pk=project_id)
    return {**project_out(p), "subitems": [subitem_out(s) for s in p.subitems.all()]}


# ------------------------------------------------------------------ meetings and decisions
@router.get("/meetings", response=answers(MeetingPage), summary="联席会议列表")
def meeting_list(request, params: Query[PageParams]):
    user = request.auth
    require_perm(user, "campaigns.view_jointmeeting")
    qs = selectors.meeting_list_for(user=user).order_by("-scheduled_at", "pk")
    return paginate(qs, params, meeting_out)


@router.get(
    "/meetings/{int:meeting_id}", response=answers(MeetingDetailOut, detail=True), summary="联席会议详情"
)
def meeting_detail(request, meeting_id: int):
    user = request.auth
    require_perm(user, "campaigns.view_jointmeeting")
    m = get_scoped_or_404(selectors.meeting_list_for(user=user), user, pk=meeting_id)
    return {
        **meeting_out(m),
        "minutes": m.minutes,
        "agenda": [a.title for a in m.agenda.all()],
        "decisions": [decision_out(d) for d in m.decisions.all()],
    }


class DecisionFilters(PageParams):
    status: DecisionStatus | None = None
    escalated: bool | None = Field(None, description="只看（或排除）已逾期督办的")


@router.get("/decisions", response=answers(DecisionPage), summary="议定事项列表")
def decision_list(request, filters: Query[DecisionFilters]):
    user = request.auth
    require_perm(user, "campaigns.view_decision")
    qs = selectors.decision_list_for(user=user).order_by("deadline", "pk")
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.escalated is not None:
        qs = qs.filter(escalated_at__isnull=not filters.escalated)
    return paginate(qs, filters, decision_out)


class DecisionCloseIn(Schema):
    evidence_note: str = Field(..., min_length=1, max_length=2000, description="落实情况及佐证")


@router.post(
    "/decisions/{int:decision_id}/close",
    response={200: DecisionOut, **WRITE_ANSWERS},
    summary="确认议定事项办结",
)
def decision_close(request, decision_id: int, payload: DecisionCloseIn):
    user = request.auth
    require_perm(user, "campaigns.close_decision", "您的角色不能确认议定事项办结")
    d = get_scoped_or_404(selectors.decision_list_for(user=user), user, pk=decision_id)
    return decision_out(services.decision_close(actor=user, decision=d, evidence_note=payload.evidence_note))
