"""Builders for the ratings tests: everything through the services."""

from __future__ import annotations

import datetime
from decimal import Decimal

from apps.ratings.choices import CurveKind, Indicator, ItemMethod, SubjectKind

YEAR = 2025
STRUCTURE = {
    "dimensions": [
        {
            "name": "党建引领",
            "max_points": 10,
            "items": [
                {"code": "A1", "name": "组织生活规范", "method": ItemMethod.ASSESSOR, "max_points": 6},
                {
                    "code": "A2",
                    "name": "服务小区建立党支部",
                    "method": ItemMethod.OBJECTIVE,
                    "max_points": 4,
                    "indicator": Indicator.BRANCH_PRESENT,
                    "curve_kind": CurveKind.THRESHOLDS,
                    "curve": {"steps": [[50, 2], [100, 4]]},
                },
            ],
        },
        {
            "name": "服务质量",
            "max_points": 10,
            "items": [
                {
                    "code": "C1",
                    "name": "每千户投诉量",
                    "method": ItemMethod.OBJECTIVE,
                    "max_points": 6,
                    "indicator": Indicator.COMPLAINTS_PER_1000,
                    "curve_kind": CurveKind.LINEAR,
                    "curve": {"zero": 100, "full": 0},
                },
                {"code": "C2", "name": "现场检查", "method": ItemMethod.ASSESSOR, "max_points": 4},
            ],
        },
    ],
    "vetoes": [{"code": "V1", "name": "重大安全责任事故"}],
}
CUTOFFS = [10, 12, 14, 16, 18]


def linyi():
    from apps.regions.models import Region

    return Region.objects.get(pk="371300")


def make_scheme(*, actor=None, structure=None, **data):
    from apps.ratings.services import scheme_create

    base = {
        "jurisdiction": linyi(),
        "subject_kind": SubjectKind.COMPANY_ORG,
        "title": "测试评定办法",
        "effective_from": datetime.date(2024, 1, 1),
        "total_points": Decimal("20"),
        "star_cutoffs": CUTOFFS,
    }
    base.update(data)
    return scheme_create(data=base, structure=structure or STRUCTURE, actor=actor)


def open_round(scheme, *, actor=None, year=YEAR):
    from apps.ratings.services import round_open

    return round_open(
        scheme=scheme,
        region=linyi(),
        year=year,
        period_start=datetime.date(year, 1, 1),
        period_end=datetime.date(year, 11, 30),
        self_assess_due=datetime.date(year, 12, 5),
        review_due=datetime.date(year, 12, 12),
        actor=actor,
    )


def items(scheme) -> dict:
    return {i.code: i for i in scheme.items.all()}


def entry_of(rnd, party_org):
    return rnd.entries.get(party_org=party_org)


def self_assess(entry, actor, a1=5, c2=3):
    from apps.ratings.services import entry_self_assess

    it = items(entry.scheme)
    return entry_self_assess(
        entry=entry,
        scores={
            it["A1"].pk: {"points": a1, "note": "台账齐全"},
            it["C2"].pk: {"points": c2, "note": "现场照片"},
        },
        actor=actor,
    )


def review(entry, actor, a1=5, c2=3, **extra):
    from apps.ratings.services import entry_review

    it = items(entry.scheme)
    reviews = {it["A1"].pk: {"points": a1, "comment": "属实"}, it["C2"].pk: {"points": c2}}
    for code, data in extra.items():
        reviews[it[code].pk] = data
    return entry_review(entry=entry, reviews=reviews, actor=actor)


def through_review(world, rnd, org, **kw):
    from apps.ratings.services import entry_approve

    e = self_assess(entry_of(rnd, org), world.users["company"])
    e = review(e, world.users["county"], **kw)
    return entry_approve(entry=e, actor=world.users["city"])


def pdf_upload(name="evidence.pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, b"%PDF-1.4\n%test\n", content_type="application/pdf")
