"""The working-day calendar page, and entering a year's State Council notice: paste → preview → save."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from apps.core.errors import DomainError
from apps.workdays import selectors, services
from apps.workdays.forms import NoticeForm

VIEW = "workdays.view_workdayyear"
ENTER = "workdays.add_workdayyear"


class CalendarPage(LoginRequiredMixin, View):
    """GET /workdays/[?year=YYYY]"""

    def get(self, request):
        if not request.user.has_perm(VIEW):
            raise PermissionDenied("您的角色无权查看工作日历。")
        today = timezone.localdate()
        years = selectors.calendar_years(today=today)
        try:
            shown = int(request.GET.get("year") or 0)
        except ValueError:
            shown = 0
        shown = (
            shown if any(r.year == shown for r in years) else next((r.year for r in years if r.record), None)
        )
        return render(
            request,
            "workdays/calendar.html",
            {
                "title": "工作日历",
                "years": years,
                "warning": selectors.calendar_banner_for(user=request.user, today=today),
                "shown": shown,
                "overrides": selectors.calendar_overrides(year=shown) if shown else [],
                "can_enter": request.user.has_perm(ENTER),
            },
        )


class NoticeEnterPage(LoginRequiredMixin, View):
    """GET/POST /workdays/notice/ — the first POST previews (action=preview), the second saves
    (action=save) after reading the pasted text again: what is saved is what was previewed."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_perm(ENTER):
            raise PermissionDenied("您的角色无权录入放假通知。")
        return super().dispatch(request, *args, **kwargs)

    def render_form(self, form, *, preview=None, status=200):
        return render(
            self.request,
            "workdays/notice.html",
            {
                "title": "录入放假通知",
                "form": form,
                "preview": preview,
                "cancel_url": reverse("workday_calendar"),
            },
            status=status,
        )

    def get(self, request):
        today = timezone.localdate()
        missing = [r.year for r in selectors.calendar_years(today=today) if r.source == "缺失"]
        year = request.GET.get("year") or (min(missing) if missing else today.year + 1)
        return self.render_form(NoticeForm(initial={"year": year}))

    def post(self, request):
        form = NoticeForm(request.POST)
        if not form.is_valid():
            return self.render_form(form, preview=form.parsed, status=400)
        if request.POST.get("action") != "save":
            return self.render_form(form, preview=form.parsed)
        parsed, data = form.parsed, form.cleaned_data
        try:
            services.workday_notice_enter(
                actor=request.user,
                year=data["year"],
                notice=data["notice"],
                published_on=data.get("published_on"),
                holidays=parsed.holiday_dates,
                workdays=parsed.workday_dates,
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
            return self.render_form(form, preview=parsed, status=400)
        except DomainError as exc:
            form.add_error(None, exc.message)
            return self.render_form(form, preview=parsed, status=400)
        messages.success(
            request,
            f"已录入{data['year']}年放假安排：放假 {len(parsed.holiday_dates)} 天，调休上班 {len(parsed.workday_dates)} 天。",
        )
        return HttpResponseRedirect(f"{reverse('workday_calendar')}?year={data['year']}")
