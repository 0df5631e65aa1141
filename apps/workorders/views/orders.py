"""The order page: everything about one order for the staff who may see it, and the in-place
actions (HTMX) for every verb the user may apply now. Residents get their tracking page."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse

from apps.core.errors import ConflictError, DomainError
from apps.core.roles import Role
from apps.core.scoping import get_scoped_or_404, scoped
from apps.core.validators import mask_mobile, mask_name
from apps.core.views import htmx_redirect
from apps.workorders import policy, selectors, services
from apps.workorders.choices import VERBS, Level, Status
from apps.workorders.forms import VERB_FORMS
from apps.workorders.models import WorkOrder, WorkOrderPhoto
from apps.workorders.services import latest_callback
from apps.workorders.views.common import (
    LABEL_FALLBACK,
    TimelineRow,
    callback_summary,
    check_version,
    event_summary,
    photo_response,
    public_rows,
    run_service,
    stage_sentence,
    steps_for,
)

# Buttons in this order; the dangerous ones last.
VERB_ORDER = [
    "accept",
    "dispatch",
    "sign",
    "resolve",
    "extend",
    "approve_extension",
    "callback",
    "close",
    "reopen",
    "return",
    "escalate",
    "merge",
    "reject",
]
DANGER = {"return", "reject", "merge", "escalate", "reopen"}
SUCCESS = {
    "accept": "已受理（报到），请尽快派单。",
    "dispatch": "已派单至“{unit}”。",
    "sign": "已签收，请在期限内办结。",
    "return": "已退单，工单退回受理派单。",
    "resolve": "已办结，等待社区回访。",
    "callback": "回访结果已记录。",
    "close": "已结案。",
    "reopen": "已发回重办。",
    "escalate": "已升级督办至{level}。",
    "merge": "已合并至工单{target}。",
    "reject": "已作不予受理处理。",
    "extend": "延期申请已提交，等待{level}级审批；审批前仍按原期限办理。",
    "approve_extension": "延期审批结果已记录。",
}


def verb_form(form_class, *args, order, user):
    """The domain's form of a verb, with a Chinese "required" message naming each field (the
    default one says only that "this field" is required)."""
    form = form_class(*args, order=order, user=user)
    for field in form.fields.values():
        if field.error_messages.get("required") == forms.Field.default_error_messages["required"]:
            choose = isinstance(field, forms.ChoiceField)
            field.error_messages["required"] = f"请{'选择' if choose else '填写'}{field.label}"
    return form


def _viewer(request, pk) -> WorkOrder:
    order = selectors.workorder_get_for(user=request.user, pk=pk)  # 404 outside the scope
    if not request.user.has_perm("workorders.view_workorder"):
        raise PermissionDenied("您的角色无权查看工单。")
    return order


def is_resident_view(user) -> bool:
    return getattr(user, "role", "") == Role.RESIDENT


def reporter_display(order, user) -> dict:
    """Masked by default; the full name and phone come from the reveal endpoint (logged)."""
    if order.is_anonymous:
        name, phone = "匿名反映", ""
    else:
        name, phone = mask_name(order.reporter_name) or "—", mask_mobile(order.reporter_phone)
    return {
        "name": name,
        "phone": phone,
        "can_reveal": bool(order.reporter_name or order.reporter_phone)
        and policy.can_view_reporter(user, order),
    }


def order_context(request, order, *, flash: str = "") -> dict:
    user = request.user
    timeline = selectors.workorder_timeline(order=order)
    assignments = list(
        order.assignments.select_related(
            "company", "committee__compound", "department", "dispatched_by", "signed_by", "resolved_by"
        ).order_by("dispatched_at", "id")
    )
    by_id = {a.pk: a for a in assignments}
    photos = selectors.workorder_photos(order=order)
    for a in assignments:
        a.evidence = [p for p in photos["resolution"] if p.assignment_id == a.pk]
    callbacks = list(order.callbacks.select_related("by").order_by("created_at", "id"))
    for cb in callbacks:
        cb.summary = callback_summary(cb)
    rows = [
        TimelineRow(
            at=e.at,
            label=LABEL_FALLBACK.get(e.verb, e.label),
            # The reporter's own account name would undo the masking (and anonymity).
            actor="诉求人" if e.actor_id and e.actor_id == order.reporter_user_id else e.actor,
            note=e.note,
            summary=event_summary(e, assignments=by_id),
        )
        for e in reversed(timeline)
    ]
    verbs = [v for v in VERB_ORDER if v in set(policy.allowed_verbs(order, user))]
    current = by_id.get(order.current_assignment_id)
    return {
        "title": f"工单{order.pk}",
        "order": order,
        "timeline": rows,
        "assignments": assignments,
        "current": current,
        "return_until": current.return_until
        if current is not None
        and not current.is_rework
        and order.status in (Status.DISPATCHED, Status.SIGNED)
        else None,
        "intake_photos": photos["intake"],
        "callbacks": callbacks,
        "escalations": list(order.escalations.select_related("actor").order_by("at", "id")),
        "duplicates": list(
            scoped(WorkOrder.objects.filter(merged_into=order), user).select_related("category", "compound")
        ),
        "merged_into_visible": bool(order.merged_into_id) and policy.can_see(user, order.merged_into),
        "reporter": reporter_display(order, user),
        "verbs": [{"verb": v, "label": VERBS[v], "danger": v in DANGER} for v in verbs],
        "stage_sentence": stage_sentence(order),
        "flash": flash,
        "list_url": reverse("workorder_list"),
    }


def resident_context(request, order, *, rate_form=None) -> dict:
    timeline = selectors.workorder_timeline(order=order, public=True)
    photos = selectors.workorder_photos(order=order)
    resolved = (
        order.assignments.select_related("company", "committee__compound", "department")
        .filter(resolved_at__isnull=False)
        .order_by("-resolved_at", "-id")
        .first()
    )
    can_rate = "callback" in policy.allowed_verbs(order, request.user)
    if can_rate and rate_form is None:
        rate_form = verb_form(VERB_FORMS["callback"], order=order, user=request.user)
    callback = latest_callback(order)
    return {
        "title": f"我的诉求 · {order.category.name}",
        "order": order,
        "steps": steps_for(order, timeline),
        "timeline": public_rows(timeline),
        "stage_sentence": stage_sentence(order),
        "intake_photos": photos["intake"],
        "resolution_photos": photos["resolution"],
        "resolution": resolved,
        "handler": order.handler or (resolved.unit if resolved else None),
        "callback": callback,
        "callback_summary": callback_summary(callback, to_reporter=True) if callback else "",
        "rate_form": rate_form if can_rate else None,
    }


@login_required
def workorder_detail(request, pk):
    order = _viewer(request, pk)
    if is_resident_view(request.user):
        return render(request, "workorders/track_mine.html", resident_context(request, order))
    return render(request, "workorders/detail.html", order_context(request, order))


def _policy_status(verb, order, user) -> tuple[int, str]:
    try:
        policy.check(verb, order, user)
    except DomainError as exc:
        return exc.status, exc.message
    return 200, ""


def _success_message(verb, order) -> str:
    unit = order.handler or ""
    target = getattr(order.merged_into, "pk", "") if order.merged_into_id else ""
    return SUCCESS[verb].format(unit=unit, level=Level(order.level).label, target=target)


@login_required
def workorder_action(request, pk, verb):
    """GET: the form of one verb (a fragment for HTMX). POST: apply it through the service.
    A refusal re-renders the form with the service's Chinese message and nothing changes."""
    if verb not in VERB_FORMS:
        raise Http404("未知的操作")
    order = _viewer(request, pk)
    user = request.user
    form_class = VERB_FORMS[verb]
    htmx = bool(request.headers.get("HX-Request"))
    template = "workorders/_action_form.html" if htmx else "workorders/action_page.html"
    context = {
        "order": order,
        "verb": verb,
        "verb_label": VERBS[verb],
        "title": f"{VERBS[verb]} · 工单{order.pk}",
    }

    if request.method == "GET":
        status, refusal = _policy_status(verb, order, user)
        form = verb_form(form_class, order=order, user=user) if status == 200 else None
        return render(request, template, {**context, "form": form, "refusal": refusal}, status=status)
    if request.method != "POST":
        return HttpResponseRedirect(order.get_absolute_url())

    try:
        check_version(request, order)
    except ConflictError as exc:
        return render(request, template, {**context, "form": None, "refusal": exc.message}, status=409)
    form = verb_form(form_class, request.POST, request.FILES, order=order, user=user)
    result, status = None, 400
    if form.is_valid():
        result, status = run_service(form)
    else:
        policy_status, _message = _policy_status(verb, order, user)
        status = policy_status if policy_status != 200 else 400
    if result is None:
        if is_resident_view(user) and verb == "callback":
            ctx = resident_context(request, order, rate_form=form)
            return render(request, "workorders/track_mine.html", ctx, status=status)
        return render(request, template, {**context, "form": form, "refusal": ""}, status=status)

    # Fresh relations: the whole order for the HTMX fragment, what the message names otherwise.
    panel = htmx and not is_resident_view(user)
    fetch = selectors.workorder_get_for if panel else selectors.workorder_outcome_for
    try:
        order = fetch(user=user, pk=order.pk)
    except Http404:  # the action took the order out of this user's sight
        messages.success(request, SUCCESS[verb].format(unit="", level="", target=""))
        url = reverse("workorder_list")
        return htmx_redirect(url) if htmx else HttpResponseRedirect(url)
    message = _success_message(verb, order)
    if panel:
        response = render(request, "workorders/_order.html", order_context(request, order, flash=message))
        response["HX-Retarget"] = "#order"
        response["HX-Reswap"] = "outerHTML"
        return response
    messages.success(request, message if not is_resident_view(user) else "感谢您的评价！")
    return HttpResponseRedirect(order.get_absolute_url())


@login_required
def workorder_reporter(request, pk):
    """The reporter's full name and phone, for roles that need them; every view is logged."""
    order = _viewer(request, pk)
    if not policy.can_view_reporter(request.user, order):
        raise PermissionDenied("您无权查看诉求人的完整信息。")
    services.workorder_view_pii(order=order, actor=request.user)
    template = (
        "workorders/_reporter.html" if request.headers.get("HX-Request") else "workorders/reporter_page.html"
    )
    return render(request, template, {"order": order, "title": f"工单{order.pk}的诉求人"})


@login_required
def workorder_photo(request, pk):
    """A photo, to users who may see its order only (the storage is private)."""
    photo = get_scoped_or_404(WorkOrderPhoto.objects.select_related("order"), request.user, pk=pk)
    if not request.user.has_perm("workorders.view_workorderphoto"):
        raise PermissionDenied("您的角色无权查看工单照片。")
    return photo_response(photo)
