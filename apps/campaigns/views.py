"""Pages of campaigns, projects and joint meetings: parse → check permission → one service or
selector → render. Refusals: outsiders 404 (scoped lookups), read-only roles 403."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from apps.campaigns import selectors, services
from apps.campaigns.choices import DecisionStatus, MeetingStatus, ProblemStatus, SubItemStatus
from apps.campaigns.forms import (
    AcceptForm,
    AgendaForm,
    CampaignForm,
    CloseDecisionForm,
    DecisionForm,
    InspectionForm,
    LiftForm,
    MeetingForm,
    MergeForm,
    MinutesForm,
    ProblemForm,
    ProgressForm,
    SubItemForm,
    ToProjectForm,
    ToWorkorderForm,
)
from apps.campaigns.models import Photo, Project
from apps.core.errors import DomainError, ForbiddenError
from apps.core.scoping import get_scoped_or_404, scoped
from apps.core.views import Column, ListPage, generated_tag, tag

CARD_TAGS = {"yellow": ("黄牌", "warn"), "red": ("红牌", "red")}


def _perm(request, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise PermissionDenied("您的角色无权进行此操作。")


def _run(request, fn, *, ok: str, form=None):
    """Run one service; a refusal becomes a message (and form errors), never a half write."""
    try:
        result = fn()
    except ForbiddenError as exc:
        raise PermissionDenied(exc.message) from exc
    except DomainError as exc:
        messages.error(request, exc.message)
        if form is not None:
            for field, errors in exc.field_errors.items():
                for e in errors:
                    form.add_error(field if field in form.fields else None, e)
        return None, False
    messages.success(request, ok)
    return result, True


def _card(obj):
    if obj.card in CARD_TAGS:
        return tag(*CARD_TAGS[obj.card])
    return ""


# ------------------------------------------------------------------ overview
@login_required
def overview(request):
    _perm(request, "campaigns.view_project")
    data = selectors.overview(request.user)
    chart = {
        "months": [m["month"] for m in data["months"]],
        "whistles": [m["whistles"] for m in data["months"]],
        "funding": [{"name": f["label"], "value": float(f["total"])} for f in data["funding"]],
        "status": [
            {"name": "实施中", "value": data["projects_open"]},
            {"name": "已完成", "value": data["projects_closed"]},
        ],
    }
    return render(
        request,
        "campaigns/overview.html",
        {"title": "大排查与民生项目", "data": data, "chart": chart},
    )


# ------------------------------------------------------------------ campaigns
class CampaignList(ListPage):
    title = "专项行动"
    permission = "campaigns.view_campaign"
    selector = selectors.campaign_list_for
    search_fields = ("name__icontains",)
    search_placeholder = "行动名称"
    default_ordering = ("-start_date", "-pk")
    create_url_name = "campaign_create"
    create_permission = "campaigns.add_campaign"
    export_name = "专项行动"
    columns = [
        Column("行动名称", "name", sort="name", link=True),
        Column("发起区划", "region.name"),
        Column("开始", "start_date", sort="start_date"),
        Column("结束", "end_date"),
        Column("状态", "get_status_display"),
    ]


@login_required
def campaign_create(request):
    _perm(request, "campaigns.add_campaign")
    region = request.user.region
    if region is None or region.level not in ("city", "county"):
        raise PermissionDenied("专项行动由市级或县区发起。")
    form = CampaignForm(request.POST or None, region=region)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        campaign, ok = _run(
            request,
            lambda: services.campaign_create(
                actor=request.user,
                name=d["name"],
                region=region,
                start_date=d["start_date"],
                end_date=d["end_date"],
                regions=list(d["regions"]),
                checklist=d["checklist"].splitlines(),
                description=d["description"],
            ),
            ok="专项行动已发起",
            form=form,
        )
        if ok:
            return HttpResponseRedirect(campaign.get_absolute_url())
    return render(
        request,
        "core/form.html",
        {"title": "发起专项行动", "form": form, "cancel_url": reverse("campaign_list")},
    )


@login_required
def campaign_detail(request, pk):
    # the scoped lookup first: outsiders get 404, never learning that the object exists
    campaign = get_scoped_or_404(selectors.campaign_list_for(user=request.user), request.user, pk=pk)
    _perm(request, "campaigns.view_campaign")
    progress = selectors.campaign_progress(campaign)
    inspections = selectors.inspection_list_for(user=request.user).filter(campaign=campaign)[:50]
    return render(
        request,
        "campaigns/campaign_detail.html",
        {
            "title": campaign.name,
            "campaign": campaign,
            "progress": progress,
            "items": campaign.items.all(),
            "inspections": inspections,
            "can_inspect": request.user.has_perm("campaigns.add_inspection") and campaign.status == "active",
            "can_close": request.user.has_perm("campaigns.change_campaign") and campaign.status == "active",
        },
    )


@login_required
@require_POST
def campaign_close(request, pk):
    _perm(request, "campaigns.change_campaign")
    campaign = get_scoped_or_404(selectors.campaign_list_for(user=request.user), request.user, pk=pk)
    _run(request, lambda: services.campaign_close(actor=request.user, campaign=campaign), ok="专项行动已结束")
    return HttpResponseRedirect(campaign.get_absolute_url())


# ------------------------------------------------------------------ inspections (phone)
@login_required
def inspection_create(request, pk):
    _perm(request, "campaigns.add_inspection")
    campaign = get_scoped_or_404(selectors.campaign_list_for(user=request.user), request.user, pk=pk)
    compounds = (
        scoped(services.compounds_in_scope(campaign), request.user)
        .exclude(inspections__campaign=campaign)
        .order_by("code")
    )
    form = InspectionForm(
        request.POST or None, request.FILES or None, compounds=compounds, items=campaign.items.all()
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        problems = []
        if d["problem"].strip():
            problems.append(
                services.ProblemInput(
                    description=d["problem"],
                    location=d["location"],
                    severity=d["severity"],
                    suggested_handling=d["suggested_handling"],
                    photo_files=tuple(request.FILES.getlist("photos")),
                )
            )
        inspection, ok = _run(
            request,
            lambda: services.inspection_record(
                actor=request.user,
                campaign=campaign,
                compound=d["compound"],
                answers=form.answers(),
                note=d["note"],
                problems=problems,
            ),
            ok="排查已记录",
            form=form,
        )
        if ok:
            return HttpResponseRedirect(inspection.get_absolute_url())
    return render(
        request, "campaigns/inspection_form.html", {"title": "录入排查", "campaign": campaign, "form": form}
    )


@login_required
def inspection_detail(request, pk):
    inspection = get_scoped_or_404(selectors.inspection_list_for(user=request.user), request.user, pk=pk)
    _perm(request, "campaigns.view_inspection")
    form = ProblemForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        _perm(request, "campaigns.add_inspection")
        if form.is_valid():
            d = form.cleaned_data
            _, ok = _run(
                request,
                lambda: services.problem_add(
                    actor=request.user,
                    inspection=inspection,
                    description=d["description"],
                    location=d["location"],
                    severity=d["severity"],
                    suggested_handling=d["suggested_handling"],
                    photo_files=request.FILES.getlist("photos"),
                ),
                ok="问题已登记",
                form=form,
            )
            if ok:
                return HttpResponseRedirect(inspection.get_absolute_url())
    items = {str(i.pk): i.text for i in inspection.campaign.items.all()}
    answers = [
        {"text": items.get(k, k), "ok": v.get("ok"), "note": v.get("note", "")}
        for k, v in (inspection.answers or {}).items()
    ]
    problems = inspection.problems.select_related("project", "workorder").prefetch_related("photos")
    return render(
        request,
        "campaigns/inspection_detail.html",
        {
            "title": str(inspection),
            "inspection": inspection,
            "answers": answers,
            "problems": problems,
            "form": form if request.user.has_perm("campaigns.add_inspection") else None,
        },
    )


# ------------------------------------------------------------------ problems
@login_required
def problem_detail(request, pk):
    problem = get_scoped_or_404(selectors.problem_list_for(user=request.user), request.user, pk=pk)
    _perm(request, "campaigns.view_problem")
    projects = selectors.project_list_for(user=request.user).filter(compound=problem.compound, status="open")
    forms = {
        "workorder": ToWorkorderForm(prefix="wo"),
        "project": ToProjectForm(prefix="pj", initial={"name": problem.description[:40]}),
        "merge": MergeForm(prefix="mg", projects=projects),
    }
    if request.method == "POST":
        _perm(request, "campaigns.convert_problem")
        action = request.POST.get("action")
        if action == "workorder":
            form = forms["workorder"] = ToWorkorderForm(request.POST, prefix="wo")
            if form.is_valid():
                result, ok = _run(
                    request,
                    lambda: services.problem_to_workorder(
                        actor=request.user,
                        problem=problem,
                        category=form.cleaned_data["category"],
                        reporter_phone=form.cleaned_data["reporter_phone"],
                    ),
                    ok="已转为吹哨工单",
                    form=form,
                )
                if ok:
                    return HttpResponseRedirect(result.get_absolute_url())
        elif action == "project":
            form = forms["project"] = ToProjectForm(request.POST, prefix="pj")
            if form.is_valid():
                result, ok = _run(
                    request,
                    lambda: services.problem_to_project(
                        actor=request.user, problem=problem, name=form.cleaned_data["name"]
                    ),
                    ok="已列入民生项目",
                    form=form,
                )
                if ok:
                    return HttpResponseRedirect(result.get_absolute_url())
        elif action == "merge":
            form = forms["merge"] = MergeForm(request.POST, prefix="mg", projects=projects)
            if form.is_valid():
                _, ok = _run(
                    request,
                    lambda: services.problem_merge(
                        actor=request.user, problem=problem, project=form.cleaned_data["project"]
                    ),
                    ok="已并入项目",
                    form=form,
                )
                if ok:
                    return HttpResponseRedirect(problem.project.get_absolute_url())
    return render(
        request,
        "campaigns/problem_detail.html",
        {
            "title": "排查问题",
            "problem": problem,
            "photos": problem.photos.all(),
            "forms": forms,
            "can_convert": request.user.has_perm("campaigns.convert_problem")
            and problem.status == ProblemStatus.OPEN,
        },
    )


# ------------------------------------------------------------------ projects
def _project_status(p):
    return tag(p.get_status_display(), "done" if p.status == "closed" else "plain")


class ProjectList(ListPage):
    title = "民生项目"
    permission = "campaigns.view_project"
    selector = selectors.project_list_for
    search_fields = ("name__icontains", "compound__name__icontains")
    search_placeholder = "项目或小区名称"
    default_ordering = ("-created_at", "-pk")
    export_name = "民生项目"
    columns = [
        Column("项目名称", "name", sort="name", link=True),
        Column("小区", "compound.name", sort="compound__name"),
        Column("状态", "get_status_display", display=_project_status),
        Column("子项目", "subitem_count", css="num"),
        Column("已验收", "accepted_count", css="num"),
        Column("进度%", selectors.progress_percent, css="num"),
        Column("预算合计（元）", "budget_total", css="num"),
        Column("演示", "is_generated", display=generated_tag, export=False),
    ]


@login_required
def project_detail(request, pk):
    project = get_scoped_or_404(selectors.project_list_for(user=request.user), request.user, pk=pk)
    _perm(request, "campaigns.view_project")
    user = request.user
    subitems = list(
        project.subitems.select_related("branch_accepted_by", "committee_accepted_by").prefetch_related(
            "updates__photos", "updates__reported_by"
        )
    )
    now = timezone.now()
    for s in subitems:
        s.live_card = s.card_at(now)
        s.can_report = (
            s.status in (SubItemStatus.PLANNED, SubItemStatus.IN_PROGRESS)
            and (
                user.has_perm("campaigns.report_progress_subitem")
                or user.has_perm("campaigns.change_project")
            )
            and services._may_report(user, s)
        )
        s.can_accept = s.status == SubItemStatus.COMPLETED and user.has_perm("campaigns.accept_subitem")
    can_edit = user.has_perm("campaigns.change_project") and project.status == "open"
    agenda = project.agenda_items.select_related("meeting")
    return render(
        request,
        "campaigns/project_detail.html",
        {
            "title": project.name,
            "project": project,
            "percent": selectors.progress_percent(project),
            "subitems": subitems,
            "problems": project.problems.all(),
            "agenda": agenda,
            "subitem_form": SubItemForm(prefix="si") if can_edit else None,
            "progress_form": ProgressForm(),
            "accept_form": AcceptForm(),
            "now": now,
        },
    )


def _project_for(request, pk) -> Project:
    return get_scoped_or_404(selectors.project_list_for(user=request.user), request.user, pk=pk)


@login_required
@require_POST
def subitem_create(request, pk):
    _perm(request, "campaigns.change_project")
    project = _project_for(request, pk)
    form = SubItemForm(request.POST, prefix="si")
    if form.is_valid():
        d = form.cleaned_data
        company = project.compound.company if d["responsible_kind"] == "company" else None
        _run(
            request,
            lambda: services.subitem_add(
                actor=request.user,
                project=project,
                name=d["name"],
                responsible_kind=d["responsible_kind"],
                responsible_unit=d["responsible_unit"],
                responsible_company=company,
                budget=d["budget"],
                funding_source=d["funding_source"],
                planned_start=d["planned_start"],
                planned_finish=d["planned_finish"],
            ),
            ok="子项目已添加",
        )
    else:
        messages.error(request, "；".join(f"{form.fields[f].label}：{e[0]}" for f, e in form.errors.items()))
    return HttpResponseRedirect(project.get_absolute_url())


@login_required
@require_POST
def subitem_progress(request, pk):
    item = get_scoped_or_404(selectors.subitem_list_for(user=request.user), request.user, pk=pk)
    form = ProgressForm(request.POST, request.FILES)
    if form.is_valid():
        d = form.cleaned_data
        _run(
            request,
            lambda: services.subitem_progress(
                actor=request.user,
                subitem=item,
                note=d["note"],
                completes=d["completes"],
                before_photos=request.FILES.getlist("before_photos"),
                after_photos=request.FILES.getlist("after_photos"),
            ),
            ok="进度已报告",
        )
    else:
        messages.error(request, "请填写进展情况")
    return HttpResponseRedirect(item.get_absolute_url())


@login_required
@require_POST
def subitem_accept(request, pk):
    _perm(request, "campaigns.accept_subitem")
    item = get_scoped_or_404(selectors.subitem_list_for(user=request.user), request.user, pk=pk)
    form = AcceptForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        _run(
            request,
            lambda: services.subitem_accept(
                actor=request.user, subitem=item, note=d["note"], approve=d["approve"]
            ),
            ok="验收意见已签署" if d["approve"] else "已退回整改",
        )
    else:
        messages.error(request, "请填写验收意见")
    return HttpResponseRedirect(item.get_absolute_url())


@login_required
def photo(request, pk):
    row = get_scoped_or_404(Photo.objects.all(), request.user, pk=pk)
    from apps.workorders.views.common import photo_response

    return photo_response(row)


# ------------------------------------------------------------------ meetings
def _meeting_status(m):
    return tag(m.get_status_display(), "done" if m.status == "held" else "plain")


class MeetingList(ListPage):
    title = "联席会议"
    permission = "campaigns.view_jointmeeting"
    selector = selectors.meeting_list_for
    search_fields = ("title__icontains", "convener_name__icontains")
    search_placeholder = "会议名称或召集单位"
    default_ordering = ("-scheduled_at", "-pk")
    create_url_name = "meeting_create"
    create_permission = "campaigns.add_jointmeeting"
    export_name = "联席会议"
    template_name = "campaigns/meeting_list.html"
    columns = [
        Column("会议名称", "title", sort="title", link=True),
        Column("召集单位", "convener_name"),
        Column(
            "会议时间",
            lambda m: timezone.localtime(m.scheduled_at).strftime("%Y-%m-%d %H:%M"),
            sort="scheduled_at",
        ),
        Column("状态", "get_status_display", display=_meeting_status),
        Column("议定事项", "decision_count", css="num"),
        Column("未办结", "open_decisions", css="num"),
    ]

    def extra_context(self):
        user = self.request.user
        if not user.has_perm("campaigns.view_decision"):
            return {"escalated": []}
        return {"escalated": list(selectors.escalated_decisions_for(user=user)[:20])}


@login_required
def meeting_create(request):
    _perm(request, "campaigns.add_jointmeeting")
    region = request.user.region
    if region is None or region.level not in ("street", "community"):
        raise PermissionDenied("联席会议由街道或社区党组织召集。")
    from apps.registry.models import Compound

    compounds = scoped(Compound.objects.all(), request.user).order_by("code")
    form = MeetingForm(
        request.POST or None,
        compounds=compounds,
        initial={"convener_name": f"{region.name}党组织", "title": f"{region.name}物业管理联席会议"},
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        meeting, ok = _run(
            request,
            lambda: services.meeting_convene(
                actor=request.user,
                title=d["title"],
                convener_region=region,
                convener_name=d["convener_name"],
                scheduled_at=d["scheduled_at"],
                location=d["location"],
                compound=d["compound"],
                invitees=d["invitees"],
            ),
            ok="联席会议已召集",
            form=form,
        )
        if ok:
            return HttpResponseRedirect(meeting.get_absolute_url())
    return render(
        request,
        "core/form.html",
        {"title": "召集联席会议", "form": form, "cancel_url": reverse("meeting_list")},
    )


def _meeting_for(request, pk):
    return get_scoped_or_404(selectors.meeting_list_for(user=request.user), request.user, pk=pk)


@login_required
def meeting_detail(request, pk):
    meeting = _meeting_for(request, pk)
    _perm(request, "campaigns.view_jointmeeting")
    user = request.user
    invitees = list(meeting.invitees.all())
    agenda = meeting.agenda.select_related("workorder", "problem", "project")
    decisions = list(meeting.decisions.select_related("agenda_item", "closed_by"))
    now = timezone.now()
    for d in decisions:
        d.live_card = d.card_at(now)
    can_edit = user.has_perm("campaigns.change_jointmeeting")
    planned = meeting.status == MeetingStatus.PLANNED
    return render(
        request,
        "campaigns/meeting_detail.html",
        {
            "title": meeting.title,
            "meeting": meeting,
            "invitees": invitees,
            "agenda": agenda,
            "decisions": decisions,
            "agenda_form": AgendaForm() if can_edit and planned else None,
            "minutes_form": MinutesForm(invitees=invitees) if can_edit and planned else None,
            "decision_form": DecisionForm(
                agenda=meeting.agenda.all(), initial={"deadline": _default_deadline(meeting)}
            )
            if user.has_perm("campaigns.add_decision") and not planned
            else None,
            "close_form": CloseDecisionForm() if user.has_perm("campaigns.close_decision") else None,
        },
    )


def _default_deadline(meeting):
    """The form's suggestion: CAMPAIGNS_DECISION_DEFAULT_WORKING_DAYS working days after the meeting."""
    from django.conf import settings

    from apps.workdays.calendar import CalendarMissing, add_working_days

    try:
        day = timezone.localtime(meeting.scheduled_at).date()
        return add_working_days(day, settings.CAMPAIGNS_DECISION_DEFAULT_WORKING_DAYS)
    except CalendarMissing:
        return None


