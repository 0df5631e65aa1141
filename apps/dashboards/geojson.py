"""Checking a GeoJSON FeatureCollection of region boundaries before anything is loaded.

Pure functions: `parse_boundaries(data, code_property=...)` returns the rows to load and every
problem, one per feature ("第3个要素（371311）：…"), so the operator can fix the file in one go.
Features are matched to regions by an NBS code property: 6 digits (county and above, also the
GB/T 2260 `adcode` many files carry), 9 (street) or 12 (community; a 12-digit county or street
code padded with zeros, as NBS prints them, is accepted and shortened).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

MAX_ERRORS = 500


@dataclass
class FeatureError:
    index: int  # 1-based position in the file's features; 0 = the file itself
    code: str
    message: str

    def __str__(self):
        if self.index == 0:
            return f"文件：{self.message}"
        where = f"第{self.index}个要素" + (f"（{self.code}）" if self.code else "")
        return f"{where}：{self.message}"


def normalise_code(value) -> str | None:
    """An NBS region code as stored (6/9/12 digits), or None when the value is not one."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        value = str(value)
    if not isinstance(value, str):
        return None
    code = value.strip()
    if not code.isdigit() or len(code) not in (6, 9, 12):
        return None
    if len(code) == 12 and code.endswith("000000"):
        return code[:6]
    if len(code) == 12 and code.endswith("000"):
        return code[:9]
    return code


def _position_problem(position) -> str | None:
    if not isinstance(position, list) or len(position) < 2:
        return "坐标点应为 [经度, 纬度]"
    lon, lat = position[0], position[1]
    for value in (lon, lat):
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            return "坐标应为数字"
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        return f"坐标 [{lon}, {lat}] 超出经纬度范围（应为 WGS84 经纬度）"
    return None


def _polygon_problem(rings) -> str | None:
    if not isinstance(rings, list) or not rings:
        return "多边形至少应有一个环"
    for ring in rings:
        if not isinstance(ring, list) or len(ring) < 4:
            return "多边形的每个环至少应有4个坐标点"
        for position in ring:
            problem = _position_problem(position)
            if problem:
                return problem
        if ring[0][:2] != ring[-1][:2]:
            return "多边形的环未闭合（首尾坐标应相同）"
    return None


def geometry_problem(geometry) -> str | None:
    """Why a geometry cannot outline a region (Polygon or MultiPolygon only), or None."""
    if not isinstance(geometry, dict):
        return "缺少几何（geometry）"
    kind, coordinates = geometry.get("type"), geometry.get("coordinates")
    if kind == "Polygon":
        return _polygon_problem(coordinates)
    if kind == "MultiPolygon":
        if not isinstance(coordinates, list) or not coordinates:
            return "MultiPolygon 至少应有一个多边形"
        for polygon in coordinates:
            problem = _polygon_problem(polygon)
            if problem:
                return problem
        return None
    return f"几何类型“{kind}”不支持，应为 Polygon 或 MultiPolygon"


def parse_boundaries(
    data, *, code_property: str, known_codes: set[str]
) -> tuple[list[dict], list[FeatureError]]:
    """The boundaries of a FeatureCollection as rows {region_id, geometry}, and every problem."""
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        return [], [FeatureError(0, "", "应为 GeoJSON FeatureCollection（type 为 FeatureCollection）")]
    features = data.get("features")
    if not isinstance(features, list) or not features:
        return [], [FeatureError(0, "", "features 应为非空数组")]
    rows, errors, seen = [], [], {}
    for index, feature in enumerate(features, start=1):
        if len(errors) >= MAX_ERRORS:
            break
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            errors.append(FeatureError(index, "", "应为 Feature 对象"))
            continue
        properties = feature.get("properties")
        raw = properties.get(code_property) if isinstance(properties, dict) else None
        code = normalise_code(raw)
        problems = []
        if raw is None:
            problems.append(f"缺少区划代码属性“{code_property}”")
        elif code is None:
            problems.append(f"区划代码“{raw}”应为6、9或12位数字")
        elif code not in known_codes:
            problems.append(f"区划代码 {code} 不在平台的行政区划中")
        elif code in seen:
            problems.append(f"区划代码 {code} 与第{seen[code]}个要素重复")
        problem = geometry_problem(feature.get("geometry"))
        if problem:
            problems.append(problem)
        if problems:
            errors.append(
                FeatureError(index, code or (str(raw) if raw is not None else ""), "；".join(problems))
            )
            continue
        seen[code] = index
        geometry = feature["geometry"]
        rows.append(
            {
                "region_id": code,
                "geometry": {"type": geometry["type"], "coordinates": geometry["coordinates"]},
            }
        )
    return rows, errors
