"""A rating scheme's dimensions, items and vetoes as one Excel sheet (细则表) — the way an
official edits a scheme: download the current (or example) sheet, change it in Excel, upload it.
`rows_of(structure)` writes the sheet; `parse(file)` reads it back into the structure that
`services.scheme_create` checks (points adding up, curves, codes) — so the sheet carries no rule
of its own, only the layout.

One row per item. 维度 and 维度满分 are repeated on every row of a dimension (a row with an
empty 维度 continues the one above). Vetoes are rows whose 计分方式 is 一票否决 (no dimension, no
points). Objective items name their 指标 and 计分曲线, with the curve written as people write
it: 分档计分 "3:1; 5:2; 8:3" (value : points, 越低越好 for a lower-is-better indicator), 线性计分
"0~40" (the value scoring 0 ~ the value scoring full points); both may add "无数据:1" (points when
the platform has no value)."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

from apps.ratings.choices import CurveKind, Indicator, ItemMethod

HEADERS = (
    "维度",
    "维度满分",
    "编号",
    "评定内容",
    "计分方式",
    "满分",
    "指标",
    "计分曲线",
    "曲线参数",
    "评分说明",
)
SHEET_TITLE = "细则表"

_METHOD_LABEL = {
    ItemMethod.ASSESSOR: "评审打分",
    ItemMethod.OBJECTIVE: "客观指标",
    ItemMethod.VETO: "一票否决",
}
_METHOD_OF = {label: value for value, label in _METHOD_LABEL.items()}
_METHOD_OF.update({str(label): value for value, label in ItemMethod.choices})
_CURVE_OF = {str(label): value for value, label in CurveKind.choices}
_INDICATOR_OF = {str(label): value for value, label in Indicator.choices}
_INDICATOR_OF.update({re.sub(r"（.*）$", "", str(label)): value for value, label in Indicator.choices})


def _num(value) -> str:
    d = Decimal(str(value))
    return format(d.normalize(), "f") if d == d.to_integral() else str(d)


def curve_text(kind: str, curve: dict | None) -> str:
    """The curve as the sheet writes it (see the module docstring)."""
    curve = curve or {}
    parts: list[str] = []
    if kind == CurveKind.THRESHOLDS:
        parts.append("; ".join(f"{_num(v)}:{_num(p)}" for v, p in curve.get("steps", [])))
        if curve.get("lower_is_better"):
            parts.append("越低越好")
    elif kind == CurveKind.LINEAR:
        parts.append(f"{_num(curve.get('zero', 0))}~{_num(curve.get('full', 0))}")
    if "missing" in curve:
        parts.append(f"无数据:{_num(curve['missing'])}")
    return "; ".join(p for p in parts if p)


def rows_of(structure: dict) -> list[list]:
    rows: list[list] = []
    for dim in structure.get("dimensions") or []:
        for item in dim.get("items") or []:
            kind = item.get("curve_kind") or ""
            rows.append(
                [
                    dim.get("name", ""),
                    _num(dim.get("max_points", 0)),
                    item.get("code", ""),
                    item.get("name", ""),
                    _METHOD_LABEL.get(item.get("method") or ItemMethod.ASSESSOR, ""),
                    _num(item.get("max_points", 0)),
                    Indicator(item["indicator"]).label if item.get("indicator") else "",
                    CurveKind(kind).label if kind else "",
                    curve_text(kind, item.get("curve")) if kind else "",
                    item.get("guidance", ""),
                ]
            )
    for veto in structure.get("vetoes") or []:
        rows.append(
            [
                "",
                "",
                veto.get("code", ""),
                veto.get("name", ""),
                "一票否决",
                "",
                "",
                "",
                "",
                veto.get("guidance", ""),
            ]
        )
    return rows


def _decimal(text: str, where: str) -> Decimal:
    try:
        value = Decimal(text)
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError(f"{where}：“{text}”不是数字") from exc
    if not value.is_finite():
        raise ValidationError(f"{where}：“{text}”不是数字")
    return value


def _json_number(d: Decimal):
    return int(d) if d == d.to_integral() else float(d)


def parse_curve(kind: str, text: str, where: str) -> dict:
    curve: dict = {}
    steps: list[list] = []
    for raw in re.split(r"[;；,，\n]+", text or ""):
        part = raw.strip()
        if not part:
            continue
        if part == "越低越好":
            curve["lower_is_better"] = True
            continue
        m = re.fullmatch(r"无数据\s*[:：]\s*(\S+)", part)
        if m:
            curve["missing"] = _json_number(_decimal(m.group(1), where))
            continue
        if kind == CurveKind.LINEAR:
            m = re.fullmatch(r"(\S+?)\s*[~～]\s*(\S+)", part)
            if not m:
                raise ValidationError(f"{where}：线性计分写作“零分值~满分值”，如 0~40")
            curve["zero"] = _json_number(_decimal(m.group(1), where))
            curve["full"] = _json_number(_decimal(m.group(2), where))
            continue
        m = re.fullmatch(r"(\S+?)\s*[:：]\s*(\S+)", part)
        if not m:
            raise ValidationError(f"{where}：分档计分写作“值:分”，以分号分隔，如 3:1; 5:2; 8:3")
        steps.append([_json_number(_decimal(m.group(1), where)), _json_number(_decimal(m.group(2), where))])
    if kind == CurveKind.THRESHOLDS:
        curve["steps"] = steps
    return curve


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def parse(uploaded) -> dict:
    """The structure of an uploaded 细则表; ValidationError naming the row and column."""
    from openpyxl import load_workbook

    if not uploaded.name.lower().endswith(".xlsx"):
        raise ValidationError("细则表须为 Excel（.xlsx）文件：请先下载细则表，修改后上传")
    try:
        wb = load_workbook(uploaded, read_only=True, data_only=True)
    except Exception as exc:
        raise ValidationError("无法读取细则表，请确认是 .xlsx 格式") from exc
    ws = wb[SHEET_TITLE] if SHEET_TITLE in wb.sheetnames else wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    header = [_text(h) for h in next(rows, ())]
    missing = [h for h in HEADERS if h not in header]
    if missing:
        raise ValidationError(f"细则表缺少列：{'、'.join(missing)}（请使用下载的细则表）")
    col = {h: header.index(h) for h in HEADERS}
    dimensions: list[dict] = []
    vetoes: list[dict] = []
    errors: list[str] = []
    current: dict | None = None
    for line, values in enumerate(rows, start=2):
        cells = {h: _text(values[i]) if i < len(values) else "" for h, i in col.items()}
        if not any(cells.values()):
            continue

        def where(column: str) -> str:
            return f"第 {line} 行「{column}」"  # noqa: B023 — used inside this iteration only

        try:
            method = _METHOD_OF.get(cells["计分方式"] or "评审打分")
            if method is None:
                raise ValidationError(f"{where('计分方式')}：应为 评审打分、客观指标 或 一票否决")
            item: dict = {"code": cells["编号"], "name": cells["评定内容"]}
            if cells["评分说明"]:
                item["guidance"] = cells["评分说明"]
            if method == ItemMethod.VETO:
                vetoes.append(item)
                continue
            if cells["维度"]:
                if current is None or cells["维度"] != current["name"]:
                    current = {"name": cells["维度"], "max_points": None, "items": []}
                    dimensions.append(current)
            elif current is None:
                raise ValidationError(f"{where('维度')}：第一条细则须写明所属维度")
            if cells["维度满分"]:
                points = _decimal(cells["维度满分"], where("维度满分"))
                if current["max_points"] is not None and points != current["max_points"]:
                    raise ValidationError(
                        f"{where('维度满分')}：维度“{current['name']}”的满分前后不一致"
                        f"（{_num(current['max_points'])} 与 {_num(points)}）"
                    )
                current["max_points"] = points
            item["method"] = method
            item["max_points"] = str(_decimal(cells["满分"] or "0", where("满分")))
            if method == ItemMethod.OBJECTIVE:
                indicator = _INDICATOR_OF.get(cells["指标"])
                if indicator is None:
                    raise ValidationError(f"{where('指标')}：“{cells['指标']}”不是平台可计算的指标")
                kind = _CURVE_OF.get(cells["计分曲线"])
                if kind is None:
                    raise ValidationError(f"{where('计分曲线')}：应为 分档计分 或 线性计分")
                item.update(
                    indicator=indicator,
                    curve_kind=kind,
                    curve=parse_curve(kind, cells["曲线参数"], where("曲线参数")),
                )
            current["items"].append(item)
        except ValidationError as exc:
            errors.extend(exc.messages)
    for dim in dimensions:
        if dim["max_points"] is None:
            errors.append(f"维度“{dim['name']}”没有填写维度满分")
        else:
            dim["max_points"] = str(dim["max_points"])
    if errors:
        raise ValidationError(errors)
    if not dimensions:
        raise ValidationError("细则表没有任何细则")
    return {"dimensions": dimensions, "vetoes": vetoes}
