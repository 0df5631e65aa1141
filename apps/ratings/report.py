"""The ratings' section of the monthly report (月报, apps/reports): the current star ratings of the
company party organisations of a region (the latest final result of each, through this app's
`latest_result_subquery`) and the entries of open rounds by stage."""

from __future__ import annotations

import datetime

from django.db.models import Count

from apps.core.scoping import region_scope, scoped_to
from apps.ratings.choices import RESULT_STATUSES, EntryStatus
from apps.ratings.models import RatingEntry
from apps.ratings.selectors import latest_result_subquery


def section(region, month: datetime.date) -> dict | None:
    from apps.party.models import PartyOrg

    scope = region_scope(region.code)
    results = scoped_to(
        RatingEntry.objects.filter(status__in=RESULT_STATUSES, party_org__isnull=False), scope
    )
    current = (
        PartyOrg.objects.filter(pk__in=results.values("party_org"))
        .annotate(current_stars=latest_result_subquery())
        .order_by()
        .values("current_stars")
        .annotate(n=Count("pk"))
    )
    by_stars = {row["current_stars"]: row["n"] for row in current}
    stages = dict(
        scoped_to(RatingEntry.objects.exclude(status__in=RESULT_STATUSES), scope)
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
    )
    if not by_stars and not stages:
        return None
    star_rows = [[f"{s}星", by_stars.get(s, 0)] for s in (5, 4, 3, 2, 1)]
    star_rows.append(["未达星级或已撤销", by_stars.get(None, 0) + by_stars.get(0, 0)])
    stage_rows = [[label, stages.get(value, 0)] for value, label in EntryStatus.choices if value in stages]
    tables = [{"title": "企业党组织星级（现行结果）", "headers": ["星级", "党组织数"], "rows": star_rows}]
    if stage_rows:
        tables.append({"title": "评定进行中", "headers": ["阶段", "条目数"], "rows": stage_rows})
    return {
        "key": "ratings",
        "title": "星级评定",
        "note": "每个企业党组织按其最近一次生效的评定结果计。",
        "tables": tables,
        "chart": {
            "title": "企业党组织星级分布（个）",
            "labels": [r[0] for r in star_rows],
            "series": [{"name": "党组织", "values": [r[1] for r in star_rows]}],
            "unit": "",
        },
    }
