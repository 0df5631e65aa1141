"""Pages of the programmes: the coverage overview, arrangements, 兜底 agreements and inspections,
大手牵小手 pairings, the subsidies ledger and the pairing planner."""

from __future__ import annotations

import datetime
import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from apps.core.errors import DomainError
from apps.core.scoping import get_scoped_or_404, region_scope, scope_of, scoped
from apps.core.services import validation_message
from apps.core.views import Column, DetailPage, FormPage, ListPage, Section, generated_tag, tag
from apps.programs import planner, selectors, services
from apps.programs.choices import AgreementStatus, ArrangementMode, SubsidyStatus
from apps.programs.forms import (
    ArrangementForm,
    CollectionForm,
    FallbackAssignForm,
    InspectionForm,
    PairingOutcomeForm,
    PlannerAcceptForm,
    SubsidyApplyForm,
)
from apps.regions.models import Region
from apps.registry.models import Compound, PropertyCompany
from apps.voting.selectors import passed_decisions_for

MODE_TAGS = {"fallback": "red", "pairing": "gold", "none": "warn"}
MODE_LABELS = {**dict(ArrangementMode.choices), "none": "无物业服务"}


def _parse_month(text: str | None) -> datetime.date:
    """ "2025-06" → the last day of that month (today for the current month or none)."""
    today = timezone.localdate()
    try:
        year, month = (int(p) for p in (text or "").split("-")[:2])
        first = datetime.date(year, month, 1)
    except (ValueError, TypeError):
        return today
    last = (first + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
    return min(last, today)


def _region_for(request):
    """The region asked for (?region=code) if inside the user's scope, else the user's own."""
    scope = scope_of(request.user)
    code = (request.GET.get("region") or "").strip()
    if code and (scope.contains_code(code)) and Region.objects.filter(code=code).exists():
        return region_scope(code), Region.objects.get(code=code)
    region = Region.objects.filter(code=scope.region_code).first()
    return scope, region


# ------------------------------------------------------------ overview
@login_required
def overview(request):
    if not request.user.has_perm("programs.view_coverage"):
        raise PermissionDenied("您的角色无权查看此页面。")
    scope, region = _region_for(request)
    on = _parse_month(request.GET.get("month"))
    figures = selectors.overview(scope, on=on)
    trend = [(day, selectors.coverage_by_mode(scope, on=day)) for day in selectors.month_ends(on, 12)]
    children = []
    if region is not None and region.level in ("city", "county", "street"):
        by = {"city": 6, "county": 9, "street": 12}[region.level]
        names = dict(Region.objects.filter(parent=region).values_list("code", "name"))
        for prefix, cov in sorted(selectors.coverage_by_child(scope, by=by, on=on).items()):
            code = next((c for c in names if c.startswith(prefix)), prefix)
            children.append((code, names.get(code, prefix), cov))
    chart = {
        "months": [d.strftime("%Y-%m") for d, _ in trend],
        "series": [
            {"name": MODE_LABELS[m], "data": [c.by_mode[m] for _, c in trend]}
            for m in [*ArrangementMode.values, "none"]
        ],
    }
    return render(
        request,
        "programs/overview.html",
        {
            "title": "老旧小区物业服务覆盖",
            "region": region,
            "on": on,
            "month": on.strftime("%Y-%m"),
            "f": figures,
            "modes": [(MODE_LABELS[m], n, m) for m, n in figures.coverage.by_mode.items()],
            "children": children,
            "chart_json": json.dumps(chart, ensure_ascii=False),
            "can_plan": request.user.has_perm("programs.run_planner"),
        },
    )


# ------------------------------------------------------------ arrangements
def mode_tag(obj):
    return tag(obj.get_mode_display(), MODE_TAGS.get(obj.mode, ""))


class ArrangementList(ListPage):
    title = "服务安排"
    permission = "programs.view_servicearrangement"
    selector = selectors.arrangement_list_for
    search_fields = ("compound__name__icontains", "company__name__icontains")
    search_placeholder = "小区或企业名称"
    default_ordering = ("compound__code", "-start_date")
    export_name = "服务安排"
    create_url_name = "arrangement_create"
    create_permission = "programs.add_servicearrangement"
    import_url_name = "arrangement_import"
    import_permission = "programs.add_servicearrangement"  # held only by roles with registry.import_records
    columns = [
        Column("小区", "compound.name", link=True),
        Column(
            "历史",
            lambda a: "",
            display=lambda a: format_html(
                '<a href="{}">全部安排</a>', reverse("compound_arrangements", args=[a.compound_id])
            ),
            export=False,
        ),
        Column("服务模式", lambda a: a.get_mode_display(), sort="mode", display=mode_tag),
        Column("服务方", "provider"),
        Column("开始", "start_date", sort="start_date"),
        Column("结束", lambda a: a.end_date or "长期"),
        Column("四保", lambda a: "、".join(a.basics)),
        Column("物业费（元/㎡·月）", "fee_per_sqm", css="num"),
        Column("演示数据", "is_generated", display=generated_tag),
    ]


class ArrangementDetail(DetailPage):
    permission = "programs.view_servicearrangement"
    selector = selectors.arrangement_list_for
    list_url_name = "arrangement_list"
    list_title = "服务安排"
    template_name = "programs/detail.html"

    def extra_context(self, a):
        actions = [
            {"label": "本小区全部安排", "href": reverse("compound_arrangements", args=[a.compound_id])}
        ]
        if self.request.user.has_perm("programs.add_collectionrecord"):
            actions.append({"label": "登记收缴", "href": reverse("collection_create", args=[a.pk])})
        return {"actions": actions}

    def fields(self, a):
        return [
            ("小区", a.compound.name),
            ("服务模式", a.get_mode_display()),
            ("服务方", a.provider),
            ("开始日期", a.start_date),
            ("结束日期", a.end_date or "长期"),
            ("四保", "、".join(a.basics)),
            ("其他服务", a.extra_services),
            ("物业费标准（元/㎡·月）", a.fee_per_sqm),
            ("备注", a.note),
        ]

    def sections(self, a):
        history = list(a.compound.arrangements.select_related("company").order_by("-start_date"))
        return [
            Section(
                "本小区服务安排历史",
                [
                    Column("服务模式", lambda x: x.get_mode_display()),
                    Column("服务方", "provider"),
                    Column("开始", "start_date"),
                    Column("结束", lambda x: x.end_date or "长期"),
                ],
                history,
            ),
            Section(
                "物业费收缴",
                [
                    Column("月份", lambda r: r.period.strftime("%Y-%m")),
                    Column("应收（元）", "amount_due", css="num"),
                    Column("实收（元）", "amount_collected", css="num"),
                    Column("收缴率（%）", "rate_percent", css="num"),
                ],
                list(a.collections.all()),
            ),
        ]


class ArrangementCreate(FormPage):
    form_class = ArrangementForm
    permission = "programs.add_servicearrangement"
    title = "新建服务安排"
    cancel_url_name = "arrangement_list"

    def save(self, form):
        data = dict(form.cleaned_data)
        compound = data.pop("compound")
        return services.arrangement_create(compound=compound, data=data, actor=self.request.user)


class CollectionCreate(FormPage):
    form_class = CollectionForm
    permission = "programs.add_collectionrecord"
    title = "登记物业费收缴"
    selector = selectors.arrangement_list_for

    def save(self, form):
        d = form.cleaned_data
        services.collection_record(
            arrangement=self.object,
            period=d["period"],
            amount_due=d["amount_due"],
            amount_collected=d["amount_collected"],
            actor=self.request.user,
        )
        return self.object


# ------------------------------------------------------------ 兜底
class FallbackList(ListPage):
    title = "兜底服务协议"
    permission = "programs.view_fallbackagreement"
    selector = selectors.fallback_list_for
    search_fields = ("compound__name__icontains", "company__name__icontains")
    default_ordering = ("compound__code",)
    export_name = "兜底服务协议"
    create_url_name = "fallback_assign"
    create_permission = "programs.assign_fallback"
    columns = [
        Column("小区", "compound.name", link=True),
        Column("公益性物业企业", "company.name"),
        Column("开始", "start_date", sort="start_date"),
        Column("财政补助（元/月）", "monthly_subsidy", css="num"),
        Column(
            "整改通知",
            "notice_sent_on",
            display=lambda f: tag(f"已通知 {f.notice_sent_on}", "red") if f.notice_sent_on else "",
        ),
        Column("演示数据", "is_generated", display=generated_tag),
    ]


class FallbackDetail(DetailPage):
    permission = "programs.view_fallbackagreement"
    selector = selectors.fallback_list_for
    list_url_name = "fallback_list"
    list_title = "兜底服务协议"
    template_name = "programs/detail.html"

    def fields(self, f):
        return [
            ("小区", f.compound.name),
            ("公益性物业企业", f.company.name),
            ("开始日期", f.start_date),
            ("结束日期", f.end_date or "长期"),
            ("服务范围", f.scope_text),
            ("服务标准", f.standard),
            ("收费标准（元/㎡·月）", f.fee_per_sqm),
            ("财政补助（元/月）", f.monthly_subsidy),
            ("连续不合格次数", services.failure_streak(f)),
            ("整改通知日期", f.notice_sent_on),
        ]

    def sections(self, f):
        return [
            Section(
                "月度巡查",
                [
                    Column("月份", lambda i: i.period.strftime("%Y-%m")),
                    Column(
                        "结果",
                        "passed",
                        display=lambda i: tag("合格", "ok") if i.passed else tag("不合格", "red"),
                    ),
                    Column("不合格项", lambda i: "、".join(i.failed_items)),
                    Column("情况说明", "notes"),
                ],
                list(f.inspections.all()[:24]),
            )
        ]

    def extra_context(self, f):
        actions = []
        if self.request.user.has_perm("programs.inspect_fallback"):
            actions.append({"label": "巡查登记", "href": reverse("fallback_inspection_create", args=[f.pk])})
        return {"actions": actions}


class FallbackAssign(FormPage):
    form_class = FallbackAssignForm
    permission = "programs.assign_fallback"
    title = "指定公益性物业兜底"
    cancel_url_name = "fallback_list"

    def save(self, form):
        d = form.cleaned_data
        return services.fallback_assign(
            compound=d["compound"],
            company=d["company"],
            start_date=d["start_date"],
            end_date=d["end_date"],
            standard=d["standard"],
            fee_per_sqm=d["fee_per_sqm"],
            monthly_subsidy=d["monthly_subsidy"] or 0,
            actor=self.request.user,
        )


class InspectionCreate(FormPage):
    form_class = InspectionForm
    permission = "programs.inspect_fallback"
    title = "兜底服务巡查"
    multipart = True
    selector = selectors.fallback_list_for

    def get_title(self):
        return f"巡查：{self.object.compound.name}"

    def save(self, form):
        d = form.cleaned_data
        services.inspection_record(
            agreement=self.object,
            period=d["period"],
            security_ok=d["security_ok"],
            cleaning_ok=d["cleaning_ok"],
            greenery_ok=d["greenery_ok"],
            repairs_ok=d["repairs_ok"],
            notes=d["notes"],
            photo=d.get("photo"),
            actor=self.request.user,
        )
        return self.object


# ------------------------------------------------------------ 大手牵小手
def decision_link(decision):
    """An owners' decision as a link to its page (voting), or "—"."""
    if decision is None:
        return "—"
    return format_html('<a href="{}">{}</a>', decision.get_absolute_url(), decision.title)


def status_tag(obj):
    kind = {"draft": "warn", "signed": "ok", "concluded": "done"}.get(obj.status, "")
    return tag(obj.get_status_display(), kind)


class PairingList(ListPage):
    title = "大手牵小手"
    permission = "programs.view_pairingagreement"
    selector = selectors.pairing_list_for
    search_fields = ("compound__name__icontains", "company__name__icontains")
    default_ordering = ("transition_date", "compound__code")
    export_name = "大手牵小手协议"
    columns = [
        Column("小区", "compound.name", link=True),
        Column("帮扶企业", "company.name"),
        Column("户数", "compound.households", css="num"),
        Column("状态", lambda p: p.get_status_display(), sort="status", display=status_tag),
        Column("开始", "start_date", sort="start_date"),
        Column("转市场化日期", "transition_date", sort="transition_date"),
        Column("距离（公里）", "distance_km", css="num"),
        Column("过渡结果", lambda p: p.get_outcome_display()),
    ]


class PairingDetail(DetailPage):
    permission = "programs.view_pairingagreement"
    selector = selectors.pairing_list_for
    list_url_name = "pairing_list"
    list_title = "大手牵小手"
    template_name = "programs/detail.html"

    def fields(self, p):
        return [
            ("小区", f"{p.compound.name}（{p.compound.households}户）"),
            ("帮扶企业", p.company.name),
            ("状态", p.get_status_display()),
            ("帮扶开始", p.start_date),
            ("过渡期", f"{p.years}年"),
            ("转市场化日期", p.transition_date),
            ("补助方式", p.get_subsidy_basis_display()),
            ("首年补助标准", p.subsidy_rate),
            ("签订日期", p.signed_on),
            ("到期提醒", p.reminded_on),
            ("过渡结果", p.get_outcome_display()),
            ("业主共同决定", decision_link(p.owners_decision)),
        ]

    def sections(self, p):
        return [
            Section(
                "补助计划（逐年递减）",
                [
                    Column("年度", lambda line: f"第{line.year}年"),
                    Column("起", lambda line: line.start),
                    Column("止", lambda line: line.end),
                    Column("补助（元/月）", lambda line: line.monthly_amount, css="num"),
                    Column("居民缴费比例", lambda line: f"{float(line.resident_share):.0%}", css="num"),
                ],
                p.schedule(),
            ),
            Section(
                "过渡节点",
                [Column("节点", "title"), Column("计划日期", "due_date"), Column("完成", "done_on")],
                list(p.milestones.all()),
            ),
            Section(
                "财政补助",
                [
                    Column("月份", lambda s: s.period.strftime("%Y-%m"), link=True),
                    Column("申请（元）", "amount", css="num"),
                    Column("状态", lambda s: s.get_status_display()),
                    Column("拨付（元）", "disbursed_amount", css="num"),
                ],
                list(p.subsidies.all()),
            ),
        ]

    def extra_context(self, p):
        user = self.request.user
        actions = []
        if p.status == AgreementStatus.DRAFT and user.has_perm("programs.sign_pairing"):
            actions.append(
                {"label": "签订协议", "post": reverse("pairing_sign", args=[p.pk]), "primary": True}
            )
        outcome_form = None
        if p.status == AgreementStatus.SIGNED and user.has_perm("programs.change_pairingagreement"):
            outcome_form = PairingOutcomeForm(
                decisions=passed_decisions_for(user=user, compound_id=p.compound_id),
                city_code=p.compound.community_id[:4],
            )
        return {
            "actions": actions,
            "outcome_form": outcome_form,
            "outcome_url": reverse("pairing_outcome", args=[p.pk]),
        }


def _back(request, obj, fn):
    try:
        fn()
    except ValidationError as exc:
        messages.error(request, validation_message(exc))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已办理。")
    return HttpResponseRedirect(obj.get_absolute_url())


@login_required
@require_POST
def pairing_sign(request, pk):
    pairing = get_scoped_or_404(selectors.pairing_list_for(user=request.user), request.user, pk=pk)
    if not request.user.has_perm("programs.sign_pairing"):
        raise PermissionDenied("您的角色无权执行此操作。")
    return _back(request, pairing, lambda: services.pairing_sign(pairing=pairing, actor=request.user))


@login_required
@require_POST
def pairing_outcome(request, pk):
    pairing = get_scoped_or_404(selectors.pairing_list_for(user=request.user), request.user, pk=pk)
    if not request.user.has_perm("programs.change_pairingagreement"):
        raise PermissionDenied("您的角色无权执行此操作。")
    form = PairingOutcomeForm(request.POST, city_code=pairing.compound.community_id[:4])
    if not form.is_valid():
        messages.error(
            request,
            "；".join(f"{form.fields[f].label}：{'、'.join(e)}" for f, e in form.errors.items()),
        )
        return HttpResponseRedirect(pairing.get_absolute_url())
    d = form.cleaned_data
    decision = None
    if d["owners_decision"]:
        decision = selectors.decision_for_link(user=request.user, pk=d["owners_decision"])
        if decision is None:
            messages.error(request, "业主共同决定：未找到该表决")
            return HttpResponseRedirect(pairing.get_absolute_url())
    return _back(
        request,
        pairing,
        lambda: services.pairing_outcome_record(
            pairing=pairing,
            outcome=d["outcome"],
            on=d["on"],
            note=d["note"],
            fallback_company=d["fallback_company"],
            decision=decision,
            actor=request.user,
        ),
    )


# ------------------------------------------------------------ subsidies
class SubsidyList(ListPage):
    title = "财政补助"
    permission = "programs.view_subsidyapplication"
    selector = selectors.subsidy_list_for
    search_fields = ("compound__name__icontains", "company__name__icontains")
    default_ordering = ("-period", "compound__code")
    export_name = "财政补助"
    create_url_name = "subsidy_apply"
    create_permission = "programs.apply_subsidy"
    template_name = "programs/subsidy_list.html"
    columns = [
        Column("小区", "compound.name", link=True),
        Column("项目", lambda s: s.get_programme_display(), sort="programme"),
        Column("企业", "company.name"),
        Column("月份", lambda s: s.period.strftime("%Y-%m"), sort="period"),
        Column("申请（元）", "amount", css="num"),
        Column("标准（元）", "scheduled_amount", css="num"),
        Column("状态", lambda s: s.get_status_display(), sort="status"),
        Column("拨付（元）", "disbursed_amount", css="num"),
    ]

    def extra_context(self):
        totals = selectors.subsidy_totals(scope_of(self.request.user))
        names = dict(
            Region.objects.filter(code__in={r["county"] for r in totals}).values_list("code", "name")
        )
        labels = {"fallback": "公益性物业兜底", "pairing": "大手牵小手"}
        return {
            "totals": [
                {
                    **r,
                    "county_name": names.get(r["county"], r["county"]),
                    "programme_label": labels[r["programme"]],
                }
                for r in totals
            ]
        }


class SubsidyDetail(DetailPage):
    permission = "programs.view_subsidyapplication"
    selector = selectors.subsidy_list_for
    list_url_name = "subsidy_list"
    list_title = "财政补助"
    template_name = "programs/detail.html"

    def fields(self, s):
        return [
            ("小区", s.compound.name),
            ("项目", s.get_programme_display()),
            ("申请企业", s.company.name),
            ("补助月份", s.period.strftime("%Y-%m")),
            ("申请金额（元）", s.amount),
            ("补助标准金额（元）", s.scheduled_amount),
            ("超标准原因", s.over_schedule_reason),
            ("当月物业费应收/实收（元）", f"{s.fees_due or '—'} / {s.fees_collected or '—'}"),
            ("状态", s.get_status_display()),
            ("审核人", s.approved_by.display_name if s.approved_by_id else ""),
            ("复核人", s.second_approver.display_name if s.second_approver_id else ""),
            ("不通过原因", s.refusal_reason),
            ("拨付", f"{s.disbursed_amount}元（{s.disbursed_on}）" if s.disbursed_on else ""),
        ]

    def extra_context(self, s):
        user = self.request.user
        actions = []
        if user.has_perm("programs.approve_subsidy"):
            if s.status == SubsidyStatus.APPLIED:
                actions.append(
                    {"label": "审核通过", "post": reverse("subsidy_approve", args=[s.pk]), "primary": True}
                )
            elif s.status == SubsidyStatus.APPROVED and s.above_schedule and not s.second_approver_id:
                actions.append({"label": "超标准复核通过", "post": reverse("subsidy_approve", args=[s.pk])})
        if user.has_perm("programs.disburse_subsidy") and s.status == SubsidyStatus.APPROVED:
            actions.append({"label": "登记拨付", "post": reverse("subsidy_disburse", args=[s.pk])})
        refuse = user.has_perm("programs.approve_subsidy") and s.status in (
            SubsidyStatus.APPLIED,
            SubsidyStatus.APPROVED,
        )
        return {"actions": actions, "refuse_url": reverse("subsidy_refuse", args=[s.pk]) if refuse else ""}


def _subsidy_action(request, pk, perm, fn):
    application = get_scoped_or_404(selectors.subsidy_list_for(user=request.user), request.user, pk=pk)
    if not request.user.has_perm(perm):
        raise PermissionDenied("您的角色无权执行此操作。")
    return _back(request, application, lambda: fn(application))


@login_required
@require_POST
def subsidy_approve(request, pk):
    return _subsidy_action(
        request,
        pk,
        "programs.approve_subsidy",
        lambda a: services.subsidy_approve(application=a, actor=request.user),
    )


@login_required
@require_POST
def subsidy_refuse(request, pk):
    reason = request.POST.get("reason", "")
    return _subsidy_action(
        request,
        pk,
        "programs.approve_subsidy",
        lambda a: services.subsidy_refuse(application=a, reason=reason, actor=request.user),
    )


@login_required
@require_POST
def subsidy_disburse(request, pk):
    return _subsidy_action(
        request,
        pk,
        "programs.disburse_subsidy",
        lambda a: services.subsidy_disburse(application=a, actor=request.user),
    )


class SubsidyApply(FormPage):
    form_class = SubsidyApplyForm
    permission = "programs.apply_subsidy"
    title = "申请财政补助"
    cancel_url_name = "subsidy_list"

    def save(self, form):
        d = form.cleaned_data
        return services.subsidy_apply(
            agreement=d["pairing"],
            period=d["period"],
            amount=d["amount"],
            fees_due=d["fees_due"],
            fees_collected=d["fees_collected"],
            over_schedule_reason=d["over_schedule_reason"],
            actor=self.request.user,
        )


# ------------------------------------------------------------ planner
def _county_of(request) -> Region:
    scope = scope_of(request.user)
    code = request.GET.get("county") or request.POST.get("county") or scope.region_code
    county = Region.objects.filter(code=code, level="county").first()
    if county is None or not scope.contains_code(county.code):
        raise PermissionDenied("请选择您管辖范围内的县区")
    return county


def _require_planner(request) -> None:
    if not request.user.has_perm("programs.run_planner"):
        raise PermissionDenied("您的角色无权使用结对规划。")


@login_required
def planner_capacities_view(request):
    """GET/POST /programs/planner/capacities/?county=<code>: the county's capacity per company
    (empty = the jurisdiction's default), stored through services.planner_capacities_set."""
    _require_planner(request)
    county = _county_of(request)
    companies = list(selectors.planner_companies(county.code).only("pk", "name"))
    stored = selectors.planner_capacities(county.code)
    default = selectors.default_capacity(county.code)
    values = {c.pk: "" if c.pk not in stored else str(stored[c.pk]) for c in companies}
    errors: dict[str, str] = {}
    if request.method == "POST":
        values = {c.pk: request.POST.get(f"cap_{c.pk}", "").strip() for c in companies}
        try:
            changed = services.planner_capacities_set(county=county, values=values, actor=request.user)
        except ValidationError as exc:
            errors = {key: msgs[0] for key, msgs in exc.message_dict.items()}
            messages.error(request, "容量未保存：" + "；".join(errors.values()))
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已保存结对容量（{changed} 家企业有变化）。")
            return HttpResponseRedirect(f"{reverse('pairing_planner')}?county={county.code}")
    rows = [
        {
            "company": c,
            "value": values.get(c.pk, ""),
            "error": errors.get(f"cap_{c.pk}"),
            "stored": c.pk in stored,
        }
        for c in companies
    ]
    return render(
        request,
        "programs/planner_capacities.html",
        {"title": f"结对容量 · {county.name}", "county": county, "rows": rows, "default": default},
        status=400 if errors else 200,
    )


@login_required
def planner_view(request):
    _require_planner(request)
    county = _county_of(request)
    if request.method == "POST":
        form = PlannerAcceptForm(request.POST)
        chosen = request.POST.getlist("accept")
        if form.is_valid() and chosen:
            picks = [f"{site}:{request.POST.get(f'choice_{site}', '')}" for site in chosen]
            made, errors = _accept(request, picks, form.cleaned_data)
            if made:
                messages.success(request, f"已生成 {made} 份大手牵小手协议草稿，待企业签订。")
            for e in errors:
                messages.error(request, e)
            return HttpResponseRedirect(f"{reverse('pairing_list')}")
        if not chosen:
            messages.error(request, "请勾选要采纳的结对建议")
    else:
        form = PlannerAcceptForm(initial={"start_date": timezone.localdate()})
    plan = planner.plan_for_county(county.code)
    stored = selectors.planner_capacities(county.code)
    rows = [
        {
            "site": p.site,
            "adopter": p.adopter,
            "distance_km": p.distance_km,
            "options": plan.options.get(p.site.id, []),
        }
        for p in plan.proposals
    ]
    points = {
        "compounds": [
            {
                "name": p.site.name,
                "value": [float(p.site.lon), float(p.site.lat)],
                "assigned": p.adopter is not None,
            }
            for p in plan.proposals
        ],
        "companies": [{"name": a.name, "value": [a.lon, a.lat]} for a in plan.adopters if a.lat is not None],
        "links": [
            {"coords": [[float(p.site.lon), float(p.site.lat)], [p.adopter.lon, p.adopter.lat]]}
            for p in plan.assigned
        ],
    }
    return render(
        request,
        "programs/planner.html",
        {
            "title": f"结对规划 · {county.name}",
            "county": county,
            "plan": plan,
            "rows": rows,
            "form": form,
            "points_json": json.dumps(points, ensure_ascii=False),
            "max_km": settings.PLANNER_MAX_DISTANCE_KM,
            "adopter_rows": [(a, a.id in stored) for a in plan.adopters],
            "default_capacity": selectors.default_capacity(county.code),
        },
    )


def _accept(request, chosen: list[str], d: dict) -> tuple[int, list[str]]:
    made, errors = 0, []
    for item in chosen:
        try:
            compound_id, company_id, km = item.split(":")
            compound = get_scoped_or_404(Compound.objects.all(), request.user, pk=int(compound_id))
            company = PropertyCompany.objects.get(pk=int(company_id))
            services.pairing_create(
                compound=compound,
                company=company,
                start_date=d["start_date"],
                years=d["years"],
                subsidy_rate=d["subsidy_rate"],
                distance_km=km or None,
                actor=request.user,
            )
            made += 1
        except ValidationError as exc:
            errors.append(validation_message(exc))
        except (DomainError, ValueError, PropertyCompany.DoesNotExist) as exc:
            errors.append(getattr(exc, "message", "无效的结对建议"))
    return made, errors


# ------------------------------------------------------------ a compound's history
def _compounds_for(*, user):
    return scoped(Compound.objects.select_related("company", "community"), user)


class CompoundHistory(DetailPage):
    """Every arrangement a compound has had, and its agreements: the history behind its mode."""

    permission = "programs.view_servicearrangement"
    selector = _compounds_for
    list_url_name = "arrangement_list"
    list_title = "服务安排"
    template_name = "programs/detail.html"

    def fields(self, c):
        return [
            ("小区", c.name),
            ("老旧小区", c.is_old),
            ("户数", c.households),
            ("当前管理模式", c.get_management_mode_display()),
            ("当前服务企业", c.company.name if c.company_id else ""),
        ]

    def sections(self, c):
        return [
            Section(
                "服务安排历史",
                [
                    Column("服务模式", lambda x: x.get_mode_display(), link=True),
                    Column("服务方", "provider"),
                    Column("开始", "start_date"),
                    Column("结束", lambda x: x.end_date or "长期"),
                    Column("物业费（元/㎡·月）", "fee_per_sqm", css="num"),
                ],
                list(c.arrangements.select_related("company").order_by("-start_date")),
                empty="暂无服务安排",
            ),
            Section(
                "大手牵小手协议",
                [
                    Column("帮扶企业", "company.name", link=True),
                    Column("状态", lambda p: p.get_status_display()),
                    Column("转市场化日期", "transition_date"),
                ],
                list(c.pairings.select_related("company")),
            ),
            Section(
                "兜底协议",
                [Column("公益性物业企业", "company.name", link=True), Column("开始", "start_date")],
                list(c.fallback_agreements.select_related("company")),
            ),
        ]
