"""Models of the work-order app, split by topic (categories, orders and their records, rollups)."""

from apps.workorders.models.categories import Category, CategoryLimit, StageLimits
from apps.workorders.models.orders import Assignment, CallBack, Escalation, WorkOrder, WorkOrderPhoto
from apps.workorders.models.stats import COUNTERS, HandlerMonthStat, RegionMonthStat

__all__ = [
    "COUNTERS",
    "Assignment",
    "CallBack",
    "Category",
    "CategoryLimit",
    "Escalation",
    "HandlerMonthStat",
    "RegionMonthStat",
    "StageLimits",
    "WorkOrder",
    "WorkOrderPhoto",
]
