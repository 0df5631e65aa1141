"""Scheme validation: totals add up, cut-offs strictly increasing, vetoes carry no points,
documents are PDF/images, a scheme in use is never edited (a new version instead)."""

from __future__ import annotations

import copy
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.core.errors import DomainError, ForbiddenError
from apps.ratings.models import RatingScheme, SchemeItem
from apps.ratings.services import scheme_new_version, scheme_update

from .helpers import STRUCTURE, items, make_scheme, open_round, pdf_upload

pytestmark = pytest.mark.django_db


def test_a_valid_scheme_has_its_tree_and_stars(world):
    scheme = make_scheme(actor=world.users["city"], source_document=pdf_upload("办法.pdf"))
    assert scheme.dimensions.count() == 2 and scheme.items.count() == 5
    assert items(scheme)["V1"].is_veto and items(scheme)["V1"].max_points == 0
    assert [scheme.stars_for(Decimal(x)) for x in ("9.9", "10", "13.5", "18", "20")] == [None, 1, 2, 5, 5]


def _err(exc) -> str:
    return " ".join(m for ms in exc.value.message_dict.values() for m in ms)


def test_items_must_add_up_to_the_dimension(world):
    bad = copy.deepcopy(STRUCTURE)
    bad["dimensions"][0]["items"][0]["max_points"] = 7
    with pytest.raises(ValidationError) as exc:
        make_scheme(structure=bad)
    assert "党建引领" in _err(exc) and "不一致" in _err(exc)
    assert not RatingScheme.objects.filter(is_legacy=False).exists() and not SchemeItem.objects.exists()


def test_dimensions_must_add_up_to_the_total(world):
    with pytest.raises(ValidationError) as exc:
        make_scheme(total_points=Decimal("25"), star_cutoffs=[10, 12, 14, 16, 18])
    assert "总分" in _err(exc)
    assert not RatingScheme.objects.filter(is_legacy=False).exists()


def test_cutoffs_strictly_increasing(world):
    with pytest.raises(ValidationError) as exc:
        make_scheme(star_cutoffs=[10, 12, 12, 16, 18])
    assert "严格递增" in _err(exc)
    with pytest.raises(ValidationError):
        make_scheme(star_cutoffs=[10, 12, 14, 16, 30])  # above the total


def test_a_veto_item_has_no_points(world):
    bad = copy.deepcopy(STRUCTURE)
    bad["vetoes"] = [{"code": "V1", "name": "事故", "max_points": 2}]
    with pytest.raises(ValidationError) as exc:
        make_scheme(structure=bad)
    assert "一票否决项不计分" in _err(exc)


def test_item_points_over_its_curve_and_missing_curve(world):
    bad = copy.deepcopy(STRUCTURE)
    bad["dimensions"][0]["items"][1]["curve"] = {"steps": [[100, 9]]}
    with pytest.raises(ValidationError) as exc:
        make_scheme(structure=bad)
    assert "A2" in _err(exc) and "超过本项满分" in _err(exc)
    bad["dimensions"][0]["items"][1].pop("curve_kind")
    with pytest.raises(ValidationError):
        make_scheme(structure=bad)


def test_source_document_must_be_pdf_or_image(world):
    fake = SimpleUploadedFile("办法.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError) as exc:
        make_scheme(source_document=fake)
    assert "PDF" in _err(exc)
    with pytest.raises(ValidationError):
        make_scheme(source_document=SimpleUploadedFile("办法.docx", b"PK\x03\x04"))
    assert not RatingScheme.objects.filter(is_legacy=False).exists()


def test_only_the_city_in_its_jurisdiction_creates_schemes(world):
    with pytest.raises(ForbiddenError):
        make_scheme(actor=world.users["company"])
    with pytest.raises(ForbiddenError):
        make_scheme(actor=world.users["heze_city"])


def test_a_scheme_in_use_is_never_edited_but_versioned(world):
    scheme = make_scheme()
    scheme_update(
        scheme=scheme, data={"title": "测试评定办法"}, structure=STRUCTURE, actor=None
    )  # not in use yet
    open_round(scheme)
    with pytest.raises(DomainError) as exc:
        scheme_update(scheme=scheme, data={}, structure=STRUCTURE, actor=None)
    assert "新版本" in exc.value.message
    new = scheme_new_version(
        scheme=scheme, actor=world.users["city"], data={"star_cutoffs": [9, 11, 13, 15, 17]}
    )
    assert (new.version, new.previous_id, new.star_cutoffs) == (2, scheme.pk, [9, 11, 13, 15, 17])
    assert new.items.count() == scheme.items.count()
    scheme.refresh_from_db()
    assert scheme.star_cutoffs == [10, 12, 14, 16, 18]
