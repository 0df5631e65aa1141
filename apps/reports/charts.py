"""Charts drawn on the server as SVG (no browser, no network): grouped vertical bars and
horizontal bars, from a report section's chart data. WeasyPrint renders the SVG into the PDF
with the same CJK font as the text."""

from __future__ import annotations

from xml.sax.saxutils import escape

FONT = "Noto Sans CJK SC, Noto Sans SC, sans-serif"
COLOURS = ("#9aa7b8", "#c0392b", "#2e86c1", "#27ae60", "#8e44ad")


def _num(value) -> float:
    return float(value) if isinstance(value, int | float) else 0.0


def _label(value, unit: str) -> str:
    if value is None:
        return "—"
    text = f"{value:g}" if isinstance(value, float) else str(value)
    return f"{text}{unit}" if unit == "%" else text


def _top(chart: dict) -> float:
    values = [_num(v) for s in chart["series"] for v in s["values"]]
    peak = max(values, default=0) or 1
    return float(chart.get("max") or 0) if chart.get("max") and peak <= chart["max"] else peak * 1.1


def svg(chart: dict, *, width: int = 680) -> str:
    """The chart as an SVG document (a string), sized for an A4 page."""
    if chart.get("horizontal"):
        return _horizontal(chart, width=width)
    return _vertical(chart, width=width)


def _legend(series: list[dict], x: float, y: float) -> list[str]:
    out = []
    for i, s in enumerate(series):
        colour = COLOURS[(i + (1 if len(series) == 1 else 0)) % len(COLOURS)]
        out.append(f'<rect x="{x:.1f}" y="{y - 9:.1f}" width="10" height="10" fill="{colour}"/>')
        out.append(f'<text x="{x + 14:.1f}" y="{y:.1f}" font-size="11">{escape(s["name"])}</text>')
        x += 28 + 12 * len(s["name"])
    return out


def _vertical(chart: dict, *, width: int) -> str:
    labels, series, unit = chart["labels"], chart["series"], chart.get("unit", "")
    height, left, right, top, bottom = 260, 44, 12, 34, 58
    plot_w, plot_h = width - left - right, height - top - bottom
    top_value = _top(chart)
    n = max(1, len(labels))
    slot = plot_w / n
    bar = min(40.0, slot * 0.8 / max(1, len(series)))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="{FONT}">',
        f'<text x="{left}" y="16" font-size="13" font-weight="bold">{escape(chart.get("title", ""))}</text>',
    ]
    parts += _legend(series, width - right - 60 * len(series), 16)
    for k in range(5):
        value = top_value * k / 4
        y = top + plot_h - plot_h * k / 4
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#e3e6ea"/>')
        parts.append(
            f'<text x="{left - 4}" y="{y + 4:.1f}" font-size="10" text-anchor="end" fill="#666">{value:.0f}</text>'
        )
    for i, label in enumerate(labels):
        x0 = left + slot * i + (slot - bar * len(series)) / 2
        for j, s in enumerate(series):
            value = s["values"][i] if i < len(s["values"]) else None
            h = plot_h * _num(value) / top_value if top_value else 0
            colour = COLOURS[(j + (1 if len(series) == 1 else 0)) % len(COLOURS)]
            x = x0 + bar * j
            parts.append(
                f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{bar - 2:.1f}" height="{h:.1f}" fill="{colour}"/>'
            )
            parts.append(
                f'<text x="{x + bar / 2 - 1:.1f}" y="{top + plot_h - h - 3:.1f}" font-size="9" '
                f'text-anchor="middle">{escape(_label(value, unit))}</text>'
            )
        text = label if len(label) <= 14 else label[:13] + "…"
        cx = left + slot * i + slot / 2
        parts.append(
            f'<text x="{cx:.1f}" y="{top + plot_h + 16}" font-size="10" text-anchor="middle">{escape(text)}</text>'
        )
    parts.append(
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}" stroke="#999"/>'
    )
    parts.append("</svg>")
    return "".join(parts)


def _horizontal(chart: dict, *, width: int) -> str:
    labels, series, unit = chart["labels"], chart["series"], chart.get("unit", "")
    values = series[0]["values"] if series else []
    row, left, right, top = 18, 130, 50, 28
    height = top + row * max(1, len(labels)) + 10
    top_value = _top(chart)
    plot_w = width - left - right
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="{FONT}">',
        f'<text x="0" y="16" font-size="13" font-weight="bold">{escape(chart.get("title", ""))}</text>',
    ]
    for i, label in enumerate(labels):
        value = values[i] if i < len(values) else None
        y = top + row * i
        w = plot_w * _num(value) / top_value if top_value else 0
        text = label if len(label) <= 10 else label[:9] + "…"
        parts.append(
            f'<text x="{left - 6}" y="{y + 12}" font-size="10" text-anchor="end">{escape(text)}</text>'
        )
        parts.append(f'<rect x="{left}" y="{y + 2}" width="{w:.1f}" height="{row - 5}" fill="{COLOURS[2]}"/>')
        parts.append(
            f'<text x="{left + w + 4:.1f}" y="{y + 12}" font-size="9">{escape(_label(value, unit))}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def with_charts(sections: list[dict]) -> list[dict]:
    """The sections, each with its chart drawn (`chart_svg`, safe: every text in it is escaped)."""
    from django.utils.safestring import mark_safe

    out = []
    for section in sections:
        chart = section.get("chart")
        drawn = mark_safe(svg(chart)) if chart and chart.get("labels") else ""
        out.append({**section, "chart_svg": drawn})
    return out
