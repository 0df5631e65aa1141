"""Pages of owners' joint decisions: list, draft, the organiser's page with live turnout (never
choices), the owner's ballot (phone first), staff paper entry, proxies and the result notice."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from apps.core.errors import DomainError
from apps.core.services import validation_message
from apps.core.views import (
    Column,
    FormPage,
    ListPage,
    apply_validation_error,
    generated_tag,
    tag,
    timeline_for,
)
from apps.voting import selectors, services
from apps.voting.choices import DecisionStatus, PaperStatus
from apps.voting.filters import DecisionFilter
from apps.voting.forms import (
    BallotForm,
    DecisionForm,
    PaperConfirmForm,
    PaperEntryForm,
    ProxyForm,
    picked_choices,
)
from apps.voting.rules import voting_rules_for
from apps.voting.tally import CHOICE_LABELS, QUORUM

STATUS_TAGS = {
    DecisionStatus.DRAFT: "plain",
    DecisionStatus.OPEN: "warn",
    DecisionStatus.CLOSED: "gold",
    DecisionStatus.PUBLISHED: "ok",
}


class DecisionList(ListPage):
    title = "业主共同决定"
    intro = "民法典第二百七十八条：业主共同决定事项须专有部分面积和人数均占三分之二以上的业主参与表决。"
    permission = "voting.view_decision"
    search_fields = ("title__icontains", "compound__name__icontains")
    search_placeholder = "表决名称或小区"
    filter_form = DecisionFilter
    default_ordering = ("-opens_at", "-id")
    export_name = "业主共同决定"
    create_url_name = "voting_decision_create"
    create_permission = "voting.add_decision"
    selector = selectors.decision_list_for

    def get_columns(self):
        return [
            Column("表决名称", "title", link=True),
            Column("小区", "compound.name", sort="compound__name"),
            Column("形式", lambda d: d.get_form_display()),
            Column("事项数", "matter_count", css="num"),
            Column(
                "投票开始",
                lambda d: timezone.localtime(d.opens_at).strftime("%Y-%m-%d %H:%M"),
                sort="opens_at",
            ),
            Column(
                "投票截止",
                lambda d: timezone.localtime(d.closes_at).strftime("%Y-%m-%d %H:%M"),
                sort="closes_at",
            ),
            Column(
                "状态",
                lambda d: d.get_status_display(),
                display=lambda d: tag(d.get_status_display(), STATUS_TAGS[d.status]),
                sort="status",
            ),
            Column("演示数据", "is_generated", display=generated_tag),
        ]


class DecisionCreate(FormPage):
    form_class = DecisionForm
    permission = "voting.add_decision"
    title = "新建业主共同决定（草拟）"
    success_message = "已保存草稿。核对事项后可开始表决（冻结名册）。"
    cancel_url_name = "voting_decision_list"

    def get_form(self, data=None, files=None):
        form = super().get_form(data, files)
        committee_id = getattr(self.request.user, "committee_id", None)
        if committee_id and data is None:
            form.initial["organiser"] = committee_id
            form.initial["compound"] = self.request.user.committee.compound_id
        return form

    def save(self, form):
        return services.decision_create(
            actor=self.request.user, data=form.decision_data(), matters=form.matters()
        )


def _decision(request, pk):
    if not request.user.has_perm("voting.view_decision"):
        # scoped first: an outsider (no scope) gets 404, a read-only role without the right 403
        selectors.decision_for(user=request.user, pk=pk)
        raise PermissionDenied("您的角色无权查看此页面。")
    return selectors.decision_for(user=request.user, pk=pk)


def _fmt(dt):
    return timezone.localtime(dt).strftime("%Y-%m-%d %H:%M") if dt else "—"


@login_required
def decision_detail(request, pk):
    decision = _decision(request, pk)
    user = request.user
    organiser = user.has_perm("voting.view_turnout")
    context = {
        "title": decision.title,
        "decision": decision,
        "policy_url": reverse("voting_countingpolicy_edit", args=[decision.compound_id])
        if user.has_perm("voting.change_countingpolicyrecord")
        else "",
        "matters": list(decision.matters.all()),
        "status_tag": STATUS_TAGS[decision.status],
        "fields": [
            ("小区", decision.compound.name),
            ("表决形式", decision.get_form_display()),
            ("投票期间", f"{_fmt(decision.opens_at)} 至 {_fmt(decision.closes_at)}"),
            ("召集", str(decision.organiser) if decision.organiser_id else "—"),
            ("选举产生的业委会", str(decision.elects_committee) if decision.elects_committee_id else "—"),
            ("名册冻结", _fmt(decision.roll_frozen_at)),
            ("计票规则", decision.policy_basis or "法定计票方法（司法解释第九条），开始表决时确定"),
        ],
        "deviations": decision.counting_policy().deviations if decision.policy else [],
        "can": {
            "open": decision.status == DecisionStatus.DRAFT and user.has_perm("voting.open_decision"),
            "close": decision.status == DecisionStatus.OPEN and user.has_perm("voting.close_decision"),
            "publish": decision.status == DecisionStatus.CLOSED and user.has_perm("voting.publish_decision"),
            "paper": decision.status == DecisionStatus.OPEN and user.has_perm("voting.enter_paperballot"),
            "proxy": decision.status == DecisionStatus.OPEN and user.has_perm("voting.add_proxy"),
            "vote": decision.status == DecisionStatus.OPEN and user.has_perm("voting.cast_ballot"),
            "notice": decision.status == DecisionStatus.PUBLISHED
            or (decision.status == DecisionStatus.CLOSED and organiser),
        },
        "early": decision.status == DecisionStatus.OPEN and timezone.now() < decision.closes_at,
        "quorum": QUORUM,
    }
    if decision.status == DecisionStatus.CLOSED and decision.closed_at:
        days = voting_rules_for(decision.compound.community_id).publish_within_days
        due = timezone.localtime(decision.closed_at).date() + datetime.timedelta(days=days)
        context["publish_due"] = (
            f"应于 {due:%Y-%m-%d} 前公布表决结果（山东省物业管理条例第三十二条：{days}日内公告）"
        )
    if organiser and decision.status != DecisionStatus.DRAFT:
        context["turnout"] = selectors.decision_turnout(decision)
        context["roll"] = selectors.roll_summary(decision)
        context["blocking"] = selectors.blocking_paper_count(decision)
    if organiser:
        context["events"] = timeline_for(decision)
    return render(request, "voting/decision_detail.html", context)


ACTIONS = {
    "open": ("voting.open_decision", "已开始表决：名册和计票规则已冻结。"),
    "close": ("voting.close_decision", "已截止表决并完成计票。"),
    "publish": ("voting.publish_decision", "已公布表决结果。"),
}


@login_required
@require_POST
def decision_action(request, pk, verb):
    decision = _decision(request, pk)
    if verb not in ACTIONS:
        raise PermissionDenied("未知操作")
    perm, done = ACTIONS[verb]
    if not request.user.has_perm(perm):
        raise PermissionDenied("您的角色无权执行此操作。")
    try:
        if verb == "open":
            services.decision_open(decision=decision, actor=request.user)
        elif verb == "close":
            services.decision_close(decision=decision, actor=request.user, note=request.POST.get("note", ""))
        else:
            services.decision_publish(decision=decision, actor=request.user)
    except ValidationError as exc:
        messages.error(request, validation_message(exc))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return HttpResponseRedirect(decision.get_absolute_url())


@login_required
def ballot(request, pk):
    """The owner's ballot: one card per person they may vote for (their own, and proxies)."""
    decision = _decision(request, pk)
    if not request.user.has_perm("voting.cast_ballot"):
        raise PermissionDenied("只有业主可以投票。")
    matters = list(decision.matters.all())
    accepting = decision.is_accepting(timezone.now())
    targets = selectors.voters_for_user(decision, request.user)
    forms_by_voter = {}
    if request.method == "POST":
        voter_id = request.POST.get("voter")
        target = next((t for t in targets if str(t["voter"].pk) == voter_id), None)
        form = BallotForm(request.POST, matters=matters)
        if target is None:
            messages.error(request, "您不在本次表决的名册中，或未获该业主委托。")
        elif form.is_valid():
            try:
                services.ballot_cast(
                    decision=decision,
                    voter=target["voter"],
                    choices=picked_choices(form, matters),
                    actor=request.user,
                )
            except ValidationError as exc:
                messages.error(request, validation_message(exc))
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, "选票已提交。提交后不能修改。")
                return HttpResponseRedirect(reverse("voting_decision_ballot", args=[decision.pk]))
            forms_by_voter[target["voter"].pk] = form
    cards = []
    for t in targets:
        open_matters = [m for m in matters if m.pk not in t["ballots"]]
        cards.append(
            {
                **t,
                "form": forms_by_voter.get(t["voter"].pk) or BallotForm(matters=open_matters),
                "done": [
                    (m, CHOICE_LABELS[t["ballots"][m.pk].choice]) for m in matters if m.pk in t["ballots"]
                ],
                "open_matters": open_matters,
            }
        )
    return render(
        request,
        "voting/ballot.html",
        {"title": f"投票：{decision.title}", "decision": decision, "cards": cards, "accepting": accepting},
    )