def _scoped_or_none(request, model_selector, pk):
    if not pk:
        return None
    return get_scoped_or_404(model_selector(user=request.user), request.user, pk=pk)


@login_required
@require_POST
def agenda_create(request, pk):
    _perm(request, "campaigns.change_jointmeeting")
    meeting = _meeting_for(request, pk)
    form = AgendaForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        from apps.workorders.selectors import workorder_list_for

        try:
            wo = _scoped_or_none(request, workorder_list_for, d["workorder"])
            pr = _scoped_or_none(request, selectors.problem_list_for, d["problem"])
            pj = _scoped_or_none(request, selectors.project_list_for, d["project"])
        except Http404:
            messages.error(request, "关联事项：未找到该编号，或不在您的辖区内")
            return HttpResponseRedirect(meeting.get_absolute_url())
        _run(
            request,
            lambda: services.agenda_add(
                actor=request.user, meeting=meeting, title=d["title"], workorder=wo, problem=pr, project=pj
            ),
            ok="议题已列入",
        )
    else:
        messages.error(request, "议题编号应为正整数")
    return HttpResponseRedirect(meeting.get_absolute_url())


@login_required
@require_POST
def meeting_minutes(request, pk):
    _perm(request, "campaigns.change_jointmeeting")
    meeting = _meeting_for(request, pk)
    form = MinutesForm(request.POST, invitees=meeting.invitees.all())
    if form.is_valid():
        d = form.cleaned_data
        _run(
            request,
            lambda: services.meeting_record(
                actor=request.user, meeting=meeting, minutes=d["minutes"], attended=d["attended"]
            ),
            ok="会议纪要已记录",
        )
    else:
        messages.error(request, "；".join(f"{form.fields[f].label}：{e[0]}" for f, e in form.errors.items()))
    return HttpResponseRedirect(meeting.get_absolute_url())


