"""Objective indicators (客观指标) computed from platform data for a subject and a period.

The subject is a company party organisation (its company's compounds in the round's city) or a
compound (a property-service project). Every value carries its numerator, denominator and the
data it came from, so an assessor can check it:

    工单响应率/解决率/满意率/综合得分/按时办结率  apps/workorders/metrics.py (rollup tables):
        the company's own work (HandlerMonthStat) or the compound's orders
    每千户投诉量   orders submitted in the compound (a company: dispatched to it) ÷ Σ households × 1,000
    满意度测评指数  mean index of the survey responses of the compounds in the period (0–100)
    小区党支部覆盖率 compounds with a compound party branch ÷ compounds
    红色业委会覆盖率 compounds whose committee in office at the period's end is red ÷ compounds
    交叉任职人数    cross-appointed members of those committees ÷ compounds
    企业党组织党员人数 the organisation's recorded member count (for a compound: its branches')

Rates are percentages (0–100) so that scheme curves read like the published schemes.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.db.models import Avg, Count, Sum

from apps.ratings.choices import Indicator

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class IndicatorValue:
    value: Decimal | None
    numerator: str
    denominator: str
    source: str

    @property
    def display(self) -> str:
        if self.value is None:
            return "无数据"
        return f"{self.value.normalize():f}"


def _dec(x: Fraction | Decimal | int | float | None, places: str = "0.01") -> Decimal | None:
    if x is None:
        return None
    if isinstance(x, Fraction):
        x = Decimal(x.numerator) / Decimal(x.denominator)
    return Decimal(x).quantize(Decimal(places))


def _num(x) -> str:
    if isinstance(x, Fraction):
        x = Decimal(x.numerator) / Decimal(x.denominator)
    if isinstance(x, Decimal):
        return f"{x.quantize(Decimal('0.01')).normalize():f}"
    return str(x)


class SubjectFacts:
    """The data of one subject over one period, read once and shared by every indicator."""

    def __init__(
        self, *, party_org=None, compound=None, city_code: str, period_start: datetime.date, period_end
    ):
        from apps.registry.models import Compound

        self.party_org, self.compound = party_org, compound
        self.period_start, self.period_end = period_start, period_end
        if compound is not None:
            self.compounds = [compound]
            self.label = f"小区“{compound.name}”"
        else:
            self.compounds = list(
                Compound.objects.filter(
                    company_id=party_org.company_id, community__pk__startswith=city_code[:4]
                ).only("pk", "households", "community_id", "name", "company_id")
            )
            self.label = f"企业“{party_org.company}”在本市服务的 {len(self.compounds)} 个小区"
        self.compound_ids = [c.pk for c in self.compounds]
        self._metrics = None

    @property
    def metrics(self):
        from apps.workorders.metrics import workorder_metrics

        if self._metrics is None:
            if self.compound is not None:
                self._metrics = workorder_metrics(
                    compound=self.compound, period_from=self.period_start, period_to=self.period_end
                )
            else:
                self._metrics = workorder_metrics(
                    company=self.party_org.company_id,
                    period_from=self.period_start,
                    period_to=self.period_end,
                )
        return self._metrics

    @property
    def period_label(self) -> str:
        return f"{self.period_start:%Y-%m}至{self.period_end:%Y-%m}"


def _wo_source(f: SubjectFacts) -> str:
    who = f.label if f.compound is not None else f"企业“{f.party_org.company}”承办的工单"
    return f"吹哨报到工单回访（统计表），{who}，{f.period_label}"


def _rate(f: SubjectFacts, name: str, num_counter, den_counter="cb_valid") -> IndicatorValue:
    m = f.metrics
    value = getattr(m, name)
    num = num_counter(m) if callable(num_counter) else m[num_counter]
    return IndicatorValue(
        _dec(value * 100) if value is not None else None, _num(num), _num(m[den_counter]), _wo_source(f)
    )


def compute(indicator: str, f: SubjectFacts) -> IndicatorValue:
    from apps.committees.models import CommitteeMember, OwnersCommittee
    from apps.committees.selectors import active_q, red_q, with_roster_counts
    from apps.party.models import PartyOrg, PartyOrgKind
    from apps.ratings.models import SurveyResponse

    n = len(f.compounds)
    if indicator == Indicator.RESPONSE_RATE:
        return _rate(f, "response_rate", "cb_contacted")
    if indicator == Indicator.RESOLUTION_RATE:
        return _rate(f, "resolution_rate", "cb_solved")
    if indicator == Indicator.SATISFACTION_RATE:
        from django.conf import settings

        factor = Fraction(settings.WORKORDER_BASIC_SATISFACTION_FACTOR)
        return _rate(f, "satisfaction_rate", lambda m: m["cb_satisfied"] + factor * m["cb_basic"])
    if indicator == Indicator.COMPOSITE_SCORE:
        m = f.metrics
        value = m.score
        return IndicatorValue(
            _dec(value * 100) if value is not None else None,
            "0.1×响应率+0.5×解决率+0.4×满意率（按设置权重）",
            _num(m["cb_valid"]) + " 次有效回访",
            _wo_source(f),
        )
    if indicator == Indicator.ON_TIME_RATE:
        m = f.metrics
        value = m.on_time_resolution
        return IndicatorValue(
            _dec(value * 100) if value is not None else None,
            f"{m['resolved_on_time']} 件按时办结",
            f"{m['resolved_on_time'] + m['resolved_late']} 件有时限的办结",
            _wo_source(f),
        )
    if indicator == Indicator.COMPLAINTS_PER_1000:
        # A compound: the orders its residents submitted; a company: the orders dispatched to it
        # (the rollups attribute submissions to regions and dispatches to the handling unit).
        households = sum(c.households for c in f.compounds)
        counter = "intake" if f.compound is not None else "dispatched"
        count = f.metrics[counter]
        value = _dec(Decimal(count) * 1000 / households) if households else None
        what = "件工单" if f.compound is not None else "件派给企业的工单"
        return IndicatorValue(
            value, f"{count} {what}", f"{households} 户", _wo_source(f) + "；户数：小区登记"
        )
    if indicator == Indicator.SURVEY_INDEX:
        agg = SurveyResponse.objects.filter(
            compound_id__in=f.compound_ids,
            submitted_on__gte=f.period_start,
            submitted_on__lte=f.period_end,
            index__isnull=False,
        ).aggregate(total=Sum("index"), n=Count("pk"), avg=Avg("index"))
        value = _dec(agg["avg"]) if agg["n"] else None
        return IndicatorValue(
            value,
            f"指数合计 {_num(agg['total'] or 0)}",
            f"{agg['n']} 份答卷",
            f"满意度测评答卷，{f.label}，{f.period_label}",
        )
    if indicator == Indicator.BRANCH_PRESENT:
        with_branch = (
            PartyOrg.objects.filter(kind=PartyOrgKind.COMPOUND_BRANCH, compound_id__in=f.compound_ids)
            .values("compound_id")
            .distinct()
            .count()
        )
        return IndicatorValue(
            _dec(Decimal(with_branch) * 100 / n) if n else None,
            f"{with_branch} 个小区有党支部",
            f"{n} 个小区",
            f"党组织登记（小区党支部），{f.label}",
        )
    if indicator in (Indicator.RED_COMMITTEE, Indicator.CROSS_APPOINTED):
        active = OwnersCommittee.objects.filter(active_q(f.period_end), compound_id__in=f.compound_ids)
        if indicator == Indicator.RED_COMMITTEE:
            red = with_roster_counts(active).filter(red_q()).values("compound_id").distinct().count()
            return IndicatorValue(
                _dec(Decimal(red) * 100 / n) if n else None,
                f"{red} 个小区为红色业委会",
                f"{n} 个小区",
                f"业委会名册（{f.period_end:%Y-%m-%d}在任），{f.label}",
            )
        cross = CommitteeMember.objects.filter(committee__in=active, cross_appointed=True).count()
        return IndicatorValue(
            _dec(Decimal(cross) / n) if n else None,
            f"{cross} 人交叉任职",
            f"{n} 个小区",
            f"业委会名册（{f.period_end:%Y-%m-%d}在任），{f.label}",
        )
    if indicator == Indicator.PARTY_MEMBERS:
        if f.party_org is not None:
            members = f.party_org.member_count
            source = f"党组织登记：{f.party_org}"
        else:
            members = (
                PartyOrg.objects.filter(
                    kind=PartyOrgKind.COMPOUND_BRANCH, compound_id__in=f.compound_ids
                ).aggregate(s=Sum("member_count"))["s"]
                or 0
            )
            source = f"党组织登记（小区党支部），{f.label}"
        return IndicatorValue(Decimal(members), f"{members} 名党员", "—", source)
    raise ValueError(f"unknown indicator {indicator!r}")