def _staff(request, pk, perm):
    decision = _decision(request, pk)
    if not request.user.has_perm(perm):
        raise PermissionDenied("您的角色无权执行此操作。")
    return decision


@login_required
def paper(request, pk):
    """Staff enter signed paper ballots; a second person types each one again, blind."""
    decision = _staff(request, pk, "voting.enter_paperballot")
    matters = list(decision.matters.all())
    entry = PaperEntryForm(decision=decision, matters=matters)
    confirm_forms = {}
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "enter":
                entry = PaperEntryForm(request.POST, request.FILES, decision=decision, matters=matters)
                if entry.is_valid():
                    services.paper_enter(
                        decision=decision,
                        voter=entry.cleaned_data["voter"],
                        choices=picked_choices(entry, matters),
                        scan=entry.cleaned_data["scan"],
                        actor=request.user,
                    )
                    messages.success(request, "第一次录入已保存，请由另一名工作人员复录。")
                    return HttpResponseRedirect(request.path)
            elif action in ("confirm", "void"):
                sheet = selectors.paper_list_for(user=request.user, decision=decision).get(
                    pk=request.POST.get("paper")
                )
                if action == "void":
                    services.paper_void(
                        paper=sheet, actor=request.user, reason=request.POST.get("reason", "")
                    )
                    messages.success(request, "已作废，可重新录入。")
                    return HttpResponseRedirect(request.path)
                form = PaperConfirmForm(request.POST, matters=matters, prefix=f"p{sheet.pk}")
                confirm_forms[sheet.pk] = form
                if form.is_valid():
                    sheet = services.paper_confirm(
                        paper=sheet, choices=picked_choices(form, matters), actor=request.user
                    )
                    if sheet.status == PaperStatus.MATCHED:
                        messages.success(request, "两次录入一致，已计票。")
                    else:
                        messages.error(request, "两次录入不一致，已阻止计票。请核对原件后作废重录。")
                    return HttpResponseRedirect(request.path)
        except ValidationError as exc:
            messages.error(request, validation_message(exc))
        except DomainError as exc:
            messages.error(request, exc.message)
        except Exception as exc:
            from django.core.exceptions import ObjectDoesNotExist

            if not isinstance(exc, ObjectDoesNotExist):
                raise
            messages.error(request, "未找到该纸质选票。")
    sheets = list(selectors.paper_list_for(user=request.user, decision=decision).order_by("-pk"))
    for s in sheets:
        s.confirm_form = confirm_forms.get(s.pk) or PaperConfirmForm(matters=matters, prefix=f"p{s.pk}")
        s.mine = s.first_by_id == request.user.pk
    return render(
        request,
        "voting/paper.html",
        {"title": f"纸质选票录入：{decision.title}", "decision": decision, "entry": entry, "sheets": sheets},
    )


