"""What a monthly report (月报) says, as plain data: sections of figures, tables and chart data,
JSON-serialisable so that the archive keeps exactly what was rendered into the PDF and the xlsx.

Every figure is read through the dashboard's own readers — `dashboards.selectors.coverage` (the
three 100% targets, at the month's last day and at the last day of the month before),
`dashboards.workorders.panel` for a one-month period (volume, the rates, the child regions, the
red/black lists) and `workorders.metrics` (rankings) — so a report and the dashboard opened on the
same region and month show the same numbers (tests/test_figures.py). Nothing here restates a rule.
Other apps add sections through `Contribution.report_sections` (docs/reports.md).
"""

from __future__ import annotations

import calendar
import datetime
import logging
from collections.abc import Callable

from django.conf import settings
from django.db.models import Sum

from apps.core.contributions import report_section_functions
from apps.dashboards import selectors as dash
from apps.dashboards import workorders as wo
from apps.dashboards.metrics import RANKING_RATIOS, targets
from apps.dashboards.tables import month_table, rank_tables
from apps.regions.choices import RegionLevel
from apps.regions.models import Region
from apps.workorders import metrics as wm
from apps.workorders.models.stats import COUNTER_LABELS

log = logging.getLogger(__name__)

# Levels a report is made for (the issue: city, county, street). The province is allowed for
# superusers and the benchmark; a community has no children to rank.
REPORT_LEVELS = (RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.COUNTY, RegionLevel.STREET)

# Late and escalated counters of the rollups (the dashboard's counters, labels from the model).
LATE_COUNTERS = ("accepted_late", "signed_late", "resolved_late", "escalated")


def month_end(month: datetime.date) -> datetime.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def as_of(month: datetime.date, today: datetime.date) -> datetime.date:
    """The day the month's coverage is counted on: its last day, or today for the current month."""
    return min(month_end(month), today)


def pct(value) -> float | None:
    return wo.percent(value)


def _ratio_cells(ratio) -> list:
    return [ratio.percent, ratio.numerator, ratio.denominator]


def _change(now, before) -> float | None:
    if now.percent is None or before.percent is None:
        return None
    return round(now.percent - before.percent, 1)


def _score(metrics) -> float | None:
    return pct(metrics.score)


def _rates(m) -> list:
    return [
        m.intake,
        m["cb_valid"],
        pct(m.response_rate),
        pct(m.resolution_rate),
        pct(m.satisfaction_rate),
        _score(m),
    ]


RATE_HEADERS = ["工单量", "有效回访", "响应率（%）", "解决率（%）", "满意率（%）", "综合得分"]


def _positions(rows: list[tuple[str | int, wm.Metrics]]) -> dict:
    """Positions (1 = best) of entities by the work-order ranking rule of `workorders.metrics`
    (score, then satisfaction, then resolution; below the call-back minimum unranked)."""
    minimum = max(1, settings.WORKORDER_RANKING_MIN_CALLBACKS)
    w = tuple(float(x) for x in wm.weights())
    factor = float(wm.Fraction(settings.WORKORDER_BASIC_SATISFACTION_FACTOR))
    keyed = [
        (key, m["cb_valid"], m["cb_contacted"], m["cb_solved"], m["cb_satisfied"], m["cb_basic"])
        for key, m in rows
        if m["cb_valid"] >= minimum
    ]
    keyed.sort(key=lambda r: wm._sort_key(r, w, factor))
    return {r[0]: i + 1 for i, r in enumerate(keyed)}


def company_metrics(*, region: Region, month: datetime.date) -> list[tuple[int, str, wm.Metrics]]:
    """Every property company's month inside the region's county (or city, province) — the grain
    on which `workorder_rankings(kind="company")` ranks them — with the rollups' counters."""
    from apps.registry.models import PropertyCompany

    prefix = wm.region_prefix(region.code)[:6]
    rows = (
        wm.HandlerMonthStat.objects.filter(
            unit_type="company", month=month, **wm._range(prefix, field="county_code")
        )
        .order_by()
        .values("unit_id")
        .annotate(**{c: Sum(c) for c in wm.COUNTERS})
    )
    counted = {r["unit_id"]: wm.Metrics({c: r[c] or 0 for c in wm.COUNTERS}) for r in rows}
    names = dict(PropertyCompany.objects.filter(pk__in=list(counted)).values_list("pk", "name"))
    return [(pk, names.get(pk, str(pk)), m) for pk, m in counted.items()]


def _table(title: str, headers: list[str], rows: list[list], note: str = "") -> dict:
    return {"title": title, "headers": headers, "rows": rows, "note": note}


def _from_dashboard_table(table) -> dict:
    """A dashboard table (apps/dashboards/tables.py) as report data: its exported columns."""
    columns = [c for c in table.columns if c.export]
    rows = [[c.raw(r) for c in columns] for r in table.sorted_rows()]
    return _table(table.title, [c.header for c in columns], rows)


