"""Intake and the reporter's own pages: submit a whistle (phone first), the tracking code shown
after submission, "my whistles", and the lookup by tracking code for reporters without an
account."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.views import View

from apps.core.scoping import scoped
from apps.core.throttle import client_ip, hit
from apps.registry.models import Building, Compound, Unit
from apps.workorders import policy, selectors
from apps.workorders.forms import WorkOrderSubmitForm
from apps.workorders.services import latest_callback
from apps.workorders.views.common import (
    callback_summary,
    public_rows,
    run_service,
    stage_sentence,
    steps_for,
)
from apps.workorders.views.orders import is_resident_view


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


COMPOUND_SELECT_MAX = 200  # above this, the intake form searches compounds instead of listing them
COMPOUND_SEARCH_LIMIT = 30


def submit_form(request, data=None, files=None) -> WorkOrderSubmitForm:
    """The domain's intake form with what validation needs: buildings and units of the chosen
    compound only (the compound itself is read by its key and checked against the user's scope). `dressed()` adds what rendering needs; a
    valid POST never renders, so it skips that work (the whistle is the busiest POST)."""
    form = WorkOrderSubmitForm(data, files, user=request.user)
    compound_id = _int((data or {}).get("compound")) or _int(form.fields["compound"].initial)
    building_id = _int((data or {}).get("building"))
    form.fields["building"].queryset = Building.objects.filter(compound_id=compound_id or 0).order_by(
        "name", "id"
    )
    form.fields["unit"].queryset = (
        Unit.objects.filter(building_id=building_id, compound_id=compound_id or 0).select_related("building")
        if building_id
        else Unit.objects.none()
    )
    return form


def dressed(form: WorkOrderSubmitForm) -> WorkOrderSubmitForm:
    """The intake form dressed for a phone: category and urgency as big choices, the compound
    fixed when the user has one, a compound search for scopes too large for one drop-down."""
    data = form.data if form.is_bound else {}
    form.show_compounds()
    compounds = form.fields["compound"].queryset
    compound_id = _int(data.get("compound")) or _int(form.fields["compound"].initial)
    form.fields["building"].empty_label = "不填"
    form.fields["unit"].empty_label = "不填"
    form.fields["compound"].empty_label = "请选择小区"
    places = reverse("workorder_places")
    form.compound_search = False
    # A resident's scope is their one compound (the fixed value below), never a search.
    if not form.is_resident and compounds.count() > COMPOUND_SELECT_MAX:
        # A county or city holds thousands of compounds: search them instead of listing all.
        # Validation still runs against the whole scoped queryset; only the rendering shrinks.
        form.compound_search = True
        chosen = compounds.filter(pk=compound_id).first() if compound_id else None
        form.fields["compound"].widget.choices = [("", "请先搜索小区")] + (
            [(chosen.pk, _compound_label(chosen))] if chosen else []
        )
    form.fields["compound"].widget.attrs.update(
        {"hx-get": places, "hx-target": "#id_building", "hx-trigger": "change", "hx-swap": "innerHTML"}
    )
    form.fields["building"].widget.attrs.update(
        {
            "hx-get": places,
            "hx-target": "#id_unit",
            "hx-trigger": "change",
            "hx-include": "#id_compound",
            "hx-swap": "innerHTML",
        }
    )
    category = form.fields["category"]
    category.empty_label = None
    category.widget = forms.RadioSelect(attrs={"class": "tile-input"})
    category.widget.choices = category.choices
    urgency = form.fields["urgency"]
    urgency.widget = forms.RadioSelect(attrs={"class": "tile-input"}, choices=urgency.choices)
    form.fields["description"].widget.attrs.update(
        {
            "placeholder": "请写清楚问题发生的位置、时间和情况，例如：3号楼东侧垃圾桶满溢三天无人清运",
            "rows": 5,
        }
    )
    form.fields["photos"].widget.attrs.update(
        {
            "data-photo-input": "",
            "data-max": settings.WORKORDER_PHOTO_MAX_COUNT,
            "data-max-bytes": settings.WORKORDER_PHOTO_MAX_BYTES,
        }
    )
    form.single_compound = _single_compound(form, compounds) if form.is_resident else None
    if form.single_compound is not None:
        form.fields["compound"].widget = forms.HiddenInput(attrs=form.fields["compound"].widget.attrs)
    return form


def _single_compound(form, compounds):
    """The resident's own compound, shown as a fixed value. A valid POST has just loaded it for
    the compound field: no second query."""
    initial = form.fields["compound"].initial
    if form.is_bound and form.is_valid() and form.cleaned_data["compound"].pk == initial:
        return form.cleaned_data["compound"]
    return compounds.filter(pk=initial).first()


class WorkOrderSubmit(LoginRequiredMixin, View):
    """Residents file for their own compound; staff and grid workers on a resident's behalf."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not request.user.has_perm("workorders.submit_workorder"):
            raise PermissionDenied("您的角色不能提交诉求。")
        return super().dispatch(request, *args, **kwargs)

    def render_form(self, form, status=200):
        title = "我要吹哨" if form.is_resident else "登记诉求"
        return render(
            request=self.request,
            template_name="workorders/submit.html",
            context={
                "form": form,
                "title": title,
                "photos_lost": bool(self.request.FILES),
            },
            status=status,
        )

    def get(self, request):
        return self.render_form(dressed(submit_form(request)))

    def post(self, request):
        form = submit_form(request, request.POST, request.FILES)
        if form.is_valid():
            order, status = run_service(form)
            if order is not None:
                if policy.can_see(request.user, order):
                    return HttpResponseRedirect(reverse("workorder_submitted", args=[order.pk]))
                # e.g. a committee member files for the compound: follow it by its code
                return HttpResponseRedirect(reverse("workorder_track") + f"?code={order.tracking_code}&new=1")
        else:
            status = 400
        return self.render_form(dressed(form), status=status)


def _compound_label(compound) -> str:
    return f"{compound.name}（{compound.address}）" if compound.address else compound.name


@login_required
def workorder_compound_options(request):
    """<option>s of the compounds in the user's scope matching `q` (name, code or address),
    for staff whose scope is too large for one drop-down (HTMX)."""
    user = request.user
    if not user.has_perm("workorders.submit_workorder"):
        raise PermissionDenied("您的角色不能提交诉求。")
    # the page's search box is named compound_q (it sits inside the intake form)
    q = (request.GET.get("compound_q") or request.GET.get("q") or "").strip()[:50]
    if not q:
        return HttpResponse(mark_safe('<option value="">请先搜索小区</option>'))
    rows = list(
        scoped(Compound.objects.all(), user)
        .filter(Q(name__contains=q) | Q(code__startswith=q) | Q(address__contains=q))
        .order_by("name", "id")[: COMPOUND_SEARCH_LIMIT + 1]
    )
    more = len(rows) > COMPOUND_SEARCH_LIMIT
    rows = rows[:COMPOUND_SEARCH_LIMIT]
    if not rows:
        head = f"没有名称、编码或地址含“{q}”的小区"
    elif more:
        head = f"找到{COMPOUND_SEARCH_LIMIT}个以上，请选择或输入更多字"
    else:
        head = f"找到{len(rows)}个小区，请选择"
    html = format_html('<option value="">{}</option>', head) + format_html_join(
        "", '<option value="{}">{}</option>', ((c.pk, _compound_label(c)) for c in rows)
    )
    return HttpResponse(html)


@login_required
def workorder_places(request):
    """<option>s of the buildings of a compound, or of the units of a building (HTMX)."""
    user = request.user
    if not user.has_perm("workorders.submit_workorder"):
        raise PermissionDenied("您的角色不能提交诉求。")
    compound_id, building_id = _int(request.GET.get("compound")), _int(request.GET.get("building"))
    if building_id:
        rows = scoped(Unit.objects.filter(building_id=building_id), user).select_related("building")
        if compound_id:
            rows = rows.filter(compound_id=compound_id)
        options = [(u.pk, str(u)) for u in rows.order_by("stair", "number", "id")[:500]]
    elif compound_id:
        if not scoped(Compound.objects.filter(pk=compound_id), user).exists():
            raise Http404("未找到该小区，或不在您的辖区内。")
        options = [
            (b.pk, b.name) for b in Building.objects.filter(compound_id=compound_id).order_by("name", "id")
        ]
    else:
        options = []
    html = mark_safe('<option value="">不填</option>') + format_html_join(
        "", '<option value="{}">{}</option>', options
    )
    return HttpResponse(html)


@login_required
def workorder_submitted(request, pk):
    order = selectors.workorder_get_for(user=request.user, pk=pk)
    return render(request, "workorders/submitted.html", {"order": order, "title": "提交成功"})


@login_required
def workorder_mine(request):
    """The reporter's own orders, newest first, as cards for a phone."""
    user = request.user
    if not user.has_perm("workorders.view_workorder"):
        raise PermissionDenied("您的角色无权查看工单。")
    qs = selectors.workorder_list_for(user=user).filter(reporter_user=user)
    page = Paginator(qs, 10).get_page(request.GET.get("page"))
    return render(
        request,
        "workorders/mine.html",
        {
            "title": "我的吹哨",
            "page": page,
            "paginator": page.paginator,
            "can_submit": user.has_perm("workorders.submit_workorder"),
        },
    )


TRACK_RATE = "30/min"


def workorder_track(request):
    """Lookup by tracking code, no account needed: status, steps and the public timeline only —
    no names, notes, description or photos (the code may be passed on)."""
    code = (request.GET.get("code") or "").strip().upper()
    context = {"title": "诉求查询", "code": code, "new": request.GET.get("new") == "1"}
    if not code:
        return render(request, "workorders/track.html", context)
    if hit("workorder-track", client_ip(request), TRACK_RATE) is not None:
        return render(
            request, "workorders/track.html", {**context, "error": "查询过于频繁，请稍后再试。"}, status=429
        )
    order = selectors.workorder_by_tracking_code(code)
    if order is None:
        return render(
            request,
            "workorders/track.html",
            {**context, "error": "没有找到该查询码对应的诉求，请核对后重新输入（10位字母和数字）。"},
            status=404,
        )
    user = request.user
    if user.is_authenticated and policy.is_reporter(user, order) and is_resident_view(user):
        return HttpResponseRedirect(order.get_absolute_url())
    timeline = selectors.workorder_timeline(order=order, public=True)
    callback = latest_callback(order)
    return render(
        request,
        "workorders/track.html",
        {
            **context,
            "order": order,
            "steps": steps_for(order, timeline),
            "timeline": public_rows(timeline),
            "stage_sentence": stage_sentence(order),
            "callback_summary": callback_summary(callback, to_reporter=True) if callback else "",
        },
    )
