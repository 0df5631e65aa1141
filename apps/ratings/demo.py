"""Demo step: the example schemes, satisfaction surveys for both cities with satisfaction rising,
and the rating engine run end to end through its services — two annual rounds for Linyi and one
for Heze — so that the five-star count and the three-star-and-above rate come out of the
engine's results.

Which organisation ends with how many stars follows the party step's star records of the same
year (it draws Linyi's 25 five-star organisations, FIGURES.md): for each one the demo scores
the assessor items so that, with the objective items computed from the platform's own data,
the total lands in that star band. Organisations without a record that year do not take part.
"""

from __future__ import annotations

import datetime
from collections import Counter
from decimal import Decimal

from apps.core.demo import CITY_NAMES, HEZE, LINYI
from apps.ratings import examples
from apps.ratings.choices import EntryStatus, ItemMethod, QuestionKind, SubjectKind
from apps.ratings.models import RatingEntry
from apps.ratings.services import (
    campaign_create,
    entry_approve,
    entry_review,
    entry_self_assess,
    objection_answer,
    objection_lodge,
    result_revoke,
    round_finalize,
    round_open,
    round_publish,
    scheme_create,
    survey_responses_generate,
    template_create,
)

D = Decimal
QUESTIONS = [
    {"kind": QuestionKind.SCALE, "text": "您对小区物业服务的总体满意程度", "required": True},
    {"kind": QuestionKind.SCALE, "text": "您对环境卫生和绿化的满意程度", "required": True},
    {"kind": QuestionKind.SCALE, "text": "您对报修和投诉处理（吹哨报到）的满意程度", "required": True},
    {"kind": QuestionKind.SCALE, "text": "您对小区党支部、业委会作用发挥的满意程度", "required": True},
    {
        "kind": QuestionKind.SINGLE,
        "text": "您最近一次向物业反映问题后，多久得到回应",
        "options": ["当天", "三天内", "一周内", "一周以上", "没有反映过"],
        "required": True,
    },
    {
        "kind": QuestionKind.MULTIPLE,
        "text": "您希望优先改进的方面（可多选）",
        "options": ["环境卫生", "安全秩序", "设施维修", "停车管理", "收费公开", "邻里活动"],
        "required": False,
    },
    {"kind": QuestionKind.TEXT, "text": "您对物业服务还有什么意见和建议", "required": False},
]
SUGGESTIONS = (
    "希望电动车充电桩再多一些",
    "楼道灯坏了报修后很快就修好了，点赞",
    "垃圾分类点夏天有异味，希望多清运一次",
    "停车位紧张，晚上消防通道常被占用",
    "党员志愿者经常帮老人买菜，很暖心",
    "收费公示看得明白，希望继续",
    "希望增加老年人活动场地",
    "有事打13912345678找物业很方便",  # a phone number: stripped before the community reads it
)


def seed(*, rng, today, log) -> None:
    import time

    started = time.monotonic()
    last_year = today.year - 1
    schemes = _schemes(today, log)
    responses = _surveys(rng, today, last_year, log)
    log(f"满意度测评答卷 {responses:,} 份（{time.monotonic() - started:.0f} 秒）")
    stats = Counter()
    for city, years in ((LINYI, (last_year - 1, last_year)), (HEZE, (last_year,))):
        for year in years:
            _round(rng, schemes[city], city, year, stats, revoke=(city == LINYI and year == last_year))
            log(f"{CITY_NAMES[city]}{year}年度评定完成（累计 {time.monotonic() - started:.0f} 秒）")
    # What these ratings make of the dashboard's target 3 is the dashboard's to say (a domain app
    # does not import apps/dashboards); tests/test_seed_demo.py checks it.
    log("星级评定（引擎）：" + "，".join(f"{k} {v}" for k, v in sorted(stats.items())))


def _schemes(today, log) -> dict:
    from apps.regions.models import Region

    out = {}
    for city in (LINYI, HEZE):
        region = Region.objects.get(pk=city)
        common = {
            "jurisdiction": region,
            "effective_from": datetime.date(2023, 1, 1),
            "is_example": True,
            "is_generated": True,
            "source_note": "示例办法：临沂、菏泽未公开正式评定细则，结构参照武汉“五好”与党建引领示例表",
        }
        out[city] = scheme_create(
            data={
                **common,
                "subject_kind": SubjectKind.COMPANY_ORG,
                "title": examples.COMPANY_ORG_TITLE,
                "total_points": D(100),
                "star_cutoffs": examples.COMPANY_ORG_CUTOFFS,
            },
            structure=examples.COMPANY_ORG,
            actor=None,
        )
        scheme_create(
            data={
                **common,
                "subject_kind": SubjectKind.COMPOUND_PROJECT,
                "title": examples.PROJECT_TITLE,
                "total_points": D(100),
                "star_cutoffs": examples.PROJECT_CUTOFFS,
            },
            structure=examples.PROJECT,
            actor=None,
        )
        log(f"{CITY_NAMES[city]}：示例评定办法 2 套（企业党组织、服务项目）")
    return out