@login_required
def proxy(request, pk):
    decision = _staff(request, pk, "voting.add_proxy")
    form = ProxyForm(decision=decision)
    if request.method == "POST":
        form = ProxyForm(request.POST, request.FILES, decision=decision)
        if form.is_valid():
            try:
                services.proxy_register(
                    decision=decision,
                    principal=form.cleaned_data["principal"],
                    agent=form.cleaned_data["agent"],
                    document=form.cleaned_data["document"],
                    actor=request.user,
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "委托已登记。")
                return HttpResponseRedirect(request.path)
    rules = voting_rules_for(decision.compound.community_id)
    return render(
        request,
        "voting/proxy.html",
        {
            "title": f"登记表决委托：{decision.title}",
            "decision": decision,
            "form": form,
            "limit": rules.proxy_limit,
            "proxies": decision.proxies.select_related("principal", "agent").order_by("pk"),
        },
    )


@login_required
def notice(request, pk):
    """The printable result notice: every figure as numerator/denominator and percentage."""
    decision = _decision(request, pk)
    organiser = request.user.has_perm("voting.view_turnout")
    if not (
        decision.status == DecisionStatus.PUBLISHED
        or (decision.status == DecisionStatus.CLOSED and organiser)
    ):
        raise PermissionDenied("表决结果尚未公布。")
    results = selectors.decision_tally(decision)
    rules = voting_rules_for(decision.compound.community_id)
    return render(
        request,
        "voting/notice.html",
        {
            "title": f"表决结果公告：{decision.title}",
            "decision": decision,
            "results": results,
            "rules": rules,
            "deviations": decision.counting_policy().deviations,
            "roll": selectors.roll_summary(decision),
            "draft": decision.status != DecisionStatus.PUBLISHED,
        },
    )