@login_required
@require_POST
def decision_create(request, pk):
    _perm(request, "campaigns.add_decision")
    meeting = _meeting_for(request, pk)
    form = DecisionForm(request.POST, agenda=meeting.agenda.all())
    if form.is_valid():
        d = form.cleaned_data
        _run(
            request,
            lambda: services.decision_add(
                actor=request.user,
                meeting=meeting,
                text=d["text"],
                owner_kind=d["owner_kind"],
                owner_unit=d["owner_unit"],
                deadline=d["deadline"],
                required_evidence=d["required_evidence"],
                agenda_item=d["agenda_item"],
            ),
            ok="议定事项已登记",
        )
    else:
        messages.error(request, "；".join(f"{form.fields[f].label}：{e[0]}" for f, e in form.errors.items()))
    return HttpResponseRedirect(meeting.get_absolute_url())


@login_required
@require_POST
def decision_close(request, pk):
    _perm(request, "campaigns.close_decision")
    decision = get_scoped_or_404(selectors.decision_list_for(user=request.user), request.user, pk=pk)
    form = CloseDecisionForm(request.POST)
    if form.is_valid():
        _run(
            request,
            lambda: services.decision_close(
                actor=request.user, decision=decision, evidence_note=form.cleaned_data["evidence_note"]
            ),
            ok="议定事项已办结",
        )
    else:
        messages.error(request, "落实情况及佐证：请填写落实情况及佐证")
    return HttpResponseRedirect(decision.get_absolute_url())