# ------------------------------------------------------------------ surveys
def _surveys(rng, today, last_year, log) -> int:
    """Half-yearly campaigns over the two rated years in every compound served by a company;
    the mean answer rises campaign by campaign (the article: satisfaction up)."""
    from apps.regions.models import Region

    total = 0
    for city in (LINYI, HEZE):
        region = Region.objects.get(pk=city)
        template = template_create(
            data={
                "city": region,
                "title": f"{CITY_NAMES[city]}物业服务满意度测评问卷",
                "intro": "本问卷匿名填写，每户一份，结果用于物业服务企业和项目的星级评定。",
                "is_generated": True,
            },
            questions=QUESTIONS,
            actor=None,
        )
        compounds = _surveyed(rng, city)
        # Each compound has a quality of its own, better where the company's party organisation
        # holds more stars; every campaign lifts everyone a little.
        stars = _company_stars(city)
        quality = {c.pk: rng.gauss(0, 0.25) + 0.2 * (stars.get(c.company_id, 3) - 3) for c in compounds}
        periods = [
            (datetime.date(last_year - 1, 10, 1), datetime.date(last_year - 1, 10, 31), f"{last_year - 1}年"),
            (datetime.date(last_year, 5, 1), datetime.date(last_year, 5, 31), f"{last_year}年上半年"),
            (datetime.date(last_year, 10, 1), datetime.date(last_year, 10, 31), f"{last_year}年下半年"),
        ]
        for step, (start, end, label) in enumerate(periods):
            campaign = campaign_create(
                data={
                    "template": template,
                    "region": region,
                    "title": f"{CITY_NAMES[city]}{label}物业服务满意度测评",
                    "starts_on": start,
                    "ends_on": end,
                    "is_generated": True,
                },
                compounds=compounds,
                actor=None,
            )
            questions = list(template.questions.order_by("order"))
            for c in compounds:
                n = rng.randint(5, 9) if rng.random() < 0.92 else rng.randint(1, 4)  # a few below n
                base = 3.5 + 0.25 * step + quality[c.pk]
                sets = []
                for _ in range(n):
                    answers = {}
                    for q in questions:
                        if q.kind == QuestionKind.SCALE:
                            answers[q.pk] = max(1, min(5, round(rng.gauss(base, 0.8))))
                        elif q.kind == QuestionKind.SINGLE:
                            answers[q.pk] = rng.choice(q.options[: 3 + (step < 2)])
                        elif q.kind == QuestionKind.MULTIPLE:
                            answers[q.pk] = rng.sample(q.options, rng.randint(0, 2))
                        elif rng.random() < 0.3:
                            answers[q.pk] = rng.choice(SUGGESTIONS)
                    sets.append(answers)
                total += survey_responses_generate(
                    campaign=campaign,
                    compound=c,
                    answer_sets=sets,
                    today=start + datetime.timedelta(days=rng.randint(0, 20)),
                    key_prefix=f"demo:{c.pk}",
                )
        log(f"{CITY_NAMES[city]}：满意度测评 {len(periods)} 次，参评小区 {len(compounds)} 个")
    return total


def _company_stars(city: str) -> dict[int, int]:
    """Company → the best star record of its party organisations (the party step's)."""
    from apps.party.models import PartyOrgRating

    out: dict[int, int] = {}
    rows = PartyOrgRating.objects.filter(party_org__region__pk__startswith=city[:4]).values_list(
        "party_org__company_id", "stars"
    )
    for company_id, stars in rows:
        out[company_id] = max(out.get(company_id, 0), stars)
    return out


def _surveyed(rng, city: str) -> list:
    """The surveyed compounds: one per property company of the city (its first compound), so
    every rated organisation has a survey index, plus the seed article's compounds."""
    from apps.core.demo import ARTICLE_COMPOUNDS
    from apps.registry.models import Compound

    chosen = {}
    for c in Compound.objects.filter(community__pk__startswith=city[:4], company__isnull=False).order_by(
        "pk"
    ):
        if c.company_id not in chosen or c.name in ARTICLE_COMPOUNDS:
            chosen.setdefault(c.company_id, []).append(c)
    return sorted({c.pk: c for cs in chosen.values() for c in cs}.values(), key=lambda c: c.pk)


# ------------------------------------------------------------------ rounds
def _targets(city: str, year: int) -> dict[int, int]:
    from apps.party.models import PartyOrgRating

    return dict(
        PartyOrgRating.objects.filter(party_org__region__pk__startswith=city[:4], year=year).values_list(
            "party_org_id", "stars"
        )
    )


def _rated_after(city: str, year: int) -> set[int]:
    from apps.party.models import PartyOrgRating

    return set(
        PartyOrgRating.objects.filter(party_org__region__pk__startswith=city[:4], year__gt=year).values_list(
            "party_org_id", flat=True
        )
    )


