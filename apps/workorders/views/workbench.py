"""The staff workbench: one page per role, with its queues (to accept, to dispatch, to sign, to
resolve, to call back, to close, yellow and red cards), filters, search, Excel export and bulk
actions (accept, dispatch to one unit, sign)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from apps.core.roles import Role
from apps.core.views import Column, ListPage, htmx_redirect, tag
from apps.workorders import selectors, services
from apps.workorders.choices import SlaCard, Urgency
from apps.workorders.filters import WorkOrderFilter
from apps.workorders.forms import VERB_FORMS, handler_value
from apps.workorders.templatetags.workorders import card_tag, status_tag, when_cn
from apps.workorders.views.common import run_service

ALL = "all"
TITLES = {
    Role.COMMUNITY: "社区工作台",
    Role.STREET: "街道（镇）工作台",
    Role.COUNTY: "县区工作台",
    Role.CITY: "市级工作台",
    Role.COMPANY: "物业企业工作台",
    Role.COMMITTEE: "业委会（物管会）工作台",
    Role.DEPARTMENT: "职能部门工作台",
}
EMPTY = {
    "to_accept": "没有待受理的诉求。居民提交的新诉求会出现在这里。",
    "to_dispatch": "没有待派单的工单。",
    "to_sign": "没有待签收的派单。",
    "to_resolve": "没有正在办理的工单。",
    "to_approve_extension": "没有待审批的延期申请。处理单位申请延期后会出现在这里。",
    "to_callback": "没有待回访的工单。",
    "to_close": "没有待结案的工单。",
    "yellow": "没有临期（黄牌）的工单。",
    "red": "没有超期（红牌）的工单。",
    "calendar_missing": "没有期限待定的工单。",
    ALL: "当前范围内没有符合条件的工单。",
}
# Queues whose orders are naturally handled in bulk, and the verb applied.
BULK = {"to_accept": "accept", "to_dispatch": "dispatch", "to_sign": "sign"}
BULK_LABELS = {"accept": "批量受理", "dispatch": "批量派单", "sign": "批量签收"}
BULK_MAX = 100


def _short(text: str, n: int = 28) -> str:
    return text if len(text) <= n else text[:n] + "…"


def _local(value):
    return timezone.localtime(value).replace(tzinfo=None) if value else None


COLUMNS = [
    Column("编号", "pk", sort="id", link=True, css="num"),
    Column("查询码", "tracking_code"),
    Column("小区", "compound.name"),
    Column("诉求分类", "category.name"),
    Column(
        "紧急程度",
        lambda o: o.get_urgency_display(),
        display=lambda o: tag("紧急", "red") if o.urgency == Urgency.URGENT else "一般",
    ),
    Column("诉求内容", "description", display=lambda o: _short(o.description)),
    Column("状态", lambda o: o.get_status_display(), sort="status", display=status_tag),
    Column("受理层级", lambda o: o.get_level_display(), sort="level"),
    Column("处理单位", lambda o: str(o.handler) if o.handler else ""),
    Column(
        "本环节期限",
        lambda o: _local(o.due_at),
        sort="due_at",
        display=lambda o: when_cn(o.due_at) if o.due_at else ("期限待定" if o.calendar_missing else ""),
    ),
    Column("时限状态", lambda o: SlaCard(o.sla_card).label, sort="sla_card", display=card_tag),
    Column(
        "提交时间",
        lambda o: _local(o.submitted_at),
        sort="submitted_at",
        display=lambda o: f"{timezone.localtime(o.submitted_at):%Y-%m-%d %H:%M}",
    ),
]


def queues_for(user) -> list[str]:
    """The queues that can hold anything for this user (no query: an empty queue is `.none()`)."""
    names = []
    for name in selectors.QUEUES:
        if not selectors.workorder_queue(user=user, queue=name).query.is_empty():
            names.append(name)
    return names


class WorkOrderWorkbench(ListPage):
    permission = "workorders.view_workorder"
    filter_form = WorkOrderFilter
    search_placeholder = "查询码、编号、小区或诉求内容"
    export_name = "工单"
    template_name = "workorders/workbench.html"
    empty_title = "暂无工单"

    def get(self, request, *args, **kwargs):
        if getattr(request.user, "role", "") == Role.RESIDENT:
            return redirect("workorder_mine")
        self.queues = queues_for(request.user)
        self.partial = request.headers.get("HX-Target") == "list-results"
        # Tab counts on full pages only (a filter change reloads the table alone).
        self.counts = (
            {}
            if self.partial
            else {n: selectors.workorder_queue(user=request.user, queue=n).count() for n in self.queues}
        )
        wanted = request.GET.get("queue") or ""
        if wanted in self.queues or wanted == ALL:
            self.queue = wanted
        else:  # the first queue with work in it, else everything
            self.queue = next((n for n in self.queues if self.counts.get(n)), ALL)
        self.bulk_verb = BULK.get(self.queue)
        if self.bulk_verb and not request.user.has_perm(f"workorders.{self.bulk_verb}_workorder"):
            self.bulk_verb = None
        self.title = TITLES.get(request.user.role, "工单总览")
        self.empty_text = EMPTY[self.queue]
        return super().get(request, *args, **kwargs)

    @property
    def search_fields(self):
        fields = ("tracking_code__iexact", "compound__name__icontains", "description__icontains")
        q = (self.request.GET.get("q") or "").strip()
        return (*fields, "pk") if q.isdigit() and len(q) < 12 else fields

    def get_queryset(self):
        user = self.request.user
        if self.queue == ALL:
            return selectors.workorder_list_for(user=user)
        return selectors.workorder_queue(user=user, queue=self.queue)

    def get_columns(self):
        if not self.bulk_verb:
            return COLUMNS
        pick = Column(
            "选择",
            "pk",
            export=False,
            display=lambda o: format_html(
                '<input type="checkbox" name="ids" value="{}" form="bulk-form" aria-label="选择工单{}">',
                o.pk,
                o.pk,
            ),
        )
        return [pick, *COLUMNS]

    def extra_context(self):
        request = self.request
        tabs = []
        if not self.partial:
            for name in self.queues:
                count = self.counts[name]
                if name == "calendar_missing" and not count and self.queue != name:
                    continue
                tabs.append({"name": name, "label": selectors.QUEUES[name], "count": count})
            tabs.append({"name": ALL, "label": "全部工单", "count": None})
        return {
            "tabs": tabs,
            "queue": self.queue,
            "queue_label": selectors.QUEUES.get(self.queue, "全部工单"),
            "bulk_verb": self.bulk_verb,
            "bulk_label": BULK_LABELS.get(self.bulk_verb or "", ""),
            "submit_url": reverse("workorder_submit")
            if request.user.has_perm("workorders.submit_workorder")
            else "",
            "next_url": request.get_full_path(),
            # On a phone each row becomes a card; every cell is labelled with its column header.
            "card_labels": [c.header for c in self.get_columns()],
        }


# ------------------------------------------------------------------ bulk actions
def _selected(request) -> list[int]:
    ids = []
    for raw in request.POST.getlist("ids"):
        if raw.isdigit() and int(raw) not in ids:
            ids.append(int(raw))
    return ids


def _next(request) -> str:
    url = request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=False):
        return url
    return reverse("workorder_list")


def _back(request, url):
    return htmx_redirect(url) if request.headers.get("HX-Request") else HttpResponseRedirect(url)


def _common_units(orders) -> list[tuple[str, object]]:
    """Units every selected order may be dispatched to (the intersection), in a stable order."""
    common: dict[str, object] | None = None
    for order in orders:
        units = {handler_value(u): u for u in services.eligible_handlers(order)}
        common = units if common is None else {k: v for k, v in common.items() if k in units}
    return list((common or {}).items())


UNIT_KIND = {"company": "物业企业", "committee": "业委会", "department": "部门"}


@login_required
@require_POST
def workorder_bulk(request):
    """Apply one verb to several orders. Each order goes through its own form and service (its
    own transaction): one refusal does not undo the others, and each refusal is reported."""
    verb = request.POST.get("verb", "")
    if verb not in BULK.values():
        raise Http404("未知的批量操作")
    if not request.user.has_perm(f"workorders.{verb}_workorder"):
        raise PermissionDenied(f"您没有{BULK_LABELS[verb][2:]}的权限")
    ids = _selected(request)
    back = _next(request)
    if not ids:
        messages.warning(request, "请先勾选工单。")
        return _back(request, back)
    if len(ids) > BULK_MAX:
        messages.error(request, f"一次最多处理{BULK_MAX}件工单。")
        return _back(request, back)

    orders, failures = [], []
    for pk in ids:
        try:
            orders.append(selectors.workorder_get_for(user=request.user, pk=pk))
        except Http404:
            failures.append(f"工单{pk}：未找到该工单，或您无权查看")

    if verb == "dispatch" and not request.POST.get("handler"):
        # First step: choose the unit among those every selected order may go to.
        units = _common_units(orders)
        template = (
            "workorders/_bulk_dispatch.html"
            if request.headers.get("HX-Request")
            else "workorders/bulk_dispatch_page.html"
        )
        return render(
            request,
            template,
            {
                "orders": orders,
                "units": [(key, f"{UNIT_KIND[key.split(':')[0]]}：{unit}") for key, unit in units],
                "failures": failures,
                "next_url": back,
            },
        )

    data = {"handler": request.POST.get("handler", ""), "instructions": request.POST.get("instructions", "")}
    done = 0
    for order in orders:
        form = VERB_FORMS[verb](data, order=order, user=request.user)
        result = None
        if form.is_valid():
            result, _status = run_service(form)
        if result is None:
            reason = "；".join(m for errors in form.errors.values() for m in errors)
            failures.append(f"工单{order.pk}：{reason}")
        else:
            done += 1
    label = BULK_LABELS[verb][2:]
    if done:
        messages.success(request, f"已{label} {done} 件工单。")
    if failures:
        messages.error(request, f"{len(failures)} 件未能{label}：" + "；".join(failures[:10]))
    return _back(request, back)
