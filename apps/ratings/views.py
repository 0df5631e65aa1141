"""Pages of the rating engine and the surveys. Views parse input, check permission, call one
service or selector and render; the services check scope again."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from apps.core.errors import DomainError
from apps.core.excel import xlsx_response
from apps.core.scoping import get_scoped_or_404, scope_of
from apps.core.services import validation_message
from apps.core.views import (
    Column,
    FormPage,
    ListPage,
    generated_tag,
    tag,
    timeline_for,
)
from apps.ratings import selectors, services
from apps.ratings.choices import EntryStatus, ItemMethod, ObjectionStatus, QuestionKind, RoundStatus
from apps.ratings.forms import AnswerForm, ObjectionForm, RevokeForm, RoundForm, SchemeForm
from apps.ratings.models import SurveyCampaign
from apps.ratings.services.schemes import scheme_in_use, structure_of

STATUS_TAGS = {
    EntryStatus.PENDING: "",
    EntryStatus.SUBMITTED: "warn",
    EntryStatus.REVIEWED: "warn",
    EntryStatus.APPROVED: "warn",
    EntryStatus.NOTICE: "warn",
    EntryStatus.FINAL: "ok",
    EntryStatus.REVOKED: "red",
}


def _stars(entry) -> str:
    if entry.status in (EntryStatus.FINAL, EntryStatus.NOTICE, EntryStatus.APPROVED, EntryStatus.REVIEWED):
        return "★" * entry.stars if entry.stars else entry.stars_label
    if entry.status == EntryStatus.REVOKED:
        return entry.stars_label
    return ""


def _need(request, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise PermissionDenied("您的角色无权执行此操作。")


def _run(request, fn, ok: str) -> bool:
    try:
        fn()
    except ValidationError as exc:
        messages.error(request, validation_message(exc))
        return False
    except DomainError as exc:
        messages.error(request, exc.message)
        return False
    messages.success(request, ok)
    return True


# ------------------------------------------------------------------ schemes
class SchemeList(ListPage):
    title = "评定办法"
    permission = "ratings.view_ratingscheme"
    selector = selectors.scheme_list_for
    default_ordering = ("jurisdiction_id", "subject_kind", "title", "-version")
    create_url_name = "scheme_create"
    create_permission = "ratings.add_ratingscheme"
    columns = [
        Column("办法名称", lambda s: str(s), link=True),
        Column("制定区划", "jurisdiction.name"),
        Column("评定对象", lambda s: s.get_subject_kind_display()),
        Column("生效日期", "effective_from"),
        Column("总分", "total_points"),
        Column("星级分数线", lambda s: " / ".join(str(c) for c in s.star_cutoffs)),
        Column(
            "",
            lambda s: "",
            display=lambda s: (
                tag("示例", "gen") if s.is_example else (tag("历史数据") if s.is_legacy else generated_tag(s))
            ),
            export=False,
        ),
    ]


@login_required
def scheme_detail(request, pk):
    _need(request, "ratings.view_ratingscheme")
    scheme = get_scoped_or_404(selectors.scheme_list_for(user=request.user), request.user, pk=pk)
    dims = list(scheme.dimensions.prefetch_related("items"))
    vetoes = list(scheme.items.filter(method=ItemMethod.VETO))
    return render(
        request,
        "ratings/scheme_detail.html",
        {
            "title": str(scheme),
            "scheme": scheme,
            "dims": dims,
            "vetoes": vetoes,
            "in_use": scheme_in_use(scheme),
            "can_version": request.user.has_perm("ratings.add_ratingscheme") and not scheme.is_legacy,
            "events": timeline_for(scheme),
        },
    )


def _sheet_response(filename: str, structure: dict):
    from apps.ratings import scheme_sheet

    return xlsx_response(
        filename, scheme_sheet.HEADERS, scheme_sheet.rows_of(structure), sheet_title=scheme_sheet.SHEET_TITLE
    )


def scheme_sheet_download(request, pk):
    """The scheme's 细则表 (.xlsx): what one edits in Excel and uploads as a new version."""
    _need(request, "ratings.view_ratingscheme")
    scheme = get_scoped_or_404(selectors.scheme_list_for(user=request.user), request.user, pk=pk)
    return _sheet_response(f"{scheme.title}_第{scheme.version}版_细则表", structure_of(scheme))


def scheme_example_sheet(request):
    """The shipped example's 细则表, the starting point of a new scheme."""
    _need(request, "ratings.add_ratingscheme")
    from apps.ratings import examples

    return _sheet_response("评定办法示例_细则表", examples.COMPANY_ORG)


