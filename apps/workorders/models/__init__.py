"""Models of the work-order app, split by topic (categories, orders and their records, rollups)."""

from apps.workorders.models.categories import Category, CategoryLimit, StageLimits
from apps.workorders.models.orders import WorkOrder
from apps.workorders.models.records import Assignment, CallBack, Escalation, WorkOrderPhoto
from apps.workorders.models.stats import (
    ALL_CATEGORIES,
    COUNTERS,
    LEVEL_LENGTH,
    LEVEL_MODELS,
    CommunityMonthStat,
    CountyMonthStat,
    HandlerMonthStat,
    StreetMonthStat,
)

__all__ = [
    "ALL_CATEGORIES",
    "COUNTERS",
    "LEVEL_LENGTH",
    "LEVEL_MODELS",
    "Assignment",
    "CallBack",
    "Category",
    "CategoryLimit",
    "CommunityMonthStat",
    "CountyMonthStat",
    "Escalation",
    "HandlerMonthStat",
    "StageLimits",
    "StreetMonthStat",
    "WorkOrder",
    "WorkOrderPhoto",
]
