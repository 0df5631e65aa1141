"""Demo data: the step runner behind `manage.py seed_demo`, and what the steps share.

Every app that contributes demo data declares a `DemoStep` on its AppConfig (contribution.demo)
naming `apps/<app>/demo.py` with `seed(*, rng, today, log) -> None`, writing only through its
services. The runner calls the steps in their declared order; each step runs in one transaction that ends with a marker event
(`demo.seed`, naming the step), and a step whose marker exists is skipped — so a second run
changes nothing, and a step added later (another app's) still runs once. Each step gets its own
`random.Random` seeded from (seed, step): its output does not depend on which steps ran before.

Generated rows carry `is_generated=True` (the UI labels them 演示数据). Places and names taken
from the seed article are listed below; their attributes are generated too.
"""

from __future__ import annotations

import contextlib
import datetime
import importlib
import importlib.util
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.db import connections, transaction

from apps.core import contributions
from apps.core.models import Event
from apps.core.services import event_record

Log = Callable[[str], None]


def demo_steps() -> tuple[tuple[str, str], ...]:
    """(module, label) of every installed app's demo step, in their declared order (later steps
    build on the rows of earlier ones: regions 10, registry 20, party 30, committees 40,
    accounts 50, workorders 60, ...)."""
    return tuple((step.module, step.label) for step in contributions.demo_steps())


MARKER_VERB = "demo.seed"
DEFAULT_SEED = 2021  # the year of the seed article

# ------------------------------------------------------------ places of the seed article
LINYI, HEZE = "371300", "371700"
CITY_NAMES = {LINYI: "临沂市", HEZE: "菏泽市"}
LUOZHUANG = "371311"  # 罗庄区
SHENGZHUANG = "371311003"  # 盛庄街道
# 万通社区 is not in the NBS 2020 list: added under 盛庄街道 with an unused residents'-committee code.
WANTONG = "371311003199"
WANTONG_NAME = "万通社区居民委员会"
WANTONG_SOURCE = "演示补充：见文章，NBS2020未收录"
WANTONG_COMPOUND = "万通盛世馨园"
# Demo assumption: the article names no community for 沂蒙学院家属院; placed in 罗庄街道罗庄社区.
YIMENG_COMMUNITY = "371311001008"
YIMENG_COMPOUND = "沂蒙学院家属院"
# 港湾新城's 打鱼店社区 is in the NBS list as 打渔店社区居委会 (牡丹区东城街道).
DAYUDIAN = "371702001016"
GANGWAN_COMPOUND = "港湾新城"
GANGWAN_COMPANY = "菏泽银湾物业服务有限公司"  # the article's 银湾物业; full name assumed
# Demo assumption: the article names no community for 中达御园; placed in 牡丹区南城街道中山社区.
ZHONGDA_COMMUNITY = "371702003002"
ZHONGDA_COMPOUND = "中达御园"
# A large market company of 罗庄区 that takes 沂蒙学院家属院 by the hand (大手牵小手) and also
# serves 万通盛世馨园; generated name.
LUOZHUANG_BIG_COMPANY = "临沂华盛物业服务有限公司"
ARTICLE_COMPOUNDS = (WANTONG_COMPOUND, YIMENG_COMPOUND, GANGWAN_COMPOUND, ZHONGDA_COMPOUND)


def short_community_name(name: str) -> str:
    """后盛庄社区居民委员会 → 后盛庄社区; 黄巢居委会 → 黄巢社区; 李庄村民委员会 → 李庄村."""
    for suffix in ("社区居民委员会", "社区居委会", "社区村民委员会", "社区村委会"):
        if name.endswith(suffix):
            return name[: -len(suffix)] + "社区"
    for suffix in ("居民委员会", "居委会"):
        if name.endswith(suffix):
            return name[: -len(suffix)] + "社区"
    for suffix in ("村民委员会", "村委会"):
        if name.endswith(suffix):
            return name[: -len(suffix)] + "村"
    return name


def county_label(name: str) -> str:
    """A county's name as used inside organisation names (dev zones shortened)."""
    return (
        name.replace("技术产业开发区", "区")
        .replace("经济技术开发区", "经开区")
        .replace("高新技术开发区", "高新区")
    )


def count_line(counts: dict[str, int]) -> str:
    return "，".join(f"{label} {n:,}" for label, n in counts.items() if n)


# ------------------------------------------------------------ the runner
@dataclass
class StepResult:
    module: str
    label: str
    status: str  # ran | skipped (marker found) | absent (app or module not installed)
    seconds: float = 0.0


def step_available(module: str) -> bool:
    """The module belongs to an installed app and exists (a teammate's app may not exist yet)."""
    if apps.get_containing_app_config(module) is None:
        return False
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


def step_done(module: str) -> bool:
    return Event.objects.filter(verb=MARKER_VERB, changes__step=module).exists()


def pending_steps() -> list[str]:
    return [m for m, _ in demo_steps() if step_available(m) and not step_done(m)]


def preflight() -> None:
    """Each pending step's preflight check (e.g. the demo password), before anything is written."""
    pending = set(pending_steps())
    for step in contributions.demo_steps():
        if step.preflight and step.module in pending:
            contributions.resolve(step.preflight)()


@contextlib.contextmanager
def unlogged_queries():
    """No query log while a step runs. With DEBUG on (`make run`'s seeding, a developer's shell)
    Django records and formats every SQL statement — a sixth of a step's time — for a log
    nobody reads here. settings.DEBUG itself is left alone (the accounts step reads it)."""
    saved = [(c, c.__dict__.get("make_debug_cursor")) for c in connections.all(initialized_only=True)]
    for conn, _ in saved:
        conn.make_debug_cursor = conn.make_cursor
    try:
        yield
    finally:
        for conn, own in saved:
            if own is None:
                del conn.make_debug_cursor
            else:
                conn.make_debug_cursor = own


def run(*, seed: int = DEFAULT_SEED, today: datetime.date, log: Log) -> list[StepResult]:
    """Run every pending step; each in one transaction that also writes its marker."""
    results = []
    steps = demo_steps()
    for number, (module, label) in enumerate(steps, start=1):
        prefix = f"[{number}/{len(steps)}] {label}"
        if not step_available(module):
            results.append(StepResult(module, label, "absent"))
            log(f"{prefix}：未安装，跳过")
            continue
        if step_done(module):
            results.append(StepResult(module, label, "skipped"))
            log(f"{prefix}：已生成，跳过")
            continue
        log(f"{prefix} ……")
        started, cpu = time.monotonic(), time.process_time()
        rng = random.Random(f"{seed}:{module}")
        with transaction.atomic(), unlogged_queries():
            importlib.import_module(module).seed(rng=rng, today=today, log=lambda m: log(f"    {m}"))
            event_record(
                actor=None,
                verb=MARKER_VERB,
                changes={"step": module, "seed": seed, "today": today.isoformat()},
                note=f"生成演示数据：{label}",
                region_code="",
            )
        seconds = time.monotonic() - started
        results.append(StepResult(module, label, "ran", seconds))
        log(f"    完成，用时 {seconds:.1f} 秒（CPU {time.process_time() - cpu:.1f} 秒）")
    return results
