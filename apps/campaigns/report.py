"""The campaigns' section of the monthly report (月报, apps/reports): the projects and sub-items of
a region (implemented, completed, overdue), projects completed in the month, and the open
decisions that are overdue or escalated — the figures of this app's `overview`, for a region."""

from __future__ import annotations

import datetime

from django.db.models import Count, Q

from apps.campaigns.choices import Card, DecisionStatus, ProjectStatus, SubItemStatus
from apps.campaigns.models import Decision, Project, SubItem
from apps.core.scoping import region_scope, scoped_to


def section(region, month: datetime.date) -> dict | None:
    scope = region_scope(region.code)
    projects = scoped_to(Project.objects.all(), scope)
    p = projects.aggregate(
        total=Count("pk"),
        open=Count("pk", filter=Q(status=ProjectStatus.OPEN)),
        closed=Count("pk", filter=Q(status=ProjectStatus.CLOSED)),
        closed_in_month=Count(
            "pk",
            filter=Q(status=ProjectStatus.CLOSED, closed_at__year=month.year, closed_at__month=month.month),
        ),
    )
    s = scoped_to(SubItem.objects.all(), scope).aggregate(
        total=Count("pk"),
        overdue=Count(
            "pk", filter=Q(status__in=[SubItemStatus.PLANNED, SubItemStatus.IN_PROGRESS], card=Card.RED)
        ),
    )
    d = scoped_to(Decision.objects.all(), scope).aggregate(
        open=Count("pk", filter=Q(status=DecisionStatus.OPEN)),
        overdue=Count("pk", filter=Q(status=DecisionStatus.OPEN, card=Card.RED)),
        escalated=Count("pk", filter=Q(status=DecisionStatus.OPEN, escalated_at__isnull=False)),
    )
    if not p["total"] and not d["open"]:
        return None
    rows = [
        ["民生项目", p["total"]],
        ["实施中", p["open"]],
        ["已完成", p["closed"]],
        ["本月完成", p["closed_in_month"]],
        ["子项", s["total"]],
        ["超期子项（红牌）", s["overdue"]],
        ["联席会议待办事项", d["open"]],
        ["其中超期（红牌）", d["overdue"]],
        ["其中已升级", d["escalated"]],
    ]
    return {
        "key": "campaigns",
        "title": "专项行动与民生项目",
        "tables": [{"title": "项目与议定事项", "headers": ["指标", "数值"], "rows": rows}],
        "chart": {
            "title": "民生项目（个）",
            "labels": ["实施中", "已完成", "本月完成"],
            "series": [{"name": "项目", "values": [p["open"], p["closed"], p["closed_in_month"]]}],
            "unit": "",
        },
    }
