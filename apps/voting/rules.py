"""Per-jurisdiction voting settings (proxy limit, notice periods): the nearest region wins.

settings.VOTING_RULES_DEFAULT holds the defaults; settings.VOTING_RULES_BY_REGION maps a region
code (province 370000, city 370700, county, street, community) to the values that differ there.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from apps.committees.rules import jurisdiction_chain


@dataclass(frozen=True)
class VotingRules:
    proxy_limit: int  # owners one agent may represent (潍坊 第32条: 三人)
    advance_notice_days: int  # days between announcing and the vote (物业管理条例 第14条: 15日)
    publish_within_days: int  # result posted within (山东 第32条: 三日)
    notice_period_days: int  # how long the result notice stays up [PRACTICE]
    retention_years: int  # ballots and audit kept at least (民法典 第280条: 一年)
    source: str = "默认"


def voting_rules_for(region_code: str) -> VotingRules:
    values = dict(settings.VOTING_RULES_DEFAULT)
    source = "默认"
    overrides = settings.VOTING_RULES_BY_REGION
    for code in reversed(jurisdiction_chain(region_code or "")):  # province first, nearest last
        if code in overrides:
            values.update(overrides[code])
            source = code
    values["retention_years"] = max(1, int(values["retention_years"]))  # never below the law
    return VotingRules(
        proxy_limit=int(values["proxy_limit"]),
        advance_notice_days=int(values["advance_notice_days"]),
        publish_within_days=int(values["publish_within_days"]),
        notice_period_days=int(values["notice_period_days"]),
        retention_years=values["retention_years"],
        source=source,
    )
