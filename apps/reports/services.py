"""Writing the monthly report archive: check who may generate, build, render and store one
region's report for one month (the same row again when it is generated again), notify the
region's officials, and the schedule that queues every region's report once a month."""

from __future__ import annotations

import datetime
import time
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from apps.core.errors import DomainError, ForbiddenError
from apps.core.roles import Role
from apps.core.scoping import scope_of
from apps.core.services import event_record
from apps.dashboards.workorders import add_months, month_label, parse_month
from apps.notifications.services import notify_on_commit
from apps.regions.models import Region
from apps.reports import build, render
from apps.reports.choices import Trigger
from apps.reports.models import MonthlyReport
from apps.workdays.calendar import CalendarMissing, is_workday

KIND = "reports.monthly"
GENERATE = "reports.add_monthlyreport"
OFFICIALS = (Role.CITY, Role.COUNTY, Role.STREET)
SCHEDULED_LEVELS = ("city", "county", "street")


# ------------------------------------------------------------ input
def month_from_text(text: str, *, today: datetime.date) -> datetime.date:
    """`YYYY-MM` → the month's first day; not after this month."""
    try:
        month = parse_month(text)
    except ValueError:
        raise DomainError("月份：请输入有效月份，格式为 YYYY-MM（如 2026-03）") from None
    if month > today.replace(day=1):
        raise DomainError("月份：不能晚于本月")
    return month


def check_may_generate(*, actor, region: Region) -> None:
    """Officials with the permission, for their own region or one below it (superusers: any);
    reports are made for a province, city, county or street."""
    if region.level not in build.REPORT_LEVELS:
        raise DomainError("区划：月报只为市、县（区）和街道生成")
    if actor is None:
        return  # the schedule
    if not actor.has_perm(GENERATE):
        raise ForbiddenError("您的角色无权生成月报")
    if not scope_of(actor).contains_code(region.code) or scope_of(actor).department_id:
        raise ForbiddenError("只能生成本辖区及下级区划的月报")


def officials_of(region: Region):
    return get_user_model().objects.filter(is_active=True, role__in=OFFICIALS, region_id=region.code)


# ------------------------------------------------------------ generation
def monthly_report_generate(
    *,
    region: Region,
    month: datetime.date,
    actor,
    trigger: str = Trigger.DEMAND,
    today: datetime.date | None = None,
    job_id=None,
    progress=None,
) -> MonthlyReport:
    """Build, render and store the report (idempotent: a second run replaces the files of the
    same row). The region's officials are told when it is stored."""
    check_may_generate(actor=actor, region=region)
    today = today or timezone.localdate()
    month = month.replace(day=1)
    if month > today.replace(day=1):
        raise DomainError("月份：不能晚于本月")
    started = time.monotonic()
    data = build.build(region=region, month=month, today=today, progress=progress)
    pdf, pages = render.pdf(data)
    xlsx = render.xlsx(data)
    seconds = Decimal(f"{time.monotonic() - started:.2f}")
    return monthly_report_save(
        region=region,
        month=month,
        data=data,
        pdf=pdf,
        xlsx=xlsx,
        actor=actor,
        trigger=trigger,
        job_id=job_id,
        seconds=seconds,
        pages=pages,
    )


@transaction.atomic
def monthly_report_save(
    *,
    region: Region,
    month: datetime.date,
    data: dict,
    pdf: bytes,
    xlsx: bytes,
    actor,
    trigger: str = Trigger.DEMAND,
    job_id=None,
    seconds: Decimal = Decimal("0"),
    pages: int = 0,
    notify: bool = True,
) -> MonthlyReport:
    """Store a rendered report as the archive row of its region and month."""
    month = month.replace(day=1)
    report = MonthlyReport.objects.select_for_update().filter(region=region, month=month).first()
    created = report is None
    if created:
        report = MonthlyReport(region=region, month=month)
    report.data = data
    report.trigger = trigger
    report.generated_at = timezone.now()
    report.generated_by = actor if getattr(actor, "pk", None) else None
    report.job_id = job_id
    report.seconds = seconds
    report.pages = pages
    stem = f"{region.code}_{month:%Y-%m}_月报"
    for field in ("pdf", "xlsx"):
        old = getattr(report, field)
        if old:
            old.delete(save=False)
    report.pdf.save(f"{stem}.pdf", ContentFile(pdf), save=False)
    report.xlsx.save(f"{stem}.xlsx", ContentFile(xlsx), save=False)
    report.full_clean()
    report.save()
    event_record(
        actor=actor,
        verb="monthlyreport.create" if created else "monthlyreport.regenerate",
        obj=report,
        note=f"{report.get_trigger_display()}：{region.name} {month_label(month)}",
    )
    if notify:
        recipients = list(officials_of(region))
        if recipients:
            notify_on_commit(
                recipients=recipients,
                kind="reports.ready",
                title=f"{region.name} {month_label(month)} 物业治理月报已生成",
                body="月报（PDF 和 Excel）可在“月报”中查看和下载。",
                link=reverse("report_detail", args=[report.pk]),
            )
    return report


# ------------------------------------------------------------ on demand and on schedule
def monthly_report_request(*, region: Region, month: datetime.date, actor):
    """An official asks for a report from the report page: a background job (我的任务) with
    progress. A double click within the same minute returns the same job."""
    from apps.jobs.services import start

    check_may_generate(actor=actor, region=region)
    stamp = timezone.now().strftime("%Y%m%d%H%M")
    return start(
        kind=KIND,
        owner=actor,
        title=f"生成月报：{region.name} {month_label(month)}",
        params={"region": region.code, "month": month_label(month), "trigger": Trigger.DEMAND},
        idempotency_key=f"{KIND}:{region.code}:{month_label(month)}:u{actor.pk}:{stamp}",
    )


def first_workday(month: datetime.date) -> datetime.date | None:
    """The first working day of a month (apps/workdays, 调休 aware); None without a calendar."""
    day = month.replace(day=1)
    try:
        while not is_workday(day):
            day += datetime.timedelta(days=1)
    except CalendarMissing:
        return None
    return day


def scheduled_regions() -> list[Region]:
    """The cities, counties and streets that have compounds on the platform."""
    from apps.registry.models import Compound

    communities = set(Compound.objects.order_by().values_list("community_id", flat=True).distinct())
    prefixes = {c[:n] for c in communities for n in (4, 6, 9)}
    regions = Region.objects.filter(level__in=SCHEDULED_LEVELS).order_by("code")
    return [r for r in regions if r.prefix in prefixes]


def schedule_key(region_code: str, month: datetime.date) -> str:
    return f"{KIND}:{region_code}:{month_label(month)}"


def due_monthly_reports(today: datetime.date | None = None) -> list:
    """From the first working day of a month on, queue last month's report of every scheduled
    region — once: the idempotency key is the region and the month, so the scheduler may call this
    every day (and twice a day) and a missed day is caught up. Returns the jobs (new or existing)."""
    from apps.jobs.services import start

    today = today or timezone.localdate()
    this_month = today.replace(day=1)
    first = first_workday(this_month)
    if first is None or today < first:
        return []
    month = add_months(this_month, -1)
    jobs = []
    for region in scheduled_regions():
        jobs.append(
            start(
                kind=KIND,
                owner=None,
                title=f"定时生成月报：{region.name} {month_label(month)}",
                params={"region": region.code, "month": month_label(month), "trigger": Trigger.SCHEDULE},
                idempotency_key=schedule_key(region.code, month),
            )
        )
    return jobs
