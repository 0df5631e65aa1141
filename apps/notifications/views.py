"""The in-app inbox (站内消息): the list, opening a message (marks it read), marking as read."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from apps.core.pii import scrub_text
from apps.notifications import selectors, services
from apps.notifications.models import Notification


def _mine(request, pk) -> Notification:
    # An inbox is personal: another user's message is "not found", whatever the role (even a
    # superuser's scope covers only their own inbox here).
    try:
        return selectors.inbox_for(user=request.user).get(pk=pk)
    except Notification.DoesNotExist as exc:
        raise Http404("未找到该消息。") from exc


@login_required
def notification_list(request):
    unread_only = request.GET.get("unread") == "1"
    qs = selectors.inbox_for(user=request.user, unread_only=unread_only)
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    for note in page.object_list:  # free text of officials: no phone or ID number in full
        note.title, note.body = scrub_text(note.title), scrub_text(note.body)
    return render(
        request,
        "notifications/inbox.html",
        {
            "title": "站内消息",
            "page": page,
            "paginator": page.paginator,
            "unread_only": unread_only,
            "query": "unread=1" if unread_only else "",
            "unread_total": selectors.unread_count(user=request.user),
        },
    )


@login_required
def notification_open(request, pk):
    """Mark the message read and go where it points (a path on this site only)."""
    note = _mine(request, pk)
    services.notification_mark_read(notification=note, actor=request.user)
    link = note.link or ""
    if link.startswith("/") and url_has_allowed_host_and_scheme(link, allowed_hosts={request.get_host()}):
        return HttpResponseRedirect(link)
    return HttpResponseRedirect(reverse("notification_list"))


@login_required
@require_POST
def notification_read(request, pk):
    note = _mine(request, pk)
    services.notification_mark_read(notification=note, actor=request.user)
    note.refresh_from_db()
    if request.headers.get("HX-Request"):
        return render(request, "notifications/_item.html", {"n": note})
    return HttpResponseRedirect(reverse("notification_list"))


@login_required
@require_POST
def notification_read_all(request):
    services.notifications_mark_all_read(actor=request.user)
    return HttpResponseRedirect(reverse("notification_list"))
