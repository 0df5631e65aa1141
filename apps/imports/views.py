"""Pages of the import app: the ledgers, a ledger's upload page and template, and a batch's
preview (progress, problems by row and column, the marked workbook, the commit button)."""

from __future__ import annotations

import tempfile
from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from apps.core.errors import DomainError
from apps.imports import selectors, services
from apps.imports.engine import ledger_of
from apps.imports.models import BatchStatus
from apps.imports.workbooks import template_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PROBLEMS_PER_PAGE = 50


class UploadForm(forms.Form):
    file = forms.FileField(
        label="数据文件", help_text="Excel（.xlsx）或 CSV（UTF-8 / GBK）文件，第一行为列名"
    )


def _ledger(request, name):
    try:
        ledger = ledger_of(name)
    except LookupError:
        raise Http404("没有这种台账") from None
    if not ledger.can_import(request.user):
        raise PermissionDenied(f"您的角色无权导入{ledger.title}。")
    return ledger


def _attachment(path_or_file, name: str) -> FileResponse:
    response = FileResponse(path_or_file, as_attachment=True, filename=name, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


@login_required
def import_index(request):
    ledgers = selectors.ledgers_for(user=request.user)
    if not ledgers:
        raise PermissionDenied("您的角色无权批量导入。")
    titles = {ledger.name: ledger.title for ledger in ledgers}
    batches = list(selectors.batches_of(user=request.user)[:20])
    for b in batches:
        b.ledger_title = titles.get(b.ledger, b.ledger)
    return render(
        request,
        "imports/index.html",
        {"title": "台账导入", "ledgers": ledgers, "batches": batches, "titles": titles},
    )


@login_required
def import_start(request, ledger):
    ledger = _ledger(request, ledger)
    status = 200
    form = UploadForm()
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                batch = services.batch_upload(
                    actor=request.user, ledger_name=ledger.name, upload=form.cleaned_data["file"]
                )
            except DomainError as exc:
                form.add_error("file", exc.message)
            else:
                return HttpResponseRedirect(reverse("import_batch", args=[batch.pk]))
        status = 400
    return render(
        request,
        "imports/start.html",
        {
            "title": f"导入{ledger.title}",
            "ledger": ledger,
            "form": form,
            "columns": [(c, c.name in ledger.key_columns) for c in ledger.columns],
            "list_url": reverse(ledger.list_url_name) if ledger.list_url_name else "",
            "max_mb": services.max_upload_bytes() // (1024 * 1024),
            "batches": selectors.batches_of(user=request.user).filter(ledger=ledger.name)[:10],
        },
        status=status,
    )


@login_required
def import_template(request, ledger):
    ledger = _ledger(request, ledger)
    wb = template_workbook(ledger, request.user)
    tmp = tempfile.TemporaryFile()
    wb.save(tmp)
    tmp.seek(0)
    return _attachment(tmp, f"{ledger.title}导入模板.xlsx")


def _batch_context(request, batch):
    ledger = ledger_of(batch.ledger)
    job = (
        batch.commit_job
        if batch.status in (BatchStatus.COMMITTING, BatchStatus.FAILED)
        else batch.validate_job
    )
    running = batch.status in (BatchStatus.UPLOADED, BatchStatus.VALIDATING, BatchStatus.COMMITTING)
    if job is not None:
        job.refresh_from_db()
        if running and job.finished and job.error:
            running = False
    return {
        "batch": batch,
        "ledger": ledger,
        "job": job,
        "running": running,
        "list_url": reverse(ledger.list_url_name) if ledger.list_url_name else "",
    }


@login_required
def import_batch(request, pk):
    batch = selectors.batch_for(user=request.user, pk=pk)
    context = _batch_context(request, batch)
    paginator = Paginator(batch.problems.all(), PROBLEMS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    context.update(
        {
            "title": f"导入{context['ledger'].title}：{batch.original_name}",
            "page": page,
            "paginator": paginator,
        }
    )
    return render(request, "imports/batch.html", context)


@login_required
def import_batch_status(request, pk):
    """The progress card, polled by HTMX while a job runs; once done it asks for a full reload."""
    batch = selectors.batch_for(user=request.user, pk=pk)
    context = _batch_context(request, batch)
    response = render(request, "imports/_status.html", context)
    if not context["running"]:
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def import_batch_commit(request, pk):
    batch = selectors.batch_for(user=request.user, pk=pk)
    try:
        services.batch_commit(actor=request.user, batch=batch)
    except DomainError as exc:
        messages.error(request, exc.message)
    return HttpResponseRedirect(reverse("import_batch", args=[batch.pk]))


@login_required
def import_batch_marked(request, pk):
    batch = selectors.batch_for(user=request.user, pk=pk)
    if not batch.marked_file:
        raise Http404("没有标注错误的工作簿")
    return _attachment(batch.marked_file.open("rb"), batch.marked_file.name.rsplit("/", 1)[-1])