class SchemeCreate(FormPage):
    form_class = SchemeForm
    permission = "ratings.add_ratingscheme"
    title = "新建评定办法"
    multipart = True
    cancel_url_name = "scheme_list"
    selector = None

    def get_object(self):
        return None

    def base(self):
        from apps.ratings import examples

        return None, examples.COMPANY_ORG, examples.COMPANY_ORG_CUTOFFS

    def get_form(self, data=None, files=None):
        source, structure, cutoffs = self.base()
        self.base_structure = structure
        initial = {"star_cutoffs_text": ",".join(str(c) for c in cutoffs)}
        if source is not None:
            initial.update(
                jurisdiction=source.jurisdiction_id,
                subject_kind=source.subject_kind,
                title=source.title,
                source_note=source.source_note,
                effective_from=source.effective_from,
                total_points=source.total_points,
            )
        return self.form_class(data, files, user=self.request.user, initial=initial, base_structure=structure)

    def sheet_url(self):
        return reverse("scheme_example_sheet")

    def render_form(self, form, status=200):
        from apps.ratings import scheme_sheet

        return render(
            self.request,
            "ratings/scheme_form.html",
            {
                "form": form,
                "title": self.get_title(),
                "cancel_url": self.cancel_url(),
                "multipart": True,
                "object": getattr(self, "object", None),
                "sheet_headers": scheme_sheet.HEADERS,
                "sheet_rows": scheme_sheet.rows_of(self.base_structure),
                "sheet_url": self.sheet_url(),
            },
            status=status,
        )

    def save(self, form):
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("structure", "star_cutoffs_text")}
        data["star_cutoffs"] = form.cleaned_data["star_cutoffs_text"]
        if not data.get("source_document"):
            data.pop("source_document", None)
        return services.scheme_create(
            data=data, structure=form.cleaned_data["structure"], actor=self.request.user
        )


class SchemeVersion(SchemeCreate):
    title = "建立新版本"

    def get_object(self):
        return get_scoped_or_404(
            selectors.scheme_list_for(user=self.request.user), self.request.user, pk=self.kwargs["pk"]
        )

    def base(self):
        return self.object, structure_of(self.object), self.object.star_cutoffs

    def sheet_url(self):
        return reverse("scheme_sheet", args=[self.object.pk])

    def save(self, form):
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("structure", "star_cutoffs_text")}
        data["star_cutoffs"] = form.cleaned_data["star_cutoffs_text"]
        if not data.get("source_document"):
            data.pop("source_document", None)
        data["is_example"] = False
        return services.scheme_new_version(
            scheme=self.object, data=data, structure=form.cleaned_data["structure"], actor=self.request.user
        )


# ------------------------------------------------------------------ rounds
class RoundList(ListPage):
    title = "星级评定"
    permission = "ratings.view_ratinground"
    selector = selectors.round_list_for
    default_ordering = ("-year", "region_id", "pk")
    create_url_name = "round_create"
    create_permission = "ratings.add_ratinground"
    intro = "年度评定：市级开启 → 企业自评 → 街道/县区逐项审核 → 市级审定 → 公示 → 生效。"
    columns = [
        Column("名称", "title", link=True),
        Column("年度", "year", sort="year"),
        Column("评定办法", lambda r: str(r.scheme)),
        Column("状态", lambda r: r.get_status_display()),
        Column("参评对象", "entry_count"),
        Column("已生效", "final_count"),
        Column("公示截止", "notice_ends_on"),
    ]


class RoundCreate(FormPage):
    form_class = RoundForm
    permission = "ratings.add_ratinground"
    title = "开启年度评定"
    cancel_url_name = "round_list"
    selector = None

    def get_object(self):
        return None

    def save(self, form):
        from apps.regions.models import Region

        scope = scope_of(self.request.user)
        city_code = (scope.region_code or form.cleaned_data["scheme"].jurisdiction_id)[:4] + "00"
        d = form.cleaned_data
        return services.round_open(
            scheme=d["scheme"],
            region=Region.objects.get(pk=city_code),
            year=d["year"],
            title=d.get("title") or "",
            period_start=d["period_start"],
            period_end=d["period_end"],
            self_assess_due=d["self_assess_due"],
            review_due=d["review_due"],
            actor=self.request.user,
        )


def _round(request, pk):
    _need(request, "ratings.view_ratinground")
    return get_scoped_or_404(selectors.round_list_for(user=request.user), request.user, pk=pk)


