"""The space ledger: bad input refused with the field named and nothing saved; documents PDF/image
only; pages and API scoped; the norms page and the region's shortfall export."""

import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.spaces import services
from apps.spaces.models import PublicSpace, SpaceDocument

pytestmark = pytest.mark.django_db


def data(compound, **kw):
    return {
        "compound": compound,
        "kind": "property_service",
        "name": "物业服务中心",
        "floor": 1,
        "floor_area": Decimal("120"),
        "clear_height": Decimal("3"),
        **kw,
    }


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("floor_area", Decimal("0"), "面积必须大于0"),
        ("floor_area", Decimal("-5"), "面积必须大于0"),
        ("clear_height", Decimal("-0.01"), "层高不能小于0"),
    ],
)
def test_bad_area_or_height_refused_nothing_saved(world, field, value, message):
    before = PublicSpace.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.space_create(actor=world.users["county"], data=data(world.compound, **{field: value}))
    assert message in " ".join(exc.value.message_dict[field])
    assert PublicSpace.objects.count() == before


def test_zero_height_is_allowed_but_does_not_count(world):
    s = services.space_create(actor=None, data=data(world.compound, clear_height=Decimal("0")))
    assert s.pk


def test_occupied_needs_occupant_and_since(world):
    with pytest.raises(ValidationError) as exc:
        services.space_create(actor=None, data=data(world.compound, status="occupied"))
    assert {"occupant_name", "occupied_since"} <= set(exc.value.message_dict)


def test_converted_needs_assembly_decision(world):
    with pytest.raises(ValidationError) as exc:
        services.space_create(actor=None, data=data(world.compound, status="converted"))
    assert "业主大会" in exc.value.message_dict["converted_decision"][0]


def test_outside_scope_refused(world):
    from apps.core.errors import ForbiddenError

    with pytest.raises(ForbiddenError):
        services.space_create(actor=world.users["other_county"], data=data(world.compound))
    with pytest.raises(ForbiddenError):
        services.space_create(actor=world.users["resident"], data=data(world.compound))


def png_bytes():
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buf, "PNG")
    return buf.getvalue()


@pytest.mark.parametrize(
    "name,content,ok",
    [
        ("规划许可.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF", True),
        ("移交记录.png", None, True),
        ("伪装.pdf", b"MZ\x90\x00 this is an exe", False),
        ("说明.docx", b"PK\x03\x04 word", False),
    ],
)
def test_documents_pdf_or_image_only(sworld, name, content, ok, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    space = sworld.own["publicspace"]
    upload = SimpleUploadedFile(name, content if content is not None else png_bytes())
    if ok:
        doc = services.document_add(
            actor=sworld.users["county"], space=space, kind="planning", title=name, upload=upload
        )
        assert doc.pk
    else:
        with pytest.raises(ValidationError) as exc:
            services.document_add(
                actor=sworld.users["county"], space=space, kind="planning", title=name, upload=upload
            )
        assert "不是PDF或图片" in exc.value.message_dict["file"][0]
        assert not SpaceDocument.objects.exists()


def test_document_page_shows_field_error(sworld, client_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    space = sworld.own["publicspace"]
    c = client_for("county")
    r = c.post(
        f"/spaces/{space.pk}/documents/new/",
        {"kind": "planning", "title": "x", "file": SimpleUploadedFile("x.pdf", b"not a pdf")},
    )
    assert r.status_code == 400 and "不是PDF或图片" in r.content.decode()
    assert not SpaceDocument.objects.exists()


def test_space_form_error_names_field(world, client_for):
    before = PublicSpace.objects.count()
    r = client_for("county").post(
        "/spaces/new/",
        {
            "compound": world.compound.pk,
            "kind": "property_service",
            "name": "x",
            "room_type": "room",
            "floor": 1,
            "above_ground": "on",
            "floor_area": "0",
            "clear_height": "3",
            "status": "as_intended",
        },
    )
    assert r.status_code == 400
    assert "建筑面积（㎡）：面积必须大于0" in r.content.decode()
    assert PublicSpace.objects.count() == before


def test_ledger_list_scoped_and_query_bounded(sworld, client_for, django_assert_max_num_queries):
    c = client_for("county")
    with django_assert_max_num_queries(15):
        r = c.get("/spaces/")
    html = r.content.decode()
    assert "罗庄物业服务中心" in html and "兰山物业服务中心" not in html
    assert client_for("other_county").get(f"/spaces/{sworld.own['publicspace'].pk}/").status_code == 404
    assert client_for("outsider").get("/spaces/").status_code == 403


def test_compound_norms_page(sworld, client_for):
    r = client_for("community").get(f"/spaces/compounds/{sworld.compound.pk}/")
    html = r.content.decode()
    # 36,000 m² → 108 m² needed; 120 m² registered.
    assert r.status_code == 200 and "108.00" in html and "缺 20.00㎡" in html  # no committee office
    assert client_for("other_county").get(f"/spaces/compounds/{sworld.compound.pk}/").status_code == 404


def test_shortfall_list_and_export(sworld, client_for):
    c = client_for("city")
    r = c.get("/spaces/norms/")
    assert r.status_code == 200 and "盛庄花园" in r.content.decode() and "十里堡小区" in r.content.decode()
    r = c.get("/spaces/norms/?region=371311")  # 罗庄区 only
    assert "盛庄花园" in r.content.decode() and "十里堡小区" not in r.content.decode()
    assert "十里堡小区" not in client_for("county").get("/spaces/norms/").content.decode()
    x = client_for("city").get("/spaces/norms/?region=371311&export=xlsx")
    assert x.status_code == 200
    assert x["Content-Type"].startswith("application/vnd.openxmlformats")
    assert client_for("outsider").get("/spaces/norms/").status_code == 403


def test_api_spaces_and_norms(sworld, api_get, django_assert_max_num_queries):
    own = sworld.own["publicspace"].pk
    api_get("/api/v1/spaces/rooms", as_="county")  # makes the key
    with django_assert_max_num_queries(8):
        r = api_get("/api/v1/spaces/spaces", as_="county")
    assert [row["id"] for row in r.json()["results"]] == [own]
    assert api_get(f"/api/v1/spaces/spaces/{own}", as_="other_county").status_code == 404
    n = api_get("/api/v1/spaces/norms", as_="county", missed_only=True).json()
    assert n["count"] == 1
    result = {x["code"]: x for x in n["results"][0]["results"]}
    assert result["property_area"]["met"] is True and result["committee_office"]["gap"] == "20.00"
    assert api_get("/api/v1/spaces/norms", as_="heze_city").json()["count"] == 0


def test_openapi_lists_spaces_paths(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for p in (
        "/api/v1/spaces/spaces",
        "/api/v1/spaces/norms",
        "/api/v1/spaces/recoveries",
        "/api/v1/spaces/rooms/{room_id}/availability",
        "/api/v1/spaces/bookings",
    ):
        assert p in paths


def test_home_tiles(sworld):
    from apps.spaces.selectors import home_tiles

    labels = {t["label"]: t for t in home_tiles(sworld.users["county"])}
    assert labels["公共用房配置未达标小区"]["value"] == 1
    assert home_tiles(sworld.users["outsider"]) == []
    assert home_tiles(sworld.users["heze_city"]) == []