def _short(name: str) -> str:
    from apps.dashboards.metrics import short_name

    return short_name(name)


# ------------------------------------------------------------ the sections
def targets_section(region: Region, now, before, month: datetime.date) -> dict:
    rows, labels, values, previous = [], [], [], []
    for target, earlier in zip(
        targets(now.figures, region.code), targets(before.figures, region.code), strict=True
    ):
        rows.append(
            [
                target.label,
                *_ratio_cells(target.ratio),
                earlier.ratio.percent,
                _change(target.ratio, earlier.ratio),
                "达标" if target.ratio.complete else "未达标",
            ]
        )
        labels.append(target.label.replace("物业服务企业和业主委员会", "企业和业委会"))
        values.append(target.ratio.percent)
        previous.append(earlier.ratio.percent)
    children = []
    for row, prev in zip(now.children, before.children, strict=False):
        cells = [_short(row.region.name), row.region.code]
        for m in RANKING_RATIOS[:3]:
            cells += [m.get(row.figures).percent, _change(m.get(row.figures), m.get(prev.figures))]
        children.append(cells)
    tables = [
        _table(
            "三个100%目标",
            ["目标", "本月（%）", "分子", "分母", "上月（%）", "变化（百分点）", "状态"],
            rows,
            note=f"统计截至 {now.on:%Y-%m-%d}，上月截至 {before.on:%Y-%m-%d}。",
        )
    ]
    if children:
        headers = ["区划", "区划代码"]
        for m in RANKING_RATIOS[:3]:
            headers += [f"{m.short}（%）", "变化"]
        tables.append(_table("下级区划三个100%目标", headers, children))
    return {
        "key": "targets",
        "title": "一、三个100%目标",
        "tables": tables,
        "chart": {
            "title": "三个100%目标（本月与上月，%）",
            "labels": labels,
            "series": [{"name": "上月", "values": previous}, {"name": "本月", "values": values}],
            "unit": "%",
            "max": 100,
        },
    }


def workorders_section(region: Region, panel: wo.Panel) -> dict:
    t = panel.totals
    summary = _table(
        "接诉即办总体情况",
        ["指标", "数值", "说明"],
        [
            ["工单量", t.intake, f"已办结 {t['resolved']}"],
            ["有效回访", t["cb_valid"], ""],
            ["响应率（%）", pct(t.response_rate), f"{t['cb_contacted']} / {t['cb_valid']}"],
            ["解决率（%）", pct(t.resolution_rate), f"{t['cb_solved']} / {t['cb_valid']}"],
            [
                "满意率（%）",
                pct(t.satisfaction_rate),
                f"满意 {t['cb_satisfied']} · 基本满意 {t['cb_basic']} / {t['cb_valid']}",
            ],
            ["综合得分", _score(t), "响应、解决、满意率加权"],
        ],
    )
    tables = [summary]
    chart = None
    children = dash.child_regions(region)
    if children:
        child_rows = [(c.code, panel.child(c.code)) for c in children]
        positions = _positions(child_rows)
        rows = [
            [positions.get(c.code), _short(c.name), c.code, *_rates(panel.child(c.code))] for c in children
        ]
        rows.sort(key=lambda r: (r[0] is None, r[0] or 0, r[2]))
        level = RegionLevel(children[0].level).label
        tables.append(
            _table(f"下级{level}排名", ["名次", level, "区划代码", *RATE_HEADERS], rows, note=_rank_note())
        )
        scored = [r for r in rows if r[-1] is not None]
        chart = {
            "title": f"下级{level}综合得分",
            "labels": [r[1] for r in scored[:30]],
            "series": [{"name": "综合得分", "values": [r[-1] for r in scored[:30]]}],
            "unit": "",
            "max": 100,
            "horizontal": True,
        }
    if region.level in (RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.COUNTY):
        companies = company_metrics(region=region, month=panel.period.rank_month)
        positions = _positions([(pk, m) for pk, _, m in companies])
        rows = [[positions.get(pk), name, *_rates(m)] for pk, name, m in companies]
        rows.sort(key=lambda r: (r[0] is None, r[0] or 0, r[1]))
        tables.append(
            _table("物业服务企业排名", ["名次", "物业企业", *RATE_HEADERS], rows, note=_rank_note())
        )
    return {"key": "workorders", "title": "二、接诉即办（工单）", "tables": tables, "chart": chart}


def _rank_note() -> str:
    minimum = max(1, settings.WORKORDER_RANKING_MIN_CALLBACKS)
    return f"按综合得分排名（同分比满意率、解决率）；有效回访少于 {minimum} 件的不参与排名（名次空白）。"


