"""The public rooms' section of the monthly report (月报, apps/reports): rooms recovered (this app's
`recovery_summary`), and the booking use of the region's activity rooms in the month
(`usage_for`: hours booked ÷ hours open)."""

from __future__ import annotations

import calendar
import datetime

from apps.core.scoping import region_scope, scoped_to
from apps.spaces.models import Room
from apps.spaces.selectors import recovery_summary, usage_for

MAX_ROOMS = 30  # the report lists the busiest rooms; the totals count all


def section(region, month: datetime.date) -> dict | None:
    scope = region_scope(region.code)
    recovered = recovery_summary(scope=scope)
    rooms = list(scoped_to(Room.objects.filter(is_active=True).select_related("centre"), scope))
    if not rooms and not recovered["cases"]:
        return None
    end = month.replace(day=calendar.monthrange(month.year, month.month)[1]) + datetime.timedelta(days=1)
    usage = sorted(usage_for(rooms, month, end), key=lambda u: -u.booked_hours) if rooms else []
    open_h = sum((u.open_hours for u in usage), start=0)
    booked_h = sum((u.booked_hours for u in usage), start=0)
    rows = [
        ["收回公共用房的小区", recovered["compounds"]],
        ["收回案件", recovered["cases"]],
        ["收回面积（㎡）", float(recovered["area"])],
        ["活动室", len(rooms)],
        ["本月预约", sum(u.bookings for u in usage)],
        ["本月开放小时", float(open_h)],
        ["本月预约小时", float(booked_h)],
        ["使用率（%）", round(float(100 * booked_h / open_h), 1) if open_h else None],
    ]
    tables = [{"title": "公共用房与活动室", "headers": ["指标", "数值"], "rows": rows}]
    if usage:
        tables.append(
            {
                "title": "活动室使用情况",
                "headers": ["党群服务中心", "活动室", "预约", "预约小时", "使用率（%）"],
                "rows": [
                    [u.room.centre.name, u.room.name, u.bookings, float(u.booked_hours), float(u.percent)]
                    for u in usage[:MAX_ROOMS]
                ],
                "note": f"按预约小时排序，列出前 {MAX_ROOMS} 间。" if len(usage) > MAX_ROOMS else "",
            }
        )
    return {"key": "spaces", "title": "公共用房与党群服务中心", "tables": tables}