@login_required
def meeting_export(request, pk):
    meeting = _meeting_for(request, pk)
    _perm(request, "campaigns.view_jointmeeting")
    from apps.campaigns.export import meeting_docx

    content = meeting_docx(meeting)
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    from urllib.parse import quote

    name = quote(f"{meeting.title}-纪要与议定事项.docx")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
    return response


def _decision_status(d):
    if d.status == DecisionStatus.CLOSED:
        return tag("按期办结" if d.on_time else "逾期办结", "done" if d.on_time else "warn")
    if d.escalated_at:
        return tag("逾期督办", "red")
    return _card(d) or tag("落实中", "plain")


class DecisionList(ListPage):
    title = "议定事项"
    permission = "campaigns.view_decision"
    selector = selectors.decision_list_for
    search_fields = ("text__icontains", "owner_unit__icontains")
    search_placeholder = "事项或责任单位"
    default_ordering = ("deadline", "pk")
    export_name = "议定事项"
    columns = [
        Column("议定事项", "text", link=True),
        Column("会议", "meeting.title"),
        Column("责任单位", "owner_unit"),
        Column("完成期限", "deadline", sort="deadline"),
        Column("佐证材料", "required_evidence"),
        Column("状态", "get_status_display", display=_decision_status),
    ]

    def get_queryset(self):
        qs = super().get_queryset()
        if self.request.GET.get("escalated"):
            qs = qs.filter(status=DecisionStatus.OPEN, escalated_at__isnull=False)
        return qs


# ------------------------------------------------------------------ work order → meeting / project
@login_required
@require_POST
def order_lift(request, pk):
    from apps.workorders.selectors import workorder_list_for

    order = get_scoped_or_404(workorder_list_for(user=request.user), request.user, pk=pk)
    form = LiftForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择去向")
        return HttpResponseRedirect(order.get_absolute_url())
    if form.cleaned_data["target"] == "project":
        _perm(request, "campaigns.add_project")
        project, ok = _run(
            request,
            lambda: services.workorder_lift_to_project(
                actor=request.user, order=order, name=form.cleaned_data["name"]
            ),
            ok="已转为民生项目",
        )
        if ok:
            return HttpResponseRedirect(project.get_absolute_url())
    else:
        _perm(request, "campaigns.change_jointmeeting")
        item, ok = _run(
            request,
            lambda: services.workorder_lift_to_meeting(actor=request.user, order=order),
            ok="已列入下次联席会议议题",
        )
        if ok:
            return HttpResponseRedirect(item.meeting.get_absolute_url())
    return HttpResponseRedirect(order.get_absolute_url())
