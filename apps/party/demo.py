"""Demo step: red-collar secretaries, the property-industry party committees, company party
organisations, joint branches, instructors for companies, star ratings and compound branches.
Runs after the registry step and reads its rows.

Community party organisations are not generated: a secretary's community is enough for the
figures, and ~800 more rows would slow the load for little.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict

from django.conf import settings
from django.db.models import Count

from apps.core import names
from apps.core.demo import (
    ARTICLE_COMPOUNDS,
    CITY_NAMES,
    GANGWAN_COMPANY,
    GANGWAN_COMPOUND,
    HEZE,
    LINYI,
    LUOZHUANG_BIG_COMPANY,
    WANTONG,
    count_line,
    county_label,
    short_community_name,
)
from apps.party.choices import PartyOrgKind
from apps.party.services import instructor_create, party_org_create, rating_record, secretary_create
from apps.regions.choices import RegionKind, RegionLevel
from apps.regions.models import Region
from apps.registry.choices import CompanyKind
from apps.registry.models import Compound, PropertyCompany

# FIGURES.md (Linyi): red-collar secretaries in post, five-star company party organisations.
LINYI_SECRETARIES_IN_POST = 396
LINYI_FIVE_STAR = 25
YAO_QIANG = "姚强"  # 万通社区党组织书记, 区派红领书记, in post since 2020-02-24 (the article)
YAO_QIANG_START = datetime.date(2020, 2, 24)
# The article: 港湾新城's branch was formed in February 2019 (no day given: the 1st is used).
GANGWAN_BRANCH_FOUNDED = datetime.date(2019, 2, 1)
# The article (2021): the Heze industry committee was formed "last June" (no day given).
INDUSTRY_FOUNDED = {LINYI: datetime.date(2019, 9, 1), HEZE: datetime.date(2020, 6, 1)}

SENDING_UNITS = (
    "委组织部",
    "住房和城乡建设局",
    "民政局",
    "财政局",
    "人力资源和社会保障局",
    "司法局",
    "综合行政执法局",
    "自然资源局",
    "发展和改革局",
    "教育和体育局",
    "卫生健康局",
    "市场监督管理局",
)
DUTIES = (
    "抓基层党建促物业管理，统筹物业企业、业委会和驻区单位，推动解决小区难题",
    "推动成立小区党支部和红色业委会，建立三方联动机制，协调解决物业矛盾纠纷",
    "牵头开展“大排查、解难题、暖万家”，梳理民生项目清单并逐项推进",
    "指导社区党组织建设，推动无人管理小区物业服务全覆盖",
)
CHINESE_NUMERALS = "一二三四五六七八九十"


def seed(*, rng, today, log) -> None:
    counties = list(Region.objects.filter(level=RegionLevel.COUNTY, code__regex=r"^37(13|17)"))
    secretaries = _secretaries(rng, today, counties)
    log(
        f"临沂市红领书记：在任 {secretaries['in_post']}，已离任 {secretaries['ended']}"
        f"（其中{YAO_QIANG}，万通社区，{YAO_QIANG_START:%Y-%m-%d}起）"
    )
    industry = _industry(rng, counties)
    log(f"物业行业党组织：市级 2，县级 {len(industry) - 2}")
    orgs = _company_coverage(rng, today, industry)
    log(
        "企业党建覆盖："
        + count_line(
            {
                "企业党组织": len(orgs["company_orgs"]),
                "联合党支部": orgs["joint_branches"],
                "党建指导员": orgs["instructors"],
            }
        )
    )
    stars = _ratings(rng, today, orgs["company_orgs"])
    log(f"星级评定 {stars['ratings']:,} 条；临沂最新为五星的企业党组织 {stars['linyi_five']} 个")
    branches = _branches(rng)
    log(f"小区党支部：{count_line(branches)}")


def _county_unit(rng, county: Region) -> str:
    if county.kind == RegionKind.DEV_ZONE or rng.random() < 0.2:
        return CITY_NAMES[county.code[:4] + "00"] + rng.choice(SENDING_UNITS)
    return county.name + rng.choice(SENDING_UNITS)


# ------------------------------------------------------------ red-collar secretaries
def _secretaries(rng, today: datetime.date, counties) -> dict:
    """396 secretaries in post in Linyi's urban communities (姚强 in 万通社区 among them), some
    predecessors whose term ended, and a few communities whose secretary left without successor."""
    county_by_code = {c.code: c for c in counties}
    urban = list(
        Region.objects.filter(
            level=RegionLevel.COMMUNITY, kind=RegionKind.URBAN_COMMUNITY, code__startswith=LINYI[:4]
        )
    )
    wantong = next(r for r in urban if r.code == WANTONG)
    others = [r for r in urban if r.code != WANTONG]
    chosen = rng.sample(others, LINYI_SECRETARIES_IN_POST - 1)
    chosen_codes = {r.code for r in chosen}
    vacated = rng.sample([r for r in others if r.code not in chosen_codes], 3)
    with_predecessor = set(r.code for r in rng.sample(chosen, 6))
    in_post = ended = 0

    def create(community, name, start, end=None, unit=None):
        secretary_create(
            actor=None,
            data={
                "name": name,
                "phone": names.mobile(rng),
                "sending_unit": unit or _county_unit(rng, county_by_code[community.code[:6]]),
                "community": community,
                "start_date": start,
                "end_date": end,
                "duties": rng.choice(DUTIES),
                "is_generated": True,
            },
        )

    create(wantong, YAO_QIANG, YAO_QIANG_START, unit="罗庄区委组织部（区派）")
    in_post += 1
    for community in sorted(chosen, key=lambda r: r.code):
        start = datetime.date(2020, 1, 1) + datetime.timedelta(days=rng.randrange(0, 600))
        if community.code in with_predecessor:
            end = start - datetime.timedelta(days=rng.randint(1, 20))
            create(
                community, names.person_name(rng), end - datetime.timedelta(days=rng.randint(400, 900)), end
            )
            ended += 1
        create(community, names.person_name(rng), start)
        in_post += 1
    for community in vacated:
        end = today - datetime.timedelta(days=rng.randint(60, 700))
        create(community, names.person_name(rng), end - datetime.timedelta(days=rng.randint(400, 1200)), end)
        ended += 1
    return {"in_post": in_post, "ended": ended}


# ------------------------------------------------------------ industry committees
def _industry(rng, counties) -> dict[str, object]:
    """中共X市物业管理行业委员会 per city and one industry party organisation per county-level unit."""
    out = {}
    for city in Region.objects.filter(code__in=[LINYI, HEZE]):
        out[city.code] = party_org_create(
            actor=None,
            data={
                "name": f"中共{city.name}物业管理行业委员会",
                "kind": PartyOrgKind.INDUSTRY_COMMITTEE,
                "region": city,
                "secretary_name": names.person_name(rng),
                "secretary_phone": names.mobile(rng),
                "member_count": rng.randint(15, 40),
                "founded_on": INDUSTRY_FOUNDED[city.code],
                "is_generated": True,
            },
        )
    for county in counties:
        city_code = county.code[:4] + "00"
        out[county.code] = party_org_create(
            actor=None,
            data={
                "name": f"中共{county_label(county.name)}物业管理行业委员会",
                "kind": PartyOrgKind.INDUSTRY_COMMITTEE,
                "parent": out[city_code],
                "region": county,
                "secretary_name": names.person_name(rng),
                "secretary_phone": names.mobile(rng),
                "member_count": rng.randint(7, 25),
                "founded_on": INDUSTRY_FOUNDED[city_code] + datetime.timedelta(days=rng.randint(20, 240)),
                "is_generated": True,
            },
        )
    return out


# ------------------------------------------------------------ companies: coverage of the first target
def _company_coverage(rng, today: datetime.date, industry) -> dict:
    """Every public-welfare company and every company serving many compounds has its own party
    organisation; of the small market companies, some share a joint branch, some have an
    instructor, and some have nothing yet (so the first "100%" target is visibly not met)."""
    companies = list(
        PropertyCompany.objects.filter(is_generated=True)
        .select_related("region")
        .annotate(n=Count("compounds"))
        .order_by("id")
    )
    company_orgs = []
    joint_pool: dict[str, list] = defaultdict(list)
    instructor_pool: dict[str, list] = defaultdict(list)
    for company in companies:
        roll = rng.random()
        if (
            company.kind == CompanyKind.PUBLIC_WELFARE
            or company.n >= 8
            or company.name in (LUOZHUANG_BIG_COMPANY, GANGWAN_COMPANY)
            or roll < 0.45
        ):
            members = rng.randint(3, 45)
            company_orgs.append(
                party_org_create(
                    actor=None,
                    data={
                        "name": f"{company.name}{'党总支' if members >= 30 else '党支部'}",
                        "kind": PartyOrgKind.COMPANY_ORG,
                        "company": company,
                        "region": company.region,
                        "parent": industry[company.region_id],
                        "secretary_name": names.person_name(rng),
                        "secretary_phone": names.mobile(rng),
                        "member_count": members,
                        "founded_on": datetime.date(
                            rng.randint(2012, 2021), rng.randint(1, 12), rng.randint(1, 28)
                        ),
                        "is_generated": True,
                    },
                )
            )
        elif roll < 0.70:
            joint_pool[company.region_id].append(company)
        elif roll < 0.85:
            instructor_pool[company.region_id].append(company)
    joint_branches = 0
    for county_code, pool in sorted(joint_pool.items()):
        county = pool[0].region
        n = 0
        while len(pool) >= 2:
            size = min(len(pool), rng.randint(3, 5))
            covered, pool = pool[:size], pool[size:]
            if len(pool) == 1:  # nobody is left alone: the last one joins this branch
                covered, pool = covered + pool, []
            party_org_create(
                actor=None,
                data={
                    "name": f"{county_label(county.name)}物业服务企业第{CHINESE_NUMERALS[n]}联合党支部",
                    "kind": PartyOrgKind.JOINT_BRANCH,
                    "region": county,
                    "parent": industry[county_code],
                    "secretary_name": names.person_name(rng),
                    "secretary_phone": names.mobile(rng),
                    "member_count": sum(rng.randint(1, 3) for _ in covered) + 2,
                    "founded_on": datetime.date(
                        rng.randint(2019, 2022), rng.randint(1, 12), rng.randint(1, 28)
                    ),
                    "covered_companies": covered,
                    "is_generated": True,
                },
            )
            n += 1
            joint_branches += 1
        instructor_pool[county_code].extend(pool)
    instructors = 0
    for city in (LINYI, HEZE):
        pool = [
            c for code in sorted(instructor_pool) if code.startswith(city[:4]) for c in instructor_pool[code]
        ]
        first = True
        while pool:
            size = min(len(pool), rng.randint(1, 3))
            covered, pool = pool[:size], pool[size:]
            county = covered[0].region
            start = today - datetime.timedelta(days=rng.randint(200, 1500))
            # One instructor per city has left: their companies are no longer covered.
            end = today - datetime.timedelta(days=rng.randint(10, 150)) if first else None
            first = False
            instructor_create(
                actor=None,
                data={
                    "name": names.person_name(rng),
                    "phone": names.mobile(rng),
                    "sending_unit": rng.choice(
                        (
                            f"{county.name}住房和城乡建设局",
                            f"中共{county_label(county.name)}物业管理行业委员会",
                        )
                    ),
                    "region": county,
                    "companies": covered,
                    "start_date": start,
                    "end_date": end,
                    "is_generated": True,
                },
            )
            instructors += 1
    return {"company_orgs": company_orgs, "joint_branches": joint_branches, "instructors": instructors}


# ------------------------------------------------------------ star ratings
def _ratings(rng, today: datetime.date, company_orgs) -> dict:
    """Yearly star ratings of company party organisations. In Linyi exactly 25 have five stars
    as their latest rating; some others had five stars before and lost one, some of the 25
    gained their fifth star only lately, a few are not rated yet."""
    last_year = today.year - 1
    created = 0
    five = 0
    for city in (LINYI, HEZE):
        orgs = [o for o in company_orgs if o.region_id.startswith(city[:4])]
        order = list(range(len(orgs)))
        rng.shuffle(order)
        issuer = f"中共{CITY_NAMES[city]}物业管理行业委员会"
        for rank, i in enumerate(order):
            org = orgs[i]
            if city == LINYI:
                if rank < LINYI_FIVE_STAR:
                    latest = 5
                elif rank >= len(orgs) - max(3, len(orgs) // 10):
                    continue  # not rated yet
                else:
                    latest = rng.choices((4, 3, 2, 1), weights=(40, 35, 18, 7))[0]
            else:
                if rank >= len(orgs) - max(2, len(orgs) // 10):
                    continue
                latest = rng.choices((5, 4, 3, 2, 1), weights=(10, 35, 35, 15, 5))[0]
            # A few were last rated the year before (their latest rating is the older one).
            year = last_year if rng.random() > 0.1 else last_year - 1
            history = []
            if city == LINYI and LINYI_FIVE_STAR <= rank < LINYI_FIVE_STAR + 6:
                latest = 4
                history = [5]  # lost their fifth star: latest, not best, counts
            elif city == LINYI and rank < 5:
                history = [4]  # gained the fifth star lately
            elif rng.random() < 0.5:
                history = [max(1, min(5, latest + rng.choice((-1, 0, 0, 1))))]
                if latest == 5 or history[0] == 5:
                    history = [4] if latest == 5 else [max(1, latest - 1)]
            for offset, stars in enumerate([*history, latest][::-1]):
                y = year - offset
                rating_record(
                    actor=None,
                    data={
                        "party_org": org,
                        "year": y,
                        "stars": stars,
                        "issuer": issuer,
                        "issued_on": datetime.date(y, 12, rng.randint(10, 28)),
                    },
                )
                created += 1
            if city == LINYI and latest == 5:
                five += 1
    return {"ratings": created, "linyi_five": five}


# ------------------------------------------------------------ compound branches
def _branches(rng) -> dict[str, int]:
    """A branch in every eligible compound of Heze (the article's 638 of 638) and in most eligible
    compounds of Linyi (so that city shows the gap)."""
    counts: Counter = Counter()
    eligible = (
        Compound.objects.filter(
            is_generated=True, resident_party_members__gte=settings.BRANCH_MIN_PARTY_MEMBERS
        )
        .select_related("community")
        .order_by("code")
    )
    for compound in eligible:
        city = compound.community_id[:4] + "00"
        if city == LINYI and compound.name not in ARTICLE_COMPOUNDS and rng.random() > 0.8:
            continue
        founded = (
            GANGWAN_BRANCH_FOUNDED
            if compound.name == GANGWAN_COMPOUND
            else datetime.date(rng.randint(2018, 2022), rng.randint(1, 12), rng.randint(1, 28))
        )
        party_org_create(
            actor=None,
            data={
                "name": f"{short_community_name(compound.community.name)}{compound.name}党支部",
                "kind": PartyOrgKind.COMPOUND_BRANCH,
                "compound": compound,
                "region": compound.community,
                "secretary_name": names.person_name(rng),
                "secretary_phone": names.mobile(rng),
                "member_count": compound.resident_party_members,
                "founded_on": founded,
                "is_generated": True,
            },
        )
        counts[CITY_NAMES[city]] += 1
    return dict(counts)
