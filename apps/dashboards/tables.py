"""Tables of computed rows (the ranking of child regions, the compounds of a community): the
Column pattern of apps/core/views.py — one header and value on screen and in the Excel export —
sorted in Python by `?sort=<key>` because the rows are not a queryset."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.html import format_html

from apps.core.excel import xlsx_response
from apps.core.views import Column, tag
from apps.dashboards.metrics import COUNTS, RANKING_RATIOS
from apps.dashboards.selectors import ChildRow
from apps.dashboards.workorders import RATES, Panel, month_label, percent


@dataclass
class Table:
    title: str
    columns: list[Column]
    rows: list
    sort: str = ""
    export_name: str = ""
    key: str = "table"  # ?export=<key>
    kind: str = ""
    side: str = ""

    def sorted_rows(self) -> list:
        key = self.sort.lstrip("-")
        column = next((c for c in self.columns if c.sort and c.sort == key), None)
        if column is None:
            return list(self.rows)
        present = [r for r in self.rows if column.raw(r) is not None]
        absent = [r for r in self.rows if column.raw(r) is None]  # no value: always last
        present.sort(key=column.raw, reverse=self.sort.startswith("-"))
        return present + absent

    def headers(self) -> list[dict]:
        out = []
        for c in self.columns:
            active = bool(c.sort) and self.sort.lstrip("-") == c.sort
            next_sort = None
            if active:
                next_sort = c.sort if self.sort.startswith("-") else f"-{c.sort}"
            elif c.sort:
                next_sort = f"-{c.sort}" if "num" in c.css else c.sort  # numbers: largest first
            out.append(
                {
                    "header": c.header,
                    "sort": next_sort,
                    "css": c.css,
                    "active": active,
                    "desc": self.sort.startswith("-"),
                }
            )
        return out

    def cells(self) -> list[list[tuple]]:
        return [[(c.cell(row), c.css) for c in self.columns] for row in self.sorted_rows()]

    def export(self):
        columns = [c for c in self.columns if c.export]
        rows = ([c.raw(row) for c in columns] for row in self.sorted_rows())
        return xlsx_response(self.export_name, [c.header for c in columns], rows, sheet_title=self.title)


# ------------------------------------------------------------ the ranking of child regions
def _percent_cell(metric):
    def display(row):
        ratio = metric.get(row.figures)
        if ratio.percent is None:
            return None
        return format_html("{}{}", ratio.percent, tag("达标", "ok") if ratio.complete else "")

    return display


def ranking_columns(child_url) -> list[Column]:
    """Region, then for each ratio metric its percentage and numerator/denominator, then the
    counts. `child_url(region)` is where a row's name links (one level down)."""
    columns = [
        Column(
            "区划",
            lambda r: r.region.name,
            sort="name",
            display=lambda r: format_html('<a href="{}">{}</a>', child_url(r.region), r.region.name),
        ),
        Column("区划代码", lambda r: r.region.code, sort="code"),
    ]
    for m in RANKING_RATIOS:
        columns += [
            Column(
                f"{m.short}（%）",
                lambda r, m=m: m.get(r.figures).percent,
                sort=m.key,
                css="num",
                display=_percent_cell(m),
            ),
            Column(m.parts, lambda r, m=m: str(m.get(r.figures)), css="num"),
        ]
    columns += [Column(m.label, lambda r, m=m: m.get(r.figures), sort=m.key, css="num") for m in COUNTS]
    return columns + workorder_columns(lambda r: r.orders, sort_prefix="wo_")


def ranking_table(rows: list[ChildRow], *, child_url, level_label: str, sort: str, region_name: str) -> Table:
    return Table(
        title=f"下级{level_label}排名",
        columns=ranking_columns(child_url),
        rows=rows,
        sort=sort,
        export_name=f"治理驾驶舱_{region_name}_下级{level_label}排名",
    )


# ------------------------------------------------------------ the compounds of a community
def _if_committee(name):
    return lambda c: getattr(c, name) if c.has_committee else None


