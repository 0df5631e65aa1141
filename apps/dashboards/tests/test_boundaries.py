"""`manage.py load_boundaries`: a GeoJSON file of region outlines, checked feature by feature,
loaded all or nothing with its source and licence, and audited. The GeoJSON is made up here —
squares around made-up centres, not real boundaries (the platform ships none)."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from apps.core.models import Event
from apps.dashboards.geojson import normalise_code
from apps.dashboards.models import RegionBoundary
from apps.dashboards.services import boundaries_load

LINYI_COUNTIES = ["371302", "371311", "371312"]


def square(lon: float, lat: float, size: float = 0.1) -> dict:
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


def feature(code, geometry=None, prop="code", **props) -> dict:
    return {
        "type": "Feature",
        "properties": {prop: code, **props},
        "geometry": geometry if geometry is not None else square(118.3, 35.0),
    }


def collection(*features) -> dict:
    return {"type": "FeatureCollection", "features": list(features)}


def load(data, **kwargs):
    kwargs.setdefault("source", "测试用合成数据")
    kwargs.setdefault("licence", "CC0")
    return boundaries_load(data=data, actor=None, **kwargs)


def test_loads_polygons_and_multipolygons_with_source_and_licence(db):
    multi = {
        "type": "MultiPolygon",
        "coordinates": [square(118.0, 35.0)["coordinates"], square(118.5, 35.2)["coordinates"]],
    }
    report = load(
        collection(
            feature("371302", square(118.3, 35.1)),
            feature("371311", multi),
            feature("371312", square(118.5, 35.0)),
        ),
        file_name="linyi.geojson",
    )
    assert report.ok and (report.created, report.updated) == (3, 0)
    boundary = RegionBoundary.objects.get(region_id="371311")
    assert boundary.geometry["type"] == "MultiPolygon"
    assert (boundary.source, boundary.licence, boundary.file_name) == (
        "测试用合成数据",
        "CC0",
        "linyi.geojson",
    )
    event = Event.objects.get(verb="regionboundary.import")
    assert event.changes["regions"] == LINYI_COUNTIES and event.changes["licence"] == "CC0"


def test_a_second_load_replaces_the_outline(db):
    load(collection(feature("371311", square(118.0, 35.0))))
    report = load(collection(feature("371311", square(118.2, 35.0))), source="第二版")
    assert (report.created, report.updated) == (0, 1)
    boundary = RegionBoundary.objects.get(region_id="371311")
    assert boundary.geometry["coordinates"][0][0] == [118.2, 35.0] and boundary.source == "第二版"


def test_every_bad_feature_is_reported_and_nothing_is_loaded(db):
    open_ring = {"type": "Polygon", "coordinates": [[[118, 35], [118.1, 35], [118.1, 35.1], [118, 35.1]]]}
    report = load(
        collection(
            feature("371302"),  # good, but the file has errors: not loaded either
            feature("999999"),
            feature("37131"),
            feature("371302"),
            feature("371312", {"type": "Point", "coordinates": [118, 35]}),
            feature("371321", square(218.0, 35.0)),
            feature("371322", open_ring),
            {"type": "Feature", "properties": {}, "geometry": square(118, 35)},
            "not a feature",
        )
    )
    assert not report.ok
    messages = [str(e) for e in report.errors]
    assert messages == [
        "第2个要素（999999）：区划代码 999999 不在平台的行政区划中",
        "第3个要素（37131）：区划代码“37131”应为6、9或12位数字",
        "第4个要素（371302）：区划代码 371302 与第1个要素重复",
        "第5个要素（371312）：几何类型“Point”不支持，应为 Polygon 或 MultiPolygon",
        "第6个要素（371321）：坐标 [218.0, 35.0] 超出经纬度范围（应为 WGS84 经纬度）",
        "第7个要素（371322）：多边形的环未闭合（首尾坐标应相同）",
        "第8个要素：缺少区划代码属性“code”",
        "第9个要素：应为 Feature 对象",
    ]
    assert not RegionBoundary.objects.exists()
    assert not Event.objects.filter(verb="regionboundary.import").exists()


@pytest.mark.parametrize(
    "data,message",
    [
        ({"type": "Feature"}, "文件：应为 GeoJSON FeatureCollection（type 为 FeatureCollection）"),
        ({"type": "FeatureCollection", "features": []}, "文件：features 应为非空数组"),
        ([], "文件：应为 GeoJSON FeatureCollection（type 为 FeatureCollection）"),
    ],
)
def test_a_file_that_is_not_a_feature_collection(db, data, message):
    report = load(data)
    assert [str(e) for e in report.errors] == [message]


def test_source_and_licence_are_required(db):
    report = load(collection(feature("371311")), source=" ", licence="")
    assert [str(e) for e in report.errors] == [
        "文件：请说明边界数据的来源（--source）",
        "文件：请说明边界数据的许可协议（--licence），无明确许可的数据不应导入",
    ]
    assert not RegionBoundary.objects.exists()


def test_codes_in_other_shapes_match_regions(db):
    assert normalise_code(371311) == "371311"  # a numeric adcode
    assert normalise_code("371311000000") == "371311"  # NBS prints 12 digits
    assert normalise_code("371311003000") == "371311003"
    assert normalise_code("371311003003") == "371311003003"
    assert normalise_code(True) is None and normalise_code("3713a1") is None
    report = load(
        collection(feature(371311, prop="adcode"), feature("371311003000", prop="adcode")),
        code_property="adcode",
    )
    assert report.ok
    assert set(RegionBoundary.objects.values_list("region_id", flat=True)) == {"371311", "371311003"}


def test_the_command_loads_a_file_and_refuses_a_bad_one(db, tmp_path, capsys):
    good = tmp_path / "counties.geojson"
    good.write_text(
        json.dumps(collection(*(feature(c) for c in LINYI_COUNTIES)), ensure_ascii=False), encoding="utf-8"
    )
    call_command("load_boundaries", str(good), "--source", "合成", "--licence", "CC0")
    assert "新增 3" in capsys.readouterr().out
    assert RegionBoundary.objects.count() == 3

    bad = tmp_path / "bad.geojson"
    bad.write_text(
        json.dumps(collection(feature("371302", square(118.0, 35.0)), feature("999999"))), encoding="utf-8"
    )
    with pytest.raises(CommandError, match="共 1 处错误，未导入任何数据"):
        call_command("load_boundaries", str(bad), "--source", "合成", "--licence", "CC0")
    assert "第2个要素（999999）" in capsys.readouterr().err
    assert RegionBoundary.objects.get(region_id="371302").geometry == square(118.3, 35.0)  # unchanged

    broken = tmp_path / "broken.geojson"
    broken.write_text('{"type": "FeatureCollection",', encoding="utf-8")
    with pytest.raises(CommandError, match="不是有效的 JSON"):
        call_command("load_boundaries", str(broken), "--source", "合成", "--licence", "CC0")
    with pytest.raises(CommandError, match="文件不存在"):
        call_command(
            "load_boundaries", str(tmp_path / "missing.geojson"), "--source", "合成", "--licence", "CC0"
        )
