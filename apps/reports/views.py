"""The report pages: the archive (scoped list, search, Excel export of the list) with the form
that asks for a report, the progress of a requested report, a report's page, and its files."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from apps.core.errors import DomainError
from apps.core.scoping import get_scoped_or_404
from apps.core.views import Column, DetailPage, FilterForm, ListPage
from apps.dashboards.workorders import add_months, month_label
from apps.regions.models import Region
from apps.reports import selectors, services
from apps.reports.charts import with_charts

VIEW = "reports.view_monthlyreport"


def _downloads(report) -> str:
    return format_html(
        '<a href="{}">PDF</a> · <a href="{}">Excel</a>',
        reverse("report_pdf", args=[report.pk]),
        reverse("report_xlsx", args=[report.pk]),
    )


class ReportFilter(FilterForm):
    def __init__(self, data=None, *, user=None, **kwargs):
        from django import forms

        super().__init__(data, user=user, **kwargs)
        self.fields["region"] = forms.ChoiceField(
            label="区划",
            required=False,
            choices=[("", "全部")] + [(r.code, r.name) for r in selectors.report_regions_for(user=user)],
        )

    def apply(self, qs):
        if self.is_valid() and self.cleaned_data.get("region"):
            qs = qs.filter(region_id=self.cleaned_data["region"])
        return qs


class ReportList(ListPage):
    title = "物业治理月报"
    permission = VIEW
    selector = selectors.report_list_for
    search_fields = ("region__name__icontains",)
    search_placeholder = "区划名称"
    filter_form = ReportFilter
    default_ordering = ("-month", "region_id")
    export_name = "物业治理月报目录"
    template_name = "reports/report_list.html"
    empty_title = "暂无月报"
    empty_text = "每月第一个工作日自动生成上月月报，也可在上方选择区划和月份立即生成。"
    intro = (
        "三个100%目标、接诉即办排名、红黑榜、超期与升级督办及各项专项工作，每月一份，可下载 PDF 和 Excel。"
    )

    def get_columns(self):
        return [
            Column("月报", "title", link=True),
            Column("区划代码", "region_id"),
            Column("月份", "month_label", sort="month"),
            Column("生成方式", lambda r: r.get_trigger_display()),
            Column("生成时间", "generated_at", sort="generated_at"),
            Column("页数", "pages", css="num"),
            Column("下载", lambda r: "", display=_downloads, export=False),
        ]

    def extra_context(self) -> dict:
        user = self.request.user
        if not user.has_perm(services.GENERATE):
            return {}
        today = timezone.localdate()
        this_month = today.replace(day=1)
        return {
            "generate_regions": selectors.report_regions_for(user=user),
            "generate_months": [month_label(add_months(this_month, -i)) for i in range(0, 24)],
            "default_month": month_label(add_months(this_month, -1)),
            "jobs": list(selectors.report_jobs_for(user=user)[:5]),
        }


@login_required
@require_POST
def report_generate(request):
    user = request.user
    if not user.has_perm(services.GENERATE):
        raise PermissionDenied("您的角色无权生成月报。")
    region = get_scoped_or_404(Region.objects.all(), user, pk=(request.POST.get("region") or "")[:12])
    try:
        month = services.month_from_text(request.POST.get("month", ""), today=timezone.localdate())
        job = services.monthly_report_request(region=region, month=month, actor=user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return HttpResponseRedirect(reverse("report_list"))
    return HttpResponseRedirect(reverse("report_job", args=[job.pk]))


@login_required
def report_job(request, pk):
    """The progress of a requested report; the card polls itself (HTMX) until the job ends."""
    if not request.user.has_perm(VIEW):
        raise PermissionDenied("您的角色无权查看月报。")
    job = selectors.report_jobs_for(user=request.user).filter(pk=pk).first()
    if job is None:  # unknown, or someone else's
        raise Http404("未找到该任务")
    context = {"title": job.title, "job": job, "result": job.result or {}}
    if request.headers.get("HX-Request"):
        return render(request, "reports/_job.html", context)
    return render(request, "reports/job.html", context)


class ReportDetail(DetailPage):
    permission = VIEW
    selector = selectors.report_list_for
    list_url_name = "report_list"
    list_title = "物业治理月报"
    template_name = "reports/report_detail.html"

    def fields(self, obj):
        return [
            ("区划", f"{obj.region.name}（{obj.region_id}）"),
            ("月份", obj.month_label),
            ("统计截至", obj.data.get("as_of", "")),
            ("生成方式", obj.get_trigger_display()),
            ("生成时间", timezone.localtime(obj.generated_at).strftime("%Y-%m-%d %H:%M")),
            ("生成人", obj.generated_by.display_name if obj.generated_by_id else "系统"),
            ("页数", obj.pages),
        ]

    def extra_context(self, obj):
        return {
            "summary": obj.data.get("summary", []),
            "report_sections": with_charts(obj.data.get("sections", [])),
            "pdf_url": reverse("report_pdf", args=[obj.pk]),
            "xlsx_url": reverse("report_xlsx", args=[obj.pk]),
        }


def _download(request, pk, field: str, content_type: str):
    if not request.user.has_perm(VIEW):
        raise PermissionDenied("您的角色无权查看月报。")
    report = get_scoped_or_404(selectors.report_list_for(user=request.user), request.user, pk=pk)
    stored = getattr(report, field)
    if not stored:
        raise Http404("文件不存在")
    try:
        handle = stored.storage.open(stored.name, "rb")
    except OSError as exc:
        raise Http404("文件不存在") from exc
    name = f"{report.region.name}_{report.month_label}_物业治理月报.{field}"
    response = FileResponse(handle, content_type=content_type, as_attachment=True, filename=name)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def report_pdf(request, pk):
    return _download(request, pk, "pdf", "application/pdf")


@login_required
def report_xlsx(request, pk):
    return _download(request, pk, "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
