"""The programmes' section of the monthly report (月报, apps/reports): old compounds under
property service by mode on the month's last day, 兜底 and 大手牵小手, subsidies and inspections —
read through this app's selectors (`overview`, `coverage_by_child`)."""

from __future__ import annotations

import calendar
import datetime

from django.utils import timezone

from apps.core.scoping import PREFIX_LENGTH, region_scope
from apps.programs.choices import ArrangementMode
from apps.programs.selectors import NONE, coverage_by_child, overview


def _on(month: datetime.date) -> datetime.date:
    return min(month.replace(day=calendar.monthrange(month.year, month.month)[1]), timezone.localdate())


def section(region, month: datetime.date) -> dict | None:
    scope = region_scope(region.code)
    on = _on(month)
    o = overview(scope, on=on)
    if not o.coverage.total and not o.fallback_compounds and not o.pairing_compounds:
        return None
    labels = dict(ArrangementMode.choices) | {NONE: "无物业服务"}
    modes = [[labels.get(m, m), n] for m, n in o.coverage.by_mode.items() if n]
    tables = [
        {
            "title": "老旧小区物业服务",
            "headers": ["指标", "数值"],
            "rows": [
                ["老旧小区", o.coverage.total],
                ["有物业服务", o.coverage.served],
                ["覆盖率（%）", o.coverage.percent],
                ["公益性物业兜底小区", o.fallback_compounds],
                ["兜底的公益性企业", o.welfare_companies],
                ["大手牵小手小区", o.pairing_compounds],
                ["大手牵小手户数", o.pairing_households],
                ["已拨付补贴（元）", float(o.subsidies_paid)],
                ["待审批、待拨付补贴申请", o.subsidies_pending],
                ["近三个月未通过的巡查", o.failed_inspections],
                ["30 天内到期的过渡期", o.transitions_due],
            ],
        },
        {"title": "老旧小区按服务方式", "headers": ["服务方式", "小区数"], "rows": modes},
    ]
    child_level = region.child_level
    if child_level:
        by = PREFIX_LENGTH[child_level]
        from apps.regions.models import Region

        names = dict(Region.objects.filter(parent=region).values_list("code", "name"))
        per_child = coverage_by_child(scope, by=by, on=on)
        rows = []
        for code, name in sorted(names.items()):
            c = per_child.get(code[:by])
            if c and c.total:
                rows.append([name, c.total, c.served, c.percent])
        if rows:
            tables.append(
                {
                    "title": "下级区划老旧小区物业服务覆盖率",
                    "headers": ["区划", "老旧小区", "有物业服务", "覆盖率（%）"],
                    "rows": rows,
                }
            )
    return {
        "key": "programs",
        "title": "老旧小区物业服务全覆盖",
        "note": f"统计截至 {on:%Y-%m-%d}。",
        "tables": tables,
        "chart": {
            "title": "老旧小区按服务方式（个）",
            "labels": [r[0] for r in modes],
            "series": [{"name": "小区数", "values": [r[1] for r in modes]}],
            "unit": "",
        },
    }