COMPOUND_COLUMNS = [
    Column("小区", "name", sort="name", link=True),
    Column("小区编码", "code", sort="code"),
    Column("户数", "households", sort="households", css="num"),
    Column("老旧小区", "is_old", sort="is_old"),
    Column("管理模式", lambda c: c.get_management_mode_display(), sort="management_mode"),
    Column("服务企业", lambda c: c.company.name if c.company_id else None),
    Column("居住党员", "resident_party_members", sort="resident_party_members", css="num"),
    Column("符合建支部条件", "is_branch_eligible", sort="is_branch_eligible"),
    Column("已建小区党支部", "has_branch", sort="has_branch"),
    Column("任期内业委会", "has_committee", sort="has_committee"),
    Column("业委会党的工作覆盖", _if_committee("committee_covered"), sort="committee_covered"),
    Column("红色业委会", _if_committee("red_committee"), sort="red_committee"),
]


def compound_table(rows: list, *, sort: str, region_name: str) -> Table:
    return Table(
        title="小区情况",
        columns=COMPOUND_COLUMNS,
        rows=rows,
        sort=sort,
        export_name=f"治理驾驶舱_{region_name}_小区情况",
    )


# ------------------------------------------------------------ work orders
def workorder_columns(metrics_of, *, sort_prefix: str = "", volume: bool = True) -> list[Column]:
    """工单量, 有效回访 and the four rates (percentages; 综合得分 out of 100) of the Metrics that
    `metrics_of(row)` returns. Rates without valid call-backs are empty (and sort last)."""
    columns = []
    if volume:
        columns.append(
            Column(
                "工单量",
                lambda r: metrics_of(r).intake,
                sort=f"{sort_prefix}intake" if sort_prefix else None,
                css="num",
            )
        )
    columns.append(
        Column(
            "有效回访",
            lambda r: metrics_of(r)["cb_valid"],
            sort=f"{sort_prefix}cb_valid" if sort_prefix else None,
            css="num",
        )
    )
    for name, label, _numerator in RATES:
        header = "综合得分" if name == "score" else f"{label}（%）"
        columns.append(
            Column(
                header,
                lambda r, name=name: percent(getattr(metrics_of(r), name)),
                sort=f"{sort_prefix}{name}" if sort_prefix else None,
                css="num",
            )
        )
    return columns


def month_table(panel: Panel) -> Table:
    return Table(
        title="工单按月统计",
        columns=[Column("月份", lambda r: month_label(r[0])), *workorder_columns(lambda r: r[1])],
        rows=panel.by_month,
        key="months",
        export_name=f"治理驾驶舱_{panel.region.name}_工单按月统计",
    )


def category_table(panel: Panel) -> Table:
    return Table(
        title="工单按类别统计",
        columns=[
            Column("类别", lambda r: r[0].name),
            *workorder_columns(lambda r: r[1]),
        ],
        rows=panel.by_category,
        key="categories",
        export_name=f"治理驾驶舱_{panel.region.name}_工单按类别统计",
    )


LIST_NAMES = {"red": "红榜", "black": "黑榜"}


def rank_tables(panel: Panel, *, region_url) -> list[Table]:
    """For each kind ranked on the page, its red list then its black list. Streets and
    communities link to their dashboard (`region_url(code)`)."""
    out = []
    month = month_label(panel.period.rank_month)
    for rank in panel.rankings:

        def name_cell(row, kind=rank.kind):
            if kind == "company":
                return row.name
            return format_html('<a href="{}">{}</a>', region_url(row.key), row.name)

        for side in ("red", "black"):
            table = Table(
                key=f"{side}-{rank.kind}",
                kind=rank.kind,
                side=side,
                title=f"{rank.label}{LIST_NAMES[side]}（{month}）",
                columns=[
                    Column("名次", "position", css="num"),
                    Column(rank.label, "name", display=name_cell),
                    *workorder_columns(lambda r: r.metrics, volume=False),
                ],
                rows=getattr(rank.ranking, side),
                export_name=f"治理驾驶舱_{panel.region.name}_{rank.label}{LIST_NAMES[side]}_{month}",
            )
            out.append(table)
    return out