@login_required
def round_detail(request, pk):
    rnd = _round(request, pk)
    entries = list(
        selectors.entry_list_for(user=request.user)
        .filter(round=rnd)
        .order_by(F("score").desc(nulls_last=True), "pk")
    )
    is_city = request.user.has_perm("ratings.approve_ratingentry") and scope_of(request.user).contains_code(
        rnd.region_id
    )
    counts = {}
    for e in entries:
        counts[e.get_status_display()] = counts.get(e.get_status_display(), 0) + 1
    return render(
        request,
        "ratings/round_detail.html",
        {
            "title": rnd.title,
            "round": rnd,
            "entries": [(e, STATUS_TAGS.get(e.status, ""), _stars(e)) for e in entries],
            "counts": counts,
            "can_publish": is_city and rnd.status == RoundStatus.OPEN,
            "can_finalize": is_city and rnd.status == RoundStatus.NOTICE,
            "events": timeline_for(rnd),
        },
    )


@login_required
@require_POST
def round_publish(request, pk):
    rnd = _round(request, pk)
    today = timezone.localdate()
    _run(request, lambda: services.round_publish(round=rnd, actor=request.user, today=today), "已开始公示。")
    return HttpResponseRedirect(rnd.get_absolute_url())


@login_required
@require_POST
def round_finalize(request, pk):
    rnd = _round(request, pk)
    today = timezone.localdate()
    _run(
        request,
        lambda: services.round_finalize(round=rnd, actor=request.user, today=today),
        "评定结果已生效。",
    )
    return HttpResponseRedirect(rnd.get_absolute_url())


@login_required
def round_export(request, pk):
    """One row per subject, one column per item (the reviewed points), then total and stars."""
    rnd = _round(request, pk)
    items = list(rnd.scheme.items.order_by("order", "pk"))
    entries = selectors.entry_list_for(user=request.user).filter(round=rnd).prefetch_related("scores")
    headers = [
        "评定对象",
        "所属企业",
        "所在区划",
        "状态",
        *[f"{i.code} {i.name}（{i.max_points}）" for i in items],
        "自评得分",
        "审核得分",
        "星级",
        "一票否决",
    ]

    def rows():
        for e in entries.order_by(F("score").desc(nulls_last=True), "pk"):
            by_item = {s.item_id: s for s in e.scores.all()}
            cells = []
            for i in items:
                s = by_item.get(i.pk)
                if s is None:
                    cells.append(None)
                elif i.is_veto:
                    cells.append("否决" if s.veto_hit else "")
                else:
                    cells.append(float(s.review_points) if s.review_points is not None else None)
            company = e.party_org.company if e.party_org_id else e.compound.company
            yield [
                str(e.subject),
                str(company or ""),
                e.region.name,
                e.get_status_display(),
                *cells,
                float(e.self_score) if e.self_score is not None else None,
                float(e.score) if e.score is not None else None,
                e.stars,
                "是" if e.vetoed else "",
            ]

    return xlsx_response(f"{rnd.title}", headers, rows(), sheet_title="评定结果")


# ------------------------------------------------------------------ entries
def _entry(request, pk):
    _need(request, "ratings.view_ratingentry")
    return get_scoped_or_404(selectors.entry_list_for(user=request.user), request.user, pk=pk)


@login_required
def entry_detail(request, pk):
    entry = _entry(request, pk)
    user = request.user
    scope = scope_of(user)
    scores = list(entry.scores.select_related("item__dimension").order_by("item__order", "item_id"))
    rnd = entry.round
    company_id = entry.party_org.company_id if entry.party_org_id else entry.compound.company_id
    open_round = rnd is not None and rnd.status == RoundStatus.OPEN
    can_self = (
        open_round
        and entry.status == EntryStatus.PENDING
        and user.has_perm("ratings.selfassess_ratingentry")
        and (scope.everything or scope.company_id == company_id)
    )
    can_review = (
        open_round
        and entry.status == EntryStatus.SUBMITTED
        and user.has_perm("ratings.review_ratingentry")
        and scope.contains_code(entry.region_id)
    )
    is_city = (
        rnd is not None
        and user.has_perm("ratings.approve_ratingentry")
        and scope.contains_code(rnd.region_id)
    )
    objections = list(entry.objections.all())
    can_answer = user.has_perm("ratings.answer_objection") and scope.contains_code(entry.region_id)
    return render(
        request,
        "ratings/entry_detail.html",
        {
            "title": str(entry),
            "entry": entry,
            "round": rnd,
            "scores": scores,
            "stars": _stars(entry),
            "status_tag": STATUS_TAGS.get(entry.status, ""),
            "can_self": can_self,
            "can_review": can_review,
            "can_approve": is_city and entry.status == EntryStatus.REVIEWED,
            "can_object": entry.status == EntryStatus.NOTICE and user.has_perm("ratings.add_objection"),
            "can_revoke": is_city
            and entry.status == EntryStatus.FINAL
            and user.has_perm("ratings.revoke_ratingentry"),
            "objections": [(o, can_answer and o.status == ObjectionStatus.OPEN) for o in objections],
            "objection_form": ObjectionForm(),
            "answer_form": AnswerForm(),
            "revoke_form": RevokeForm(),
            "events": timeline_for(entry),
            "ItemMethod": ItemMethod,
        },
    )