def rankings_section(panel: wo.Panel) -> dict | None:
    if not panel.rankings:
        return None
    tables = [_from_dashboard_table(t) for t in rank_tables(panel, region_url=lambda code: "")]
    for table, rank in zip(tables[::2], panel.rankings, strict=True):
        table["note"] = (
            f"参与排名 {rank.ranking.ranked_count} 个，回访不足未排名 {len(rank.ranking.unranked)} 个。"
        )
    return {"key": "rankings", "title": "三、红黑榜", "tables": tables}


def late_section(region: Region, panel: wo.Panel) -> dict:
    labels = [COUNTER_LABELS[c] for c in LATE_COUNTERS]
    rows = [["合计", *[panel.totals[c] for c in LATE_COUNTERS]]]
    for child in dash.child_regions(region):
        m = panel.child(child.code)
        rows.append([_short(child.name), *[m[c] for c in LATE_COUNTERS]])
    return {
        "key": "late",
        "title": "四、超期与升级督办",
        "tables": [
            _table(
                "超期与升级督办工单",
                ["区划", *labels],
                rows,
                note="超时受理、签收、办结按办理环节的时限计；升级督办含超期自动升级和人工提请。",
            )
        ],
    }


def trend_table(panel_12: wo.Panel) -> dict:
    return _from_dashboard_table(month_table(panel_12))


def _contributed(region: Region, month: datetime.date, functions: list[Callable]) -> list[dict]:
    out = []
    for function in functions:
        section = function(region, month)
        if section:
            out.append(normalise(section))
    return out


def normalise(section: dict) -> dict:
    """A contributed section checked for the shape the renderers read."""
    tables = []
    for t in section.get("tables", ()):
        headers = [str(h) for h in t["headers"]]
        rows = [list(r) for r in t.get("rows", ())]
        if any(len(r) != len(headers) for r in rows):
            raise ValueError(f"report section {section.get('title')!r}: a row does not match its headers")
        tables.append(_table(str(t["title"]), headers, rows, str(t.get("note", ""))))
    chart = section.get("chart")
    return {
        "key": str(section.get("key", "")),
        "title": str(section["title"]),
        "note": str(section.get("note", "")),
        "tables": tables,
        "chart": chart or None,
    }


# ------------------------------------------------------------ the report
def build(*, region: Region, month: datetime.date, today: datetime.date, progress=None) -> dict:
    """The whole report of a region for a month (its first day)."""
    month = month.replace(day=1)
    step = progress or (lambda done, total, note: None)
    total = 6
    step(0, total, "统计三个100%目标")
    now = dash.coverage(region=region, on=as_of(month, today))
    before = dash.coverage(region=region, on=month_end(wo.add_months(month, -1)))
    step(1, total, "统计接诉即办")
    panel = wo.panel(region=region, period=wo.Period(month, month, month))
    trend = wo.panel(region=region, period=wo.Period(wo.add_months(month, -5), month, month))
    step(2, total, "排名")
    sections = [targets_section(region, now, before, month), workorders_section(region, panel)]
    ranking = rankings_section(panel)
    if ranking:
        sections.append(ranking)
    sections.append(late_section(region, panel))
    trend_section = {
        "key": "trend",
        "title": "五、近六个月工单趋势",
        "tables": [trend_table(trend)],
        "chart": {
            "title": "近六个月工单量",
            "labels": [wo.month_label(m) for m, _ in trend.by_month],
            "series": [{"name": "工单量", "values": [m.intake for _, m in trend.by_month]}],
            "unit": "件",
        },
    }
    sections.append(trend_section)
    step(3, total, "汇总专项工作")
    extra = _contributed(region, month, report_section_functions())
    numerals = "六七八九十"
    for i, section in enumerate(extra):
        label = numerals[i] if i < len(numerals) else str(i + 6)
        section["title"] = f"{label}、{section['title']}"
    sections += extra
    step(4, total, "生成文件")
    return {
        "region": {"code": region.code, "name": region.name, "level": region.level},
        "month": wo.month_label(month),
        "as_of": as_of(month, today).isoformat(),
        "summary": summary(now, panel),
        "sections": sections,
    }


def summary(now, panel: wo.Panel) -> list[dict]:
    """The cards at the top of the first page."""
    cards = [
        {"label": t.label, "value": t.ratio.percent, "unit": "%", "sub": str(t.ratio)}
        for t in targets(now.figures, now.region.code)
    ]
    t = panel.totals
    cards += [
        {"label": "工单量", "value": t.intake, "unit": "件", "sub": f"有效回访 {t['cb_valid']}"},
        {"label": "综合得分", "value": _score(t), "unit": "", "sub": _weights_text()},
    ]
    return cards


def _weights_text() -> str:
    w = [float(x) for x in wm.weights()]
    return f"响应率×{w[0]:g} + 解决率×{w[1]:g} + 满意率×{w[2]:g}"
