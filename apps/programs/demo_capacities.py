"""Demo rows of the planner's stored capacities, for the lead to call from the programmes demo
step (kept out of demo.py, which another helper is speeding up):

    from apps.programs.demo_capacities import seed_planner_capacities
    seed_planner_capacities(log=log)  # after the arrangements, inside the demo step
"""

from __future__ import annotations

LUOZHUANG = "371311"  # 罗庄区: the county of the 大手牵小手 demo


def seed_planner_capacities(*, county_code: str = LUOZHUANG, log=print) -> int:
    """罗庄区 sets a capacity for its first market companies (2, 3, 4, 2, …) through the service;
    the others keep the default. Idempotent: a second run changes nothing."""
    from apps.programs.selectors import planner_companies
    from apps.programs.services import planner_capacities_set
    from apps.regions.models import Region

    county = Region.objects.filter(code=county_code).first()
    if county is None:
        return 0
    companies = list(planner_companies(county_code).values_list("pk", flat=True)[:6])
    values = {pk: (2, 3, 4)[i % 3] for i, pk in enumerate(companies)}
    changed = planner_capacities_set(county=county, values=values, actor=None)
    log(f"结对规划容量：{county.name} {len(values)} 家企业（{changed} 条变化）")
    return changed