def _band(scheme, stars: int) -> tuple[Decimal, Decimal]:
    cuts = [D(str(c)) for c in scheme.star_cutoffs]
    low = cuts[stars - 1]
    high = cuts[stars] - D("0.1") if stars < len(cuts) else scheme.total_points
    return low, high


def _spread(total: Decimal, items) -> dict[int, Decimal]:
    """`total` points over the assessor items in proportion to their maxima (0.1 steps)."""
    cap = sum(i.max_points for i in items)
    share = min(D(1), max(D(0), total / cap)) if cap else D(0)
    out = {i.pk: (i.max_points * share).quantize(D("0.1")) for i in items}
    diff = min(total, cap) - sum(out.values())
    for i in items:  # put the rounding remainder where there is room
        room = i.max_points - out[i.pk]
        step = max(-out[i.pk], min(room, diff))
        out[i.pk] += step
        diff -= step
    return out


def _round(rng, scheme, city: str, year: int, stats: Counter, *, revoke: bool) -> None:
    from apps.regions.models import Region

    region = Region.objects.get(pk=city)
    rnd = round_open(
        scheme=scheme,
        region=region,
        year=year,
        period_start=datetime.date(year, 1, 1),
        period_end=datetime.date(year, 11, 30),
        self_assess_due=datetime.date(year, 12, 5),
        review_due=datetime.date(year, 12, 12),
        actor=None,
        is_generated=True,
    )
    targets = _targets(city, year)
    items = list(scheme.items.all())
    assessor = [i for i in items if i.method == ItemMethod.ASSESSOR]
    assessor_max = sum(i.max_points for i in assessor)
    entries = list(rnd.entries.select_related("party_org__company", "round"))
    # Self-assessment first (it computes the objective items from the platform's data), a little
    # generous; organisations without a star record that year do not take part.
    submitted = []
    for entry in entries:
        if entry.party_org_id not in targets:
            stats["未参评"] += 1
            continue
        self_pts = _spread(assessor_max * D("0.9"), assessor)
        entry = entry_self_assess(
            entry=entry,
            scores={pk: {"points": p, "note": "见年度工作台账与影像资料"} for pk, p in self_pts.items()},
            actor=None,
        )
        objective = sum(
            (s.computed_points or D(0)) for s in entry.scores.all() if s.item.method == ItemMethod.OBJECTIVE
        )
        submitted.append((objective, entry))
    # The party step's stars of the year, best first, go to the best objective scores: the same
    # numbers of five-, four-, three-star ... organisations, each reachable by its assessor items.
    # Organisations rated again in a later year are shuffled among themselves only, so the count of
    # organisations whose *latest* rating has n stars is the party step's.
    later = _rated_after(city, year)
    pairs = []
    for group in (True, False):
        members = sorted(
            ((o, e) for o, e in submitted if (e.party_org_id in later) == group),
            key=lambda p: (-p[0], p[1].pk),
        )
        stars_desc = sorted((targets[e.party_org_id] for _, e in members), reverse=True)
        pairs += list(zip(members, stars_desc, strict=True))
    for (objective, entry), target in pairs:
        low, high = _band(scheme, target)
        wanted = low + (high - low) * D(str(round(rng.uniform(0.1, 0.8), 2)))
        wanted = min(max(wanted, objective), objective + assessor_max)
        review = _spread(wanted - objective, assessor)
        entry = entry_review(
            entry=entry,
            reviews={pk: {"points": p, "comment": "现场核查属实"} for pk, p in review.items()},
            actor=None,
        )
        if entry.stars != target:
            stats["未达目标星级"] += 1
        entry_approve(entry=entry, actor=None)
        stats[f"{entry.stars or 0}星"] += 1
    notice_day = datetime.date(year, 12, 15)
    rnd = round_publish(round=rnd, actor=None, today=notice_day)
    on_notice = list(rnd.entries.filter(status=EntryStatus.NOTICE).order_by("pk")[:1])
    if on_notice:
        objection = objection_lodge(
            entry=on_notice[0],
            text="该企业服务小区去年发生多次电梯困人，建议核实后再定星级。",
            actor=None,
            today=notice_day,
        )
        objection_answer(
            objection=objection,
            answer="经核查，电梯困人均在规定时间内处置，维保记录完整，维持评定结果。",
            actor=None,
        )
    round_finalize(round=rnd, actor=None, today=rnd.notice_ends_on + datetime.timedelta(days=1))
    if revoke:
        victim = (
            RatingEntry.objects.filter(round=rnd, status=EntryStatus.FINAL, stars=3).order_by("pk").first()
        )
        if victim is not None:
            result_revoke(
                entry=victim,
                reason="服务小区发生电梯坠落致人重伤的重大安全责任事故",
                veto_code="V2",
                actor=None,
                today=datetime.date(year + 1, 3, 2),
            )
            stats["撤销"] += 1
