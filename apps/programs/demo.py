"""Demo step: the service arrangements behind every served demo compound, through the services.

The registry step decides each compound's mode (its plan tables make Linyi's 49 public-welfare
companies back 410 fallback compounds, and leave no unserved old compound in 罗庄区); this step
turns every served compound into an arrangement with a start date, so that coverage "as of" a
past month rises over the years. Fallback compounds get a 兜底 agreement and, in Linyi, monthly
inspections (a few failing twice in a row, which raises the notice); pairings (沂蒙学院家属院
among them) get a signed 大手牵小手 agreement with its subsidy schedule and the subsidies
claimed, approved and paid month by month. The figures are then counted from these rows.
"""

from __future__ import annotations

import datetime
from collections import Counter
from decimal import Decimal

from apps.core.demo import LINYI, LUOZHUANG, YIMENG_COMPOUND, count_line
from apps.programs import services
from apps.programs.choices import ArrangementMode
from apps.programs.models import PairingAgreement, ServiceArrangement
from apps.registry.models import Compound, ManagementMode

PROVIDERS = {
    ManagementMode.STREET_CENTRE: "街道物业服务中心",
    ManagementMode.SELF_MANAGED: "业主自治管理小组",
}


def _start(rng, compound: Compound, today: datetime.date, earliest: int) -> datetime.date:
    """A plausible first day of service: not before the compound was built nor `earliest`."""
    first_year = max(compound.year_built + 1, earliest)
    last = today - datetime.timedelta(days=60)
    if first_year > last.year:
        return last.replace(day=1)
    year = rng.randint(first_year, last.year)
    day = datetime.date(year, rng.randint(1, 12), 1)
    return min(day, last.replace(day=1))


def seed(*, rng, today, log) -> None:
    with services.as_of(today):  # the compounds' current mode is the one in force on the demo's day
        _seed(rng=rng, today=today, log=log)


def _seed(*, rng, today, log) -> None:
    compounds = list(
        Compound.objects.filter(is_generated=True)
        .exclude(management_mode=ManagementMode.NONE)
        .exclude(arrangements__isnull=False)
        .select_related("company", "community")
        .order_by("code")
    )
    made = Counter()
    pairings = []
    for c in compounds:
        mode = c.management_mode
        if mode == ManagementMode.FALLBACK:
            agreement = services.fallback_assign(
                compound=c,
                company=c.company,
                start_date=_start(rng, c, today, 2019),
                actor=None,
                standard="保安：门岗每日值守；保洁：每日清扫、垃圾日产日清；保绿：按季修剪；保修：24小时报修响应",
                fee_per_sqm=Decimal(rng.choice(["0.20", "0.25", "0.30"])),
                monthly_subsidy=(c.total_floor_area * Decimal("0.15")).quantize(Decimal("0.01")),
                is_generated=True,
            )
            made["兜底"] += 1
            if c.community_id.startswith(LINYI[:4]):
                _inspections(rng, agreement, today)
        elif mode == ManagementMode.PAIRING:
            pairings.append(c)
        else:
            start = _start(rng, c, today, 2015 if mode == ManagementMode.MARKET else 2019)
            services.arrangement_create(
                compound=c,
                actor=None,
                data={
                    "mode": mode,
                    "company": c.company if mode == ManagementMode.MARKET else None,
                    "provider_name": (c.community.parent.name + PROVIDERS[mode]) if mode in PROVIDERS else "",
                    "start_date": start,
                    "fee_per_sqm": Decimal(rng.choice(["0.45", "0.60", "0.80", "1.20"]))
                    if mode == ManagementMode.MARKET
                    else None,
                    "is_generated": True,
                },
            )
            made[ArrangementMode(mode).label] += 1
    for c in pairings:
        _pairing(rng, c, today)
        made["大手牵小手"] += 1
    log(f"服务安排 {ServiceArrangement.objects.filter(is_generated=True).count():,} 条：{count_line(made)}")
    seed_planner_capacities(log=log)


def seed_planner_capacities(*, county_code: str = LUOZHUANG, log=print) -> int:
    """罗庄区 (the county of the 大手牵小手 demo) stores a planner capacity for its first market
    companies (2, 3, 4, 2, …) through the service, so that the pairing planner shows stored and
    default capacities side by side. Idempotent: a second run changes nothing."""
    from apps.programs.selectors import planner_companies
    from apps.regions.models import Region

    county = Region.objects.filter(code=county_code).first()
    if county is None:
        return 0
    companies = list(planner_companies(county_code).values_list("pk", flat=True)[:6])
    values = {pk: (2, 3, 4)[i % 3] for i, pk in enumerate(companies)}
    changed = services.planner_capacities_set(county=county, values=values, actor=None)
    log(f"结对规划容量：{county.name} {len(values)} 家企业（{changed} 条变化）")
    return changed


def _inspections(rng, agreement, today: datetime.date) -> None:
    """The last three months; about one agreement in forty fails twice running (→ notice)."""
    month = today.replace(day=1)
    months = []
    for _ in range(3):
        month = (month - datetime.timedelta(days=1)).replace(day=1)
        if month >= agreement.start_date:
            months.append(month)
    bad_run = rng.random() < 0.025
    for i, period in enumerate(reversed(months)):
        failing = bad_run and i >= len(months) - 2
        if not failing and rng.random() < 0.04:
            failing = True
        items = {"security_ok": True, "cleaning_ok": True, "greenery_ok": True, "repairs_ok": True}
        if failing:
            items[rng.choice(list(items))] = False
        services.inspection_record(
            agreement=agreement,
            period=period,
            inspected_on=period + datetime.timedelta(days=rng.randint(5, 20)),
            actor=None,
            notes="垃圾清运不及时，楼道有杂物堆放" if failing else "",
            **items,
        )


def _pairing(rng, c: Compound, today: datetime.date) -> PairingAgreement:
    """A signed pairing. 沂蒙学院家属院's transition falls within the reminder window."""
    if c.name == YIMENG_COMPOUND:
        start = (today - datetime.timedelta(days=3 * 365 - 75)).replace(day=1)
    else:
        start = (today - datetime.timedelta(days=rng.randint(120, 900))).replace(day=1)
    per_household = c.households < 60
    pairing = services.pairing_create(
        compound=c,
        company=c.company,
        start_date=start,
        actor=None,
        subsidy_basis="per_household" if per_household else "per_area",
        subsidy_rate=Decimal("20.00") if per_household else Decimal("0.30"),
        fee_per_sqm=Decimal("0.50"),
        is_generated=True,
    )
    pairing = services.pairing_sign(pairing=pairing, actor=None, on=start)
    # subsidies of the last months, claimed, approved and paid
    month = today.replace(day=1)
    for _ in range(6):
        month = (month - datetime.timedelta(days=1)).replace(day=1)
        if month < start:
            break
        scheduled = pairing.monthly_subsidy_on(month)
        application = services.subsidy_apply(
            agreement=pairing,
            period=month,
            amount=scheduled,
            actor=None,
            fees_due=(c.total_floor_area * Decimal("0.50")).quantize(Decimal("0.01")),
            fees_collected=(c.total_floor_area * Decimal("0.50") * Decimal(rng.uniform(0.4, 0.95))).quantize(
                Decimal("0.01")
            ),
            is_generated=True,
        )
        services.subsidy_approve(application=application, actor=None)
        services.subsidy_disburse(
            application=application, actor=None, on=min(month + datetime.timedelta(days=40), today)
        )
    return pairing
