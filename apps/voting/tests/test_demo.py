"""The demo step, run on small rolls: one passed, one failed on quorum, one failing at 3/4."""

import random

from django.utils import timezone

from apps.voting import demo
from apps.voting.models import Decision
from apps.voting.selectors import decision_verify
from apps.voting.testing import build_roll


def test_demo_decisions(world, monkeypatch):
    from apps.registry.services import compound_create

    compounds = {}
    for name in (demo.WANTONG_COMPOUND, demo.YIMENG_COMPOUND, demo.GANGWAN_COMPOUND):
        c = compound_create(
            actor=None,
            data={
                "name": name,
                "community": world.compound.community,
                "households": 30,
                "total_floor_area": "3000",
                "year_built": 2010,
                "is_generated": True,
            },
        )
        spec = [(f"{i:03d}", [f"{name}业主{i}"], str(80 + i), None, None) for i in range(1, 31)]
        if name == demo.GANGWAN_COMPOUND:
            spec += [
                ("D01", ["开发商"], "100", None, None, True),
                ("D02", ["开发商"], "100", None, None, True),
            ]
        build_roll(c, spec, tag=name[:2], with_users=False)
        compounds[name] = c
    monkeypatch.setattr(demo, "_compounds", lambda names: compounds)
    lines = []
    demo.seed(rng=random.Random(1), today=timezone.localdate(), log=lines.append)
    by_title = {d.title: d for d in Decision.objects.filter(is_generated=True)}
    passed = by_title["续聘物业服务企业及修订管理规约"]
    assert passed.status == "published" and all(m.result["passed"] for m in passed.matters.all())
    quorum = by_title["使用专项维修资金维修屋面防水"].matters.get()
    assert quorum.result["quorum"] is False
    major = by_title["地面共有车位改为收费停车"].matters.get()
    assert major.result["quorum"] and not major.result["passed"]
    assert major.result["rule"] == "双四分之三"
    assert by_title["加装电梯筹集资金方案"].status == "open"
    assert [decision_verify(d).problems for d in by_title.values()] == [[]] * 4
    assert len(lines) == 4
