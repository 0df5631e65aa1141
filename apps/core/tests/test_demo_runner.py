"""The seed_demo step runner: one transaction and one marker per step, steps of missing apps
skipped, a seeded random generator per step."""

import datetime

import pytest

from apps.core import demo, names
from apps.core.models import Event
from apps.core.tests import demo_step_stub as stub
from apps.core.validators import check_mobile

TODAY = datetime.date(2026, 6, 24)
STEPS = (
    ("apps.core.tests.demo_step_stub", "测试步骤"),
    ("apps.dashboards.demo", "已安装的应用，但没有演示模块"),
    ("apps.workorders_not_here.demo", "未安装的应用"),
)


@pytest.fixture
def steps(monkeypatch):
    monkeypatch.setattr(demo, "demo_steps", lambda: STEPS)
    monkeypatch.setattr(stub, "calls", [])
    monkeypatch.setattr(stub, "fail", False)


def test_each_step_runs_once(db, steps):
    lines = []
    results = demo.run(seed=7, today=TODAY, log=lines.append)
    assert [r.status for r in results] == ["ran", "absent", "absent"]
    assert Event.objects.filter(verb="demo.seed", changes__step=STEPS[0][0]).count() == 1
    results = demo.run(seed=7, today=TODAY, log=lines.append)
    assert [r.status for r in results] == ["skipped", "absent", "absent"]
    assert len(stub.calls) == 1 and Event.objects.filter(verb="stub.row").count() == 1
    assert any("已生成，跳过" in line for line in lines) and any("未安装" in line for line in lines)


def test_a_step_gets_its_own_seeded_generator(db, steps):
    demo.run(seed=7, today=TODAY, log=lambda m: None)
    Event.objects.filter(verb="demo.seed").delete()
    demo.run(seed=7, today=TODAY, log=lambda m: None)
    assert stub.calls[0] == stub.calls[1]


def test_a_failing_step_leaves_nothing_behind(db, steps):
    stub.fail = True
    with pytest.raises(RuntimeError):
        demo.run(seed=7, today=TODAY, log=lambda m: None)
    assert not Event.objects.filter(verb="stub.row").exists()
    assert not Event.objects.filter(verb="demo.seed").exists()
    stub.fail = False
    assert demo.run(seed=7, today=TODAY, log=lambda m: None)[0].status == "ran"


def test_short_names():
    assert demo.short_community_name("后盛庄社区居民委员会") == "后盛庄社区"
    assert demo.short_community_name("黄巢居委会") == "黄巢社区"
    assert demo.short_community_name("花埠圈社区村民委员会") == "花埠圈社区"
    assert demo.short_community_name("李庄村民委员会") == "李庄村"
    assert demo.county_label("临沂高新技术产业开发区") == "临沂高新区"
    assert demo.county_label("菏泽经济技术开发区") == "菏泽经开区"


def test_name_generator_is_deterministic_and_plausible():
    import random

    def batch(seed):
        rng, used = random.Random(seed), set()
        return (
            [names.person_name(rng) for _ in range(50)],
            [names.new_compound_name(rng, used, city="3713") for _ in range(300)],
            [names.old_compound_name(rng, used, place="西关", city="3713") for _ in range(300)],
            [names.mobile(rng) for _ in range(50)],
        )

    people, new, old, phones = batch(1)
    assert batch(1) == (people, new, old, phones)
    assert all(2 <= len(p) <= 4 for p in people)
    assert len(set(new + old)) == 600  # never the same name twice in a city
    assert all(check_mobile(p) is None for p in phones)
