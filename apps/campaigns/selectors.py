"""Reads of campaigns, projects and joint meetings, scoped to the user, without N+1."""

from __future__ import annotations

import datetime
from collections import defaultdict
from fractions import Fraction

from django.db.models import Count, Prefetch, Q, Sum
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import timezone

from apps.campaigns.choices import (
    Card,
    DecisionStatus,
    FundingSource,
    MeetingStatus,
    ProblemStatus,
    ProjectStatus,
    SubItemStatus,
)
from apps.campaigns.models import (
    AgendaItem,
    Campaign,
    Decision,
    Inspection,
    JointMeeting,
    Problem,
    Project,
    SubItem,
)
from apps.core.scoping import region_prefix, scope_of, scoped, scoped_to


def campaign_list_for(*, user):
    return scoped(Campaign.objects.select_related("region"), user)


def inspection_list_for(*, user):
    return scoped(
        Inspection.objects.select_related("campaign", "compound", "inspector").annotate(
            problem_count=Count("problems")
        ),
        user,
    )


def problem_list_for(*, user):
    return scoped(
        Problem.objects.select_related("campaign", "compound", "project", "workorder", "inspection"), user
    )


def project_list_for(*, user):
    return scoped(
        Project.objects.select_related("compound", "campaign", "source_order").annotate(
            subitem_count=Count("subitems", distinct=True),
            accepted_count=Count(
                "subitems", filter=Q(subitems__status=SubItemStatus.ACCEPTED), distinct=True
            ),
            budget_total=Sum("subitems__budget"),
        ),
        user,
    )


def subitem_list_for(*, user):
    return scoped(SubItem.objects.select_related("project", "project__compound"), user)


def meeting_list_for(*, user):
    return scoped(
        JointMeeting.objects.select_related("convener_region", "compound").annotate(
            decision_count=Count("decisions", distinct=True),
            open_decisions=Count("decisions", filter=Q(decisions__status=DecisionStatus.OPEN), distinct=True),
        ),
        user,
    )


def decision_list_for(*, user):
    return scoped(Decision.objects.select_related("meeting", "meeting__convener_region"), user)


def escalated_decisions_for(*, user):
    """The convening level's workbench: open decisions escalated after their deadline, for the
    officials of the region that convened the meeting (and above)."""
    scope = scope_of(user)
    qs = decision_list_for(user=user).filter(status=DecisionStatus.OPEN, escalated_at__isnull=False)
    if scope.region_prefix and not scope.everything:
        qs = qs.filter(meeting__region_code__startswith=scope.region_prefix)
    return qs.order_by("due_at", "pk")


def progress_percent(project) -> int:
    """Derived from the sub-items (accepted / all), never typed."""
    n = getattr(project, "subitem_count", None)
    if n is None:
        return int(Project.progress_of(project.subitems.values_list("status", flat=True)) * 100)
    return int(Fraction(project.accepted_count, n) * 100) if n else 0


def campaign_progress(campaign: Campaign) -> dict:
    """Compounds inspected / in scope and problems found, overall and by region of the scope."""
    from apps.campaigns.services import compounds_in_scope

    regions = list(campaign.regions.all())
    in_scope = compounds_in_scope(campaign)
    inspected = dict(
        Inspection.objects.filter(campaign=campaign).values_list("compound_id").annotate(n=Count("problems"))
    )
    rows = []
    by_compound = list(in_scope.values_list("pk", "community_id"))
    for r in regions:
        prefix = region_prefix(r.code, r.level)
        ids = [pk for pk, code in by_compound if code.startswith(prefix)]
        done = [pk for pk in ids if pk in inspected]
        rows.append(
            {
                "region": r,
                "in_scope": len(ids),
                "inspected": len(done),
                "problems": sum(inspected[pk] for pk in done),
                "percent": int(Fraction(len(done), len(ids)) * 100) if ids else 0,
            }
        )
    total, done = len(by_compound), sum(1 for pk, _ in by_compound if pk in inspected)
    problems = Problem.objects.filter(campaign=campaign)
    return {
        "in_scope": total,
        "inspected": done,
        "percent": int(Fraction(done, total) * 100) if total else 0,
        "problems": problems.count(),
        "by_status": dict(problems.values_list("status").annotate(n=Count("pk"))),
        "rows": rows,
    }


