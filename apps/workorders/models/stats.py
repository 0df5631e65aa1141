"""Rollup tables: monthly counters per region and per handling unit, kept current in the same
transaction as every work-order event (see docs/workorders.md, "Rollups").

Region cells exist for communities, streets and counties (one table each); a city or the
province is the sum of its county cells (a few thousand rows at most), so no row is shared by
every transaction in a city and there is no hot row to queue on.
"""

from django.db import models
from django.db.models import Q

from apps.core.scoping import Scope
from apps.core.sql import written_fast

# Counter columns, in one place: rollups.py writes them, metrics.py reads them.
COUNTERS = (
    "intake",  # orders submitted
    "joint_intake",  # of which joint requests of >= N owners
    "rejected",  # declared invalid
    "merged",  # merged into another order as duplicates
    "accepted",  # accepted by the community ("reports in")
    "accepted_on_time",
    "accepted_late",
    "dispatched",  # dispatches to a unit (rework dispatches included)
    "signed",
    "signed_on_time",
    "signed_late",
    "returned",  # returns by the unit (退单)
    "resolved",  # resolutions (办结), reworks included
    "resolved_on_time",
    "resolved_late",
    "reworked",  # reopened for rework (重办)
    "escalated",  # steps up the ladder
    "closed",
    "cb_valid",  # call-backs that reached the reporter (valid call-backs)
    "cb_unreached",
    "cb_contacted",  # ... who confirms the unit contacted them (响应)
    "cb_solved",  # ... who confirms the problem is solved (解决)
    "cb_satisfied",
    "cb_basic",
    "cb_dissatisfied",
)


class Counters(models.Model):
    """The counter columns shared by the rollup tables (database default 0, so an upsert
    names only the counters it moves)."""

    month = models.DateField("月份", help_text="当月1日（北京时间）")

    class Meta:
        abstract = True


COUNTER_LABELS = {
    "intake": "受理量（提交）",
    "joint_intake": "联名诉求",
    "rejected": "不予受理",
    "merged": "合并",
    "accepted": "受理",
    "accepted_on_time": "按时受理",
    "accepted_late": "超时受理",
    "dispatched": "派单",
    "signed": "签收",
    "signed_on_time": "按时签收",
    "signed_late": "超时签收",
    "returned": "退单",
    "resolved": "办结",
    "resolved_on_time": "按时办结",
    "resolved_late": "超时办结",
    "reworked": "重办",
    "escalated": "升级督办",
    "closed": "结案",
    "cb_valid": "有效回访",
    "cb_unreached": "未联系上",
    "cb_contacted": "已联系",
    "cb_solved": "已解决",
    "cb_satisfied": "满意",
    "cb_basic": "基本满意",
    "cb_dissatisfied": "不满意",
}
for _name in COUNTERS:
    Counters.add_to_class(_name, models.PositiveIntegerField(COUNTER_LABELS[_name], default=0, db_default=0))


ALL_CATEGORIES = 0  # category_id of the row that sums every category of a region and month


class RegionCounters(Counters):
    """Counters of one region × month × category; category 0 is the sum over all categories.

    One table per level: a city or the province reads only the county table (a few thousand
    rows, dense on disk), totals and rankings read only the category-0 rows.
    """

    region_code = models.CharField("区划代码", max_length=12)
    # A plain number, not a foreign key: 0 stands for "all categories", and the cells never join.
    category_id = models.BigIntegerField("分类编号（0 = 全部）")

    LEVEL = ""

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.region_code} {self.month:%Y-%m} {self.category_id or '全部'}"

    @classmethod
    def scope_q(cls, scope: Scope, via: str = ""):
        if scope.region_prefix and not scope.department_id:
            return Q(**{f"{via}region_code__startswith": scope.region_prefix})
        return None


def _cell_meta(level: str, label: str):
    class Meta:
        verbose_name = f"工单{label}月度统计"
        verbose_name_plural = f"工单{label}月度统计"
        constraints = [
            models.UniqueConstraint(
                fields=["region_code", "month", "category_id"], name=f"wo_{level}_stat_cell"
            ),
        ]
        indexes = [
            # Rankings read one month of all-categories rows. On PostgreSQL migration 0003 makes
            # it a covering index (INCLUDE the score's counters: answered from the index alone).
            models.Index(fields=["category_id", "month", "region_code"], name=f"wo_{level}_stat_month_idx")
        ]

    return Meta


@written_fast
class CountyMonthStat(RegionCounters):
    """Counters of one county (县区) × month × category."""

    LEVEL = "county"
    Meta = _cell_meta("county", "县区")


@written_fast
class StreetMonthStat(RegionCounters):
    """Counters of one street (街道/乡镇) × month × category."""

    LEVEL = "street"
    Meta = _cell_meta("street", "街道")


@written_fast
class CommunityMonthStat(RegionCounters):
    """Counters of one community (社区/村) × month × category."""

    LEVEL = "community"
    Meta = _cell_meta("community", "社区")


# Stored levels, outermost first (the order every transaction updates them in), with the
# length of their codes. Cities and the province are sums of county rows.
LEVEL_MODELS = {"county": CountyMonthStat, "street": StreetMonthStat, "community": CommunityMonthStat}
LEVEL_LENGTH = {"county": 6, "street": 9, "community": 12}


@written_fast
class HandlerMonthStat(Counters):
    """Counters of one handling unit × county × month (a unit working in several counties has
    one row per county, so rankings inside a city or county need no work-order scan)."""

    unit_type = models.CharField("单位类型", max_length=12, help_text="company / committee / department")
    unit_id = models.BigIntegerField("单位编号")
    county_code = models.CharField("县区代码", max_length=6)

    class Meta:
        verbose_name = "处理单位月度统计"
        verbose_name_plural = "处理单位月度统计"
        constraints = [
            models.UniqueConstraint(
                fields=["unit_type", "unit_id", "county_code", "month"], name="wo_handler_stat_cell"
            ),
        ]
        indexes = [
            # Company rankings: one month, the counties of a region (covering on PostgreSQL: 0003).
            models.Index(fields=["unit_type", "month", "county_code"], name="wo_handler_stat_idx")
        ]

    def __str__(self):
        return f"{self.unit_type}:{self.unit_id} {self.county_code} {self.month:%Y-%m}"

    @classmethod
    def scope_q(cls, scope: Scope, via: str = ""):
        if scope.department_id:
            return Q(**{f"{via}unit_type": "department", f"{via}unit_id": scope.department_id})
        if scope.region_prefix:
            return Q(**{f"{via}county_code__startswith": scope.region_prefix[:6]})
        if scope.company_id:
            return Q(**{f"{via}unit_type": "company", f"{via}unit_id": scope.company_id})
        if scope.committee_id:
            return Q(**{f"{via}unit_type": "committee", f"{via}unit_id": scope.committee_id})
        return None