def _items_from_post(request, entry, kind: str) -> dict:
    out = {}
    for s in entry.scores.select_related("item"):
        pk = s.item_id
        data = {
            "points": request.POST.get(f"points_{pk}", ""),
            "note": request.POST.get(f"note_{pk}", ""),
            "comment": request.POST.get(f"comment_{pk}", ""),
            "override_reason": request.POST.get(f"reason_{pk}", ""),
            "veto_hit": request.POST.get(f"veto_{pk}") == "on",
        }
        if kind == "self" and f"evidence_{pk}" in request.FILES:
            data["evidence"] = request.FILES[f"evidence_{pk}"]
        out[pk] = data
    return out


@login_required
@require_POST
def entry_self_assess(request, pk):
    entry = _entry(request, pk)
    scores = _items_from_post(request, entry, "self")
    _run(
        request,
        lambda: services.entry_self_assess(entry=entry, scores=scores, actor=request.user),
        "自评已提交。",
    )
    return HttpResponseRedirect(entry.get_absolute_url())


@login_required
@require_POST
def entry_review(request, pk):
    entry = _entry(request, pk)
    reviews = _items_from_post(request, entry, "review")
    _run(
        request,
        lambda: services.entry_review(entry=entry, reviews=reviews, actor=request.user),
        "审核意见已提交。",
    )
    return HttpResponseRedirect(entry.get_absolute_url())


@login_required
@require_POST
def entry_approve(request, pk):
    entry = _entry(request, pk)
    _run(request, lambda: services.entry_approve(entry=entry, actor=request.user), "已审定。")
    return HttpResponseRedirect(entry.get_absolute_url())


@login_required
@require_POST
def entry_object(request, pk):
    entry = _entry(request, pk)
    today = timezone.localdate()
    text = request.POST.get("text", "")
    _run(
        request,
        lambda: services.objection_lodge(entry=entry, text=text, actor=request.user, today=today),
        "异议已提交，答复前结果不会生效。",
    )
    return HttpResponseRedirect(entry.get_absolute_url())


@login_required
@require_POST
def objection_answer(request, pk):
    _need(request, "ratings.view_objection")
    objection = get_scoped_or_404(selectors.objection_list_for(user=request.user), request.user, pk=pk)
    answer = request.POST.get("answer", "")
    _run(
        request,
        lambda: services.objection_answer(objection=objection, answer=answer, actor=request.user),
        "异议已答复。",
    )
    return HttpResponseRedirect(objection.entry.get_absolute_url())


@login_required
@require_POST
def entry_revoke(request, pk):
    entry = _entry(request, pk)
    today = timezone.localdate()
    reason, code = request.POST.get("reason", ""), request.POST.get("veto_code", "").strip()
    _run(
        request,
        lambda: services.result_revoke(
            entry=entry, reason=reason, veto_code=code, actor=request.user, today=today
        ),
        "星级已撤销，已通知该企业。",
    )
    return HttpResponseRedirect(entry.get_absolute_url())


# ------------------------------------------------------------------ rating history of a company / compound
@login_required
def org_history(request, pk):
    from apps.party.selectors import party_org_list_for

    _need(request, "ratings.view_ratingentry")
    org = get_scoped_or_404(party_org_list_for(user=request.user), request.user, pk=pk)
    history = selectors.history_for_org(user=request.user, party_org=org)
    return render(
        request,
        "ratings/history.html",
        {"title": f"{org} 星级评定记录", "subject": org, "history": [(e, _stars(e)) for e in history]},
    )


@login_required
def compound_history(request, pk):
    from apps.registry.selectors import compound_list_for

    _need(request, "ratings.view_ratingentry")
    compound = get_scoped_or_404(compound_list_for(user=request.user), request.user, pk=pk)
    history = selectors.history_for_compound(user=request.user, compound=compound)
    return render(
        request,
        "ratings/history.html",
        {
            "title": f"{compound} 服务项目星级记录",
            "subject": compound,
            "history": [(e, _stars(e)) for e in history],
        },
    )