def overview(user) -> dict:
    """The dashboard: campaigns' progress; projects by status, funding and region; decisions'
    on-time closure; whistles by month beside them. Counts rows in the user's scope."""
    scope = scope_of(user)
    projects = scoped_to(Project.objects.all(), scope)
    subitems = scoped_to(SubItem.objects.all(), scope)
    by_status = dict(projects.values_list("status").annotate(n=Count("pk")))
    funding = {
        k: v for k, v in subitems.values_list("funding_source").annotate(total=Sum("budget")).order_by()
    }
    funding_rows = [
        {"key": f.value, "label": f.label, "total": funding.get(f.value) or 0} for f in FundingSource
    ]
    # by county (6 digits) and by community (the article's 万通社区 figure)
    region_rows = defaultdict(lambda: {"projects": 0, "closed": 0, "subitems": 0})
    for code, status, n in projects.values_list("region_code", "status").annotate(n=Count("pk")).order_by():
        row = region_rows[code[:6]]
        row["projects"] += n
        row["closed"] += n if status == ProjectStatus.CLOSED else 0
    for code, n in subitems.values_list("project__region_code").annotate(n=Count("pk")).order_by():
        region_rows[code[:6]]["subitems"] += n
    communities = list(
        projects.values("region_code", "compound__name")
        .annotate(n=Count("pk", distinct=True), subs=Count("subitems"))
        .order_by("-n", "region_code")[:5]
    )
    from apps.regions.models import Region

    names = dict(
        Region.objects.filter(pk__in=list(region_rows) + [c["region_code"] for c in communities]).values_list(
            "code", "name"
        )
    )
    decisions = scoped_to(Decision.objects.all(), scope)
    d = decisions.aggregate(
        total=Count("pk"),
        closed=Count("pk", filter=Q(status=DecisionStatus.CLOSED)),
        on_time=Count("pk", filter=Q(status=DecisionStatus.CLOSED, on_time=True)),
        overdue_open=Count("pk", filter=Q(status=DecisionStatus.OPEN, card=Card.RED)),
        escalated=Count("pk", filter=Q(status=DecisionStatus.OPEN, escalated_at__isnull=False)),
    )
    d["rate"] = int(Fraction(d["on_time"], d["closed"]) * 100) if d["closed"] else None
    campaigns = []
    for c in scoped_to(Campaign.objects.prefetch_related("regions").select_related("region"), scope)[:6]:
        campaigns.append({"campaign": c, **campaign_progress(c)})
    return {
        "projects_total": sum(by_status.values()),
        "projects_open": by_status.get(ProjectStatus.OPEN, 0),
        "projects_closed": by_status.get(ProjectStatus.CLOSED, 0),
        "subitems_total": subitems.count(),
        "subitems_overdue": subitems.filter(
            status__in=[SubItemStatus.PLANNED, SubItemStatus.IN_PROGRESS], card=Card.RED
        ).count(),
        "funding": funding_rows,
        "regions": [
            {"code": code, "name": names.get(code, code), **row} for code, row in sorted(region_rows.items())
        ],
        "communities": [{**c, "name": names.get(c["region_code"], c["region_code"])} for c in communities],
        "decisions": d,
        "campaigns": campaigns,
        "months": whistles_by_month(scope),
        "meetings": scoped_to(JointMeeting.objects.all(), scope).filter(status=MeetingStatus.HELD).count(),
    }


def whistles_by_month(scope, months: int = 12) -> list[dict]:
    """Disputes and complaints: whistles (work orders) filed per month, last `months` months."""
    from apps.workorders.models import WorkOrder

    today = timezone.localdate()
    start = (today.replace(day=1) - datetime.timedelta(days=31 * (months - 1))).replace(day=1)
    qs = scoped_to(WorkOrder.objects.all(), scope).filter(submitted_at__date__gte=start)
    counts = {
        m.strftime("%Y-%m") if hasattr(m, "strftime") else str(m)[:7]: n
        for m, n in qs.annotate(m=TruncMonth("submitted_at"))
        .values_list("m")
        .annotate(n=Count("pk"))
        .order_by()
    }
    out, y, mo = [], start.year, start.month
    for _ in range(months):
        key = f"{y:04d}-{mo:02d}"
        out.append({"month": key, "whistles": counts.get(key, 0)})
        mo += 1
        if mo > 12:
            y, mo = y + 1, 1
    return out


def order_links(order, user) -> dict:
    """What the campaigns app knows about a whistle: the project it became, the meetings whose
    agenda holds it (with their decisions), the inspection problem it came from."""
    projects = list(
        Project.objects.filter(source_order=order).annotate(
            subitem_count=Count("subitems", distinct=True),
            accepted_count=Count(
                "subitems", filter=Q(subitems__status=SubItemStatus.ACCEPTED), distinct=True
            ),
        )
    )
    for p in projects:
        p.percent = progress_percent(p)
    items = list(
        AgendaItem.objects.filter(workorder=order)
        .select_related("meeting")
        .prefetch_related(Prefetch("decisions", queryset=Decision.objects.order_by("deadline", "pk")))
    )
    problems = list(Problem.objects.filter(workorder=order).select_related("campaign"))
    can_lift = bool(
        user is not None
        and user.is_authenticated
        and (user.has_perm("campaigns.add_project") or user.has_perm("campaigns.change_jointmeeting"))
        and order.is_open
    )
    return {"projects": projects, "agenda_items": items, "problems": problems, "can_lift": can_lift}


def home_tiles(user) -> list[dict]:
    if not user.has_perm("campaigns.view_project"):
        return []
    projects = project_list_for(user=user)
    tiles = [
        {
            "label": "民生项目",
            "value": projects.count(),
            "url": reverse("project_list"),
            "sub": f"实施中 {projects.filter(status=ProjectStatus.OPEN).count()}",
        }
    ]
    if user.has_perm("campaigns.view_decision"):
        escalated = escalated_decisions_for(user=user).count()
        tiles.append(
            {
                "label": "逾期议定事项",
                "value": escalated,
                "url": reverse("decision_list") + "?escalated=1",
                "sub": "已督办待办结",
            }
        )
    return tiles


def open_problems_for(*, user):
    return problem_list_for(user=user).filter(status=ProblemStatus.OPEN)