def _file_response(field) -> HttpResponse:
    """A scan the caller may see, streamed (or handed to nginx behind MEDIA_ACCEL_REDIRECT)."""
    import mimetypes

    from django.conf import settings

    content_type = mimetypes.guess_type(field.name)[0] or "application/octet-stream"
    if settings.MEDIA_ACCEL_REDIRECT:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = f"/{settings.MEDIA_URL.strip('/')}/{field.name}"
    else:
        try:
            handle = field.storage.open(field.name, "rb")
        except (FileNotFoundError, OSError) as exc:
            raise Http404("文件不存在") from exc
        response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = "inline"
    return response


@login_required
def paper_scan(request, pk, paper_pk):
    """The scan of a paper ballot: staff who enter ballots, in scope (it shows a choice)."""
    decision = _staff(request, pk, "voting.enter_paperballot")
    sheet = selectors.paper_list_for(user=request.user, decision=decision).filter(pk=paper_pk).first()
    if sheet is None:
        raise Http404("未找到该纸质选票。")
    return _file_response(sheet.scan)


@login_required
def proxy_document(request, pk, proxy_pk):
    decision = _staff(request, pk, "voting.add_proxy")
    item = decision.proxies.filter(pk=proxy_pk).first()
    if item is None:
        raise Http404("未找到该委托。")
    return _file_response(item.document)


@login_required
def policy_edit(request, compound_pk):
    """The compound's counting method where its assembly's rules depart from the statute."""
    from apps.core.scoping import get_scoped_or_404
    from apps.registry.models import Compound
    from apps.voting.forms import PolicyForm
    from apps.voting.models import CountingPolicyRecord

    compound = get_scoped_or_404(Compound.objects.all(), request.user, pk=compound_pk)
    if not request.user.has_perm("voting.change_countingpolicyrecord"):
        raise PermissionDenied("您的角色无权修改计票规则。")
    record = CountingPolicyRecord.objects.filter(compound=compound).first()
    form = PolicyForm(instance=CountingPolicyRecord.objects.filter(pk=record.pk).first() if record else None)
    if request.method == "POST":
        form = PolicyForm(
            request.POST,
            instance=CountingPolicyRecord.objects.filter(pk=record.pk).first() if record else None,
        )
        form.instance.compound = compound
        if form.is_valid():
            data = {k: form.cleaned_data[k] for k in PolicyForm.Meta.fields}
            try:
                services.policy_set(compound=compound, actor=request.user, data=data)
            except ValidationError as exc:
                apply_validation_error(form, exc)
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "计票规则已保存，并记入操作记录。此后开始的表决按此计票。")
                return HttpResponseRedirect(request.path)
    return render(
        request,
        "voting/policy.html",
        {"title": f"{compound.name}计票规则", "compound": compound, "form": form, "record": record},
    )