# ------------------------------------------------------------------ surveys
class CampaignList(ListPage):
    title = "满意度测评"
    permission = "ratings.view_surveycampaign"
    selector = selectors.campaign_list_for
    default_ordering = ("-starts_on", "pk")
    columns = [
        Column("测评名称", "title", link=True),
        Column("组织区划", "region.name"),
        Column("开始", "starts_on", sort="starts_on"),
        Column("结束", "ends_on"),
        Column("参评小区", "compound_count"),
    ]


@login_required
def survey_campaign_detail(request, pk):
    _need(request, "ratings.view_surveycampaign")
    campaign = get_scoped_or_404(selectors.campaign_list_for(user=request.user), request.user, pk=pk)
    level = request.GET.get("level", "compound")
    if level not in selectors.LEVELS:
        level = "compound"
    rows = selectors.survey_results(campaign=campaign, user=request.user, level=level)
    summary = selectors.survey_question_summary(campaign=campaign, user=request.user)
    texts = (
        selectors.survey_texts(campaign=campaign, user=request.user, limit=30)
        if request.user.has_perm("ratings.view_survey_text")
        else None
    )
    trend = selectors.campaign_trend(user=request.user)
    return render(
        request,
        "ratings/campaign_detail.html",
        {
            "title": campaign.title,
            "campaign": campaign,
            "rows": rows[:300],
            "row_count": len(rows),
            "level": level,
            "levels": selectors.LEVELS,
            "level_label": selectors.LEVELS[level],
            "summary": summary,
            "texts": texts,
            "trend": trend,
            "min_sample": selectors.min_sample(),
            "QuestionKind": QuestionKind,
        },
    )


def _answer_url(request, campaign, compound_id) -> str:
    return request.build_absolute_uri(reverse("survey_answer", args=[campaign.token, compound_id]))


@login_required
def campaign_qr(request, pk, compound_pk):
    """A printable QR code (SVG) of the answering link of one compound."""
    import io

    import segno

    _need(request, "ratings.view_surveycampaign")
    campaign = get_scoped_or_404(selectors.campaign_list_for(user=request.user), request.user, pk=pk)
    if not campaign.compounds.filter(pk=compound_pk).exists():
        raise Http404("该小区不在本次测评范围内。")
    buffer = io.BytesIO()
    segno.make(_answer_url(request, campaign, compound_pk), error="m").save(
        buffer, kind="svg", scale=6, border=2
    )
    return HttpResponse(buffer.getvalue(), content_type="image/svg+xml")


def survey_answer(request, token, compound_pk):
    """The resident's page (phone-sized): the questionnaire of one compound; verified by the
    logged-in resident's own unit or a one-time unit code. No login required to open it."""
    campaign = get_object_or_404(SurveyCampaign.objects.select_related("template"), token=token)
    compound = get_object_or_404(campaign.compounds.all(), pk=compound_pk)
    questions = list(campaign.template.questions.order_by("order", "pk"))
    today = timezone.localdate()
    errors: dict = {}
    values: dict = {}
    if request.method == "POST":
        answers = {}
        for q in questions:
            if q.kind == QuestionKind.MULTIPLE:
                answers[q.pk] = request.POST.getlist(f"q_{q.pk}")
            else:
                answers[q.pk] = request.POST.get(f"q_{q.pk}", "")
        values = {f"q_{k}": v for k, v in answers.items()}
        try:
            services.survey_respond(
                campaign=campaign,
                compound=compound,
                answers=answers,
                user=request.user if request.user.is_authenticated else None,
                code=request.POST.get("code", ""),
                today=today,
            )
        except ValidationError as exc:
            errors = {k: " ".join(v) for k, v in exc.message_dict.items()}
        except DomainError as exc:
            errors = {"__all__": exc.message}
        else:
            return render(
                request,
                "ratings/survey_done.html",
                {"title": "提交成功", "campaign": campaign, "compound": compound},
            )
    return render(
        request,
        "ratings/survey_answer.html",
        {
            "title": campaign.title,
            "campaign": campaign,
            "compound": compound,
            "questions": [(q, errors.get(f"q_{q.pk}", ""), values.get(f"q_{q.pk}")) for q in questions],
            "errors": errors,
            "is_open": campaign.is_open(today),
            "code_value": request.POST.get("code", "") if request.method == "POST" else "",
            "QuestionKind": QuestionKind,
        },
        status=400 if errors else 200,
    )
