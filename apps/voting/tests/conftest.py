import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone

from apps.voting.testing import build_roll

# 盛庄花园 already holds one unit of 89.50 m² (罗庄业主甲, no account) from the persona world.
SPEC = [
    ("201", ["张三"], "100", None, None),
    ("202", ["张三"], "50", None, None),  # one buyer of two units
    ("203", ["李四", "王五"], "100", None, None),  # co-owners
    ("204", ["赵六"], None, None, "120.50"),  # contract area only
    ("205", ["孙七"], None, "90", "95"),  # surveyed beats contract
    ("301", ["开发商"], "80", None, None, True),  # developer's unsold units
    ("302", ["开发商"], "80", None, None, True),
]


@pytest.fixture
def roll(world):
    return build_roll(world.compound, SPEC)


@pytest.fixture
def no_advance_notice():
    with override_settings(
        VOTING_RULES_DEFAULT={
            "proxy_limit": 1,
            "advance_notice_days": 0,
            "publish_within_days": 3,
            "notice_period_days": 15,
            "retention_years": 10,
        }
    ):
        yield


def scan(name="scan.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 test", content_type="application/pdf")


@pytest.fixture
def open_decision(world, roll, users, no_advance_notice):
    from apps.voting.services import decision_create, decision_open

    now = timezone.now()
    d = decision_create(
        actor=users["committee"],
        data={
            "compound": world.compound,
            "title": "使用维修资金更换电梯",
            "form": "internet",
            "opens_at": now,
            "closes_at": now + datetime.timedelta(days=7),
            "organiser": world.committee,
        },
        matters=[{"number": 5, "title": "使用维修资金更换3号楼电梯"}, {"number": 6, "title": "续筹维修资金"}],
    )
    return decision_open(decision=d, actor=users["committee"])


@pytest.fixture
def world(world):
    """The persona world with a decision on each side (until core's build_world runs the
    contribution's world builders itself)."""
    from apps.voting.testing import world_objects

    if "decision" not in world.own:
        world_objects(world)
    return world
