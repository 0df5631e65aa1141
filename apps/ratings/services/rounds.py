"""The rating round workflow. Every step is one service: permission and scope check, a
compare-and-set status change, an audit event in the same transaction, notices on commit.

    round_open (city) → entry_self_assess (company) → entry_review (street/county)
    → entry_approve (city) → round_publish (city: 公示 for N working days)
    → objection_lodge / objection_answer → round_finalize (city) → final
    result_revoke (city): a veto event during validity revokes a final result.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from apps.core.errors import DomainError
from apps.core.services import compare_and_set, event_record
from apps.ratings.choices import EntryStatus, ItemMethod, ObjectionStatus, RoundStatus, SubjectKind
from apps.ratings.indicators import SubjectFacts, compute
from apps.ratings.jobs import REVOKE_KIND, ROUND_OPEN_KIND
from apps.ratings.models import ItemScore, Objection, RatingEntry, RatingRound, RatingScheme
from apps.ratings.services.common import check_perm, points

ZERO = Decimal("0")


def _subjects(scheme: RatingScheme, city_code: str):
    from apps.party.models import PartyOrg, PartyOrgKind
    from apps.registry.models import Compound

    prefix = scheme.jurisdiction_id[:6] if scheme.jurisdiction.level == "county" else city_code[:4]
    if scheme.subject_kind == SubjectKind.COMPANY_ORG:
        orgs = PartyOrg.objects.filter(kind=PartyOrgKind.COMPANY_ORG, region__pk__startswith=prefix).order_by(
            "pk"
        )
        return [("party_org", o, o.region_id) for o in orgs]
    compounds = Compound.objects.filter(community__pk__startswith=prefix, company__isnull=False).order_by(
        "pk"
    )
    return [("compound", c, c.community_id) for c in compounds]


@transaction.atomic
def round_open(
    *,
    scheme: RatingScheme,
    region,
    year: int,
    period_start: datetime.date,
    period_end: datetime.date,
    self_assess_due: datetime.date,
    review_due: datetime.date,
    actor,
    title: str = "",
    is_generated: bool = False,
) -> RatingRound:
    """The city opens a round with a scheme and a timetable; every subject in scope gets an entry."""
    check_perm(actor, "ratings.add_ratinground", region_code=region.code)
    if scheme.is_legacy:
        raise DomainError("“历史数据”办法只用于迁移的星级记录，不能用于新的评定。")
    rnd = RatingRound(
        scheme=scheme,
        region=region,
        year=year,
        title=title or f"{region.name}{year}年度{scheme.get_subject_kind_display()}评定",
        period_start=period_start,
        period_end=period_end,
        self_assess_due=self_assess_due,
        review_due=review_due,
        is_generated=is_generated,
    )
    rnd.full_clean()
    rnd.save()
    items = list(scheme.items.all())
    entries = [
        RatingEntry(
            round=rnd,
            scheme=scheme,
            region_id=code,
            year=year,
            is_generated=is_generated,
            **{kind: obj},
        )
        for kind, obj, code in _subjects(scheme, region.code)
    ]
    RatingEntry.objects.bulk_create(entries, batch_size=500)
    ItemScore.objects.bulk_create(
        [ItemScore(entry=e, item=i) for e in entries for i in items], batch_size=2000
    )
    event_record(
        actor=actor,
        verb="ratinground.open",
        obj=rnd,
        changes={"scheme": [None, str(scheme)], "entries": [None, len(entries)]},
    )
    if not is_generated:  # the demo's past rounds tell nobody to self-assess
        _queue_notification(ROUND_OPEN_KIND, rnd, f"评定开启通知：{rnd.title}", {"round": rnd.pk})
    return rnd


def _queue_notification(kind: str, obj, title: str, params: dict) -> None:
    """The notification of a step as a background job (apps/ratings/jobs.py), started in the
    step's transaction and handed to the queue when it commits; once per object (its key)."""
    from apps.jobs.services import start
    from apps.notifications.services import is_muted

    if is_muted():
        return
    start(kind=kind, owner=None, title=title, params=params, idempotency_key=f"{kind}:{obj.pk}", audit=False)


def _company_of(entry: RatingEntry) -> int | None:
    if entry.party_org_id:
        return entry.party_org.company_id
    return entry.compound.company_id


def _facts(entry: RatingEntry) -> SubjectFacts:
    rnd = entry.round
    return SubjectFacts(
        party_org=entry.party_org,
        compound=entry.compound,
        city_code=rnd.region_id,
        period_start=rnd.period_start,
        period_end=rnd.period_end,
    )


def refresh_objective(entry: RatingEntry, scores: list[ItemScore]) -> None:
    """Compute every objective item of the entry from platform data (value, numerator,
    denominator, source, points on the item's curve). Saved by the caller."""
    facts = _facts(entry)
    for s in scores:
        if s.item.method != ItemMethod.OBJECTIVE:
            continue
        v = compute(s.item.indicator, facts)
        s.objective_value = v.value
        s.objective_numerator = v.numerator[:60]
        s.objective_denominator = v.denominator[:60]
        s.objective_source = v.source[:300]
        s.computed_points = s.item.points_for(v.value)


SCORE_FIELDS = (
    "self_points",
    "self_note",
    "evidence",
    "objective_value",
    "objective_numerator",
    "objective_denominator",
    "objective_source",
    "computed_points",
    "review_points",
    "review_comment",
    "override_reason",
    "veto_hit",
)


def _save_scores(rows: list[ItemScore]) -> None:
    """Write SCORE_FIELDS of the entry's score rows: one UPDATE per distinct set of values (the
    items of one weight score alike), not bulk_update's CASE per row and field — which cost more
    than everything else an entry's self-assessment or review does. An uploaded evidence file is
    stored first, as save() would (pre_save), so that the row names a file that exists."""
    fields = [ItemScore._meta.get_field(name) for name in SCORE_FIELDS]
    groups: dict[tuple, list[int]] = {}
    for s in rows:
        values = tuple(f.get_prep_value(f.pre_save(s, add=False)) for f in fields)
        groups.setdefault(values, []).append(s.pk)
    for values, pks in groups.items():
        ItemScore.objects.filter(pk__in=pks).update(**dict(zip(SCORE_FIELDS, values, strict=True)))


def _scores(entry: RatingEntry) -> list[ItemScore]:
    return list(entry.scores.select_related("item").order_by("item__order", "item_id"))


@transaction.atomic
def entry_self_assess(*, entry: RatingEntry, scores: dict, actor) -> RatingEntry:
    """The subject's staff self-assess: points ≤ max on every assessor item, each with evidence
    (a PDF/image or a written note). Objective items are computed, not typed."""
    check_perm(actor, "ratings.selfassess_ratingentry", company_id=_company_of(entry))
    if entry.round.status != RoundStatus.OPEN:
        raise DomainError("本轮评定已不在自评阶段。")
    rows = _scores(entry)
    for s in rows:
        data = scores.get(s.item_id) or scores.get(str(s.item_id)) or {}
        label = f"细则 {s.item.code}"
        if s.item.method == ItemMethod.ASSESSOR:
            value = data.get("points")
            if value in (None, ""):
                raise ValidationError({f"item_{s.item_id}": f"{label}：请填写自评分"})
            s.self_points = points(value, field=f"item_{s.item_id}", label=label, maximum=s.item.max_points)
            s.self_note = (data.get("note") or "").strip()[:500]
            if data.get("evidence"):
                s.evidence = data["evidence"]
                try:
                    s.full_clean(exclude=["entry", "item"])
                except ValidationError as exc:
                    raise ValidationError(
                        {
                            f"evidence_{s.item_id}": f"{label}：{'；'.join(exc.message_dict.get('evidence', exc.messages))}"
                        }
                    ) from exc
            if s.self_points > 0 and not (s.self_note or s.evidence):
                raise ValidationError({f"evidence_{s.item_id}": f"{label}：评审打分项须附佐证材料或书面说明"})
        elif s.item.method == ItemMethod.VETO:
            s.self_note = (data.get("note") or "").strip()[:500]
    refresh_objective(entry, rows)
    self_score = sum(
        (s.self_points or ZERO) if s.item.method == ItemMethod.ASSESSOR else (s.computed_points or ZERO)
        for s in rows
    )
    compare_and_set(
        RatingEntry,
        pk=entry.pk,
        expected=EntryStatus.PENDING,
        new=EntryStatus.SUBMITTED,
        extra={"self_score": self_score, "updated_at": timezone.now()},
        message="该评定已提交自评或状态已变化，请刷新后重试。",
    )
    _save_scores(rows)
    entry.refresh_from_db()
    event_record(
        actor=actor,
        verb="ratingentry.selfassess",
        obj=entry,
        changes={
            "status": [EntryStatus.PENDING, EntryStatus.SUBMITTED],
            "self_score": [None, str(self_score)],
        },
    )
    return entry


@transaction.atomic
def entry_review(*, entry: RatingEntry, reviews: dict, actor) -> RatingEntry:
    """The street or county scores item by item with comments. Objective items come pre-filled
    from platform data (computed when the subject submitted, after the period's end); a
    different score needs a written reason, which the audit event keeps.
    A hit veto item voids the stars."""
    check_perm(actor, "ratings.review_ratingentry", region_code=entry.region_id)
    if entry.round.status != RoundStatus.OPEN:
        raise DomainError("本轮评定已不在审核阶段。")
    rows = _scores(entry)
    if any(s.item.method == ItemMethod.OBJECTIVE and s.objective_source == "" for s in rows):
        refresh_objective(entry, rows)  # computed at self-assessment; only missing ones now
    overrides = {}
    vetoes = []
    for s in rows:
        data = reviews.get(s.item_id) or reviews.get(str(s.item_id)) or {}
        label = f"细则 {s.item.code}"
        field = f"item_{s.item_id}"
        s.review_comment = (data.get("comment") or "").strip()[:500]
        if s.item.is_veto:
            s.veto_hit = bool(data.get("veto_hit"))
            if s.veto_hit:
                if not s.review_comment:
                    raise ValidationError({field: f"{label}：触发一票否决须写明事实"})
                vetoes.append(f"{s.item.code} {s.item.name}：{s.review_comment}")
            continue
        value = data.get("points")
        if s.item.method == ItemMethod.OBJECTIVE:
            computed = s.computed_points or ZERO
            if value in (None, ""):
                s.review_points = computed
                s.override_reason = ""
            else:
                s.review_points = points(value, field=field, label=label, maximum=s.item.max_points)
                reason = (data.get("override_reason") or "").strip()
                if s.review_points != computed:
                    if not reason:
                        raise ValidationError({field: f"{label}：改动按平台数据计算的得分须写明理由"})
                    s.override_reason = reason[:500]
                    overrides[s.item.code] = [str(computed), str(s.review_points), reason]
                else:
                    s.override_reason = ""
        else:
            if value in (None, ""):
                raise ValidationError({field: f"{label}：请填写审核得分"})
            s.review_points = points(value, field=field, label=label, maximum=s.item.max_points)
    score = sum((s.review_points or ZERO) for s in rows if not s.item.is_veto)
    vetoed = bool(vetoes)
    stars = None if vetoed else entry.scheme.stars_for(score)
    compare_and_set(
        RatingEntry,
        pk=entry.pk,
        expected=EntryStatus.SUBMITTED,
        new=EntryStatus.REVIEWED,
        extra={
            "score": score,
            "stars": stars,
            "vetoed": vetoed,
            "veto_reason": "；".join(vetoes)[:300],
            "updated_at": timezone.now(),
        },
        message="该评定尚未提交自评，或已被他人审核，请刷新后重试。",
    )
    _save_scores(rows)
    entry.refresh_from_db()
    changes = {
        "status": [EntryStatus.SUBMITTED, EntryStatus.REVIEWED],
        "score": [None, str(score)],
        "stars": [None, stars],
    }
    if overrides:
        changes["overrides"] = overrides
    if vetoes:
        changes["vetoes"] = vetoes
    event_record(actor=actor, verb="ratingentry.review", obj=entry, changes=changes)
    return entry


@transaction.atomic
def entry_approve(*, entry: RatingEntry, actor) -> RatingEntry:
    """The city approves a reviewed entry (审定)."""
    check_perm(actor, "ratings.approve_ratingentry", region_code=entry.round.region_id)
    compare_and_set(
        RatingEntry,
        pk=entry.pk,
        expected=EntryStatus.REVIEWED,
        new=EntryStatus.APPROVED,
        extra={"updated_at": timezone.now()},
        message="该评定尚未审核完毕，或已被他人审定，请刷新后重试。",
    )
    entry.refresh_from_db()
    event_record(
        actor=actor,
        verb="ratingentry.approve",
        obj=entry,
        changes={"status": [EntryStatus.REVIEWED, EntryStatus.APPROVED]},
    )
    return entry


def notice_working_days() -> int:
    return max(1, settings.RATING_NOTICE_WORKING_DAYS)


@transaction.atomic
def round_publish(*, round: RatingRound, actor, today: datetime.date) -> RatingRound:
    """The city puts the approved results on public notice for RATING_NOTICE_WORKING_DAYS
    working days (apps/workdays calendar). Entries not approved by then are not rated this round."""
    from apps.workdays.calendar import add_working_days

    check_perm(actor, "ratings.approve_ratingentry", region_code=round.region_id)
    approved = RatingEntry.objects.filter(round=round, status=EntryStatus.APPROVED)
    if not approved.exists():
        raise DomainError("还没有审定的评定结果，不能公示。")
    ends = add_working_days(today, notice_working_days())
    compare_and_set(
        RatingRound,
        pk=round.pk,
        expected=RoundStatus.OPEN,
        new=RoundStatus.NOTICE,
        extra={"notice_starts_on": today, "notice_ends_on": ends, "updated_at": timezone.now()},
        message="本轮评定已公示或已结束。",
    )
    count = approved.update(status=EntryStatus.NOTICE, updated_at=timezone.now())
    round.refresh_from_db()
    event_record(
        actor=actor,
        verb="ratinground.publish",
        obj=round,
        changes={
            "status": [RoundStatus.OPEN, RoundStatus.NOTICE],
            "notice_ends_on": [None, ends.isoformat()],
            "entries": [None, count],
        },
    )
    return round


@transaction.atomic
def objection_lodge(*, entry: RatingEntry, text: str, actor, today: datetime.date) -> Objection:
    """Anyone who can see a result on notice may object to it until the notice ends."""
    from apps.core.scoping import scoped

    if actor is not None:
        if (
            not actor.has_perm("ratings.add_objection")
            or not scoped(RatingEntry.objects.filter(pk=entry.pk), actor).exists()
        ):
            from apps.core.errors import ForbiddenError

            raise ForbiddenError("您无权对该评定结果提出异议。")
    entry = RatingEntry.objects.select_related("round").get(pk=entry.pk)
    if entry.status != EntryStatus.NOTICE or not entry.round.notice_ends_on:
        raise DomainError("该评定结果不在公示期，不能提出异议。")
    if today > entry.round.notice_ends_on:
        raise DomainError(f"公示期已于 {entry.round.notice_ends_on:%Y-%m-%d} 结束，不能再提出异议。")
    text = (text or "").strip()
    if len(text) < 5:
        raise ValidationError({"text": "异议内容：请写明事实和理由（至少 5 个字）"})
    objection = Objection(entry=entry, text=text, lodged_by=actor if getattr(actor, "pk", None) else None)
    objection.full_clean()
    objection.save()
    event_record(actor=actor, verb="objection.object", obj=objection, changes={"text": [None, text[:200]]})
    return objection


@transaction.atomic
def objection_answer(*, objection: Objection, answer: str, actor) -> Objection:
    """The city or county answers an objection in writing; only then can the result become final."""
    check_perm(actor, "ratings.answer_objection", region_code=objection.entry.region_id)
    answer = (answer or "").strip()
    if len(answer) < 5:
        raise ValidationError({"answer": "答复：请写明核查情况和结论（至少 5 个字）"})
    now = timezone.now()
    compare_and_set(
        Objection,
        pk=objection.pk,
        expected=ObjectionStatus.OPEN,
        new=ObjectionStatus.ANSWERED,
        extra={
            "answer": answer,
            "answered_by": actor if getattr(actor, "pk", None) else None,
            "answered_at": now,
            "updated_at": now,
        },
        message="该异议已答复。",
    )
    objection.refresh_from_db()
    event_record(
        actor=actor, verb="objection.answer", obj=objection, changes={"answer": [None, answer[:200]]}
    )
    return objection


@transaction.atomic
def round_finalize(*, round: RatingRound, actor, today: datetime.date) -> RatingRound:
    """After the notice period, with every objection answered, the results become final. Each
    subject's previous final result is valid until the day before."""
    check_perm(actor, "ratings.approve_ratingentry", region_code=round.region_id)
    round = RatingRound.objects.select_for_update().get(pk=round.pk)
    if round.status != RoundStatus.NOTICE:
        raise DomainError("本轮评定不在公示期，不能确认生效。")
    if today <= round.notice_ends_on:
        raise DomainError(f"公示期至 {round.notice_ends_on:%Y-%m-%d}，期满后才能确认生效。")
    open_objections = Objection.objects.filter(entry__round=round, status=ObjectionStatus.OPEN)
    pending = open_objections.count()
    if pending:
        names = sorted(
            {
                str(o.entry.subject)
                for o in open_objections.select_related("entry__party_org", "entry__compound")[:5]
            }
        )
        raise DomainError(f"尚有 {pending} 条异议未答复（{'、'.join(names)}），答复后才能确认生效。")
    compare_and_set(
        RatingRound,
        pk=round.pk,
        expected=RoundStatus.NOTICE,
        new=RoundStatus.CLOSED,
        extra={"updated_at": timezone.now()},
        message="本轮评定已确认生效。",
    )
    entries = RatingEntry.objects.filter(round=round, status=EntryStatus.NOTICE)
    org_ids = list(entries.exclude(party_org=None).values_list("party_org_id", flat=True))
    compound_ids = list(entries.exclude(compound=None).values_list("compound_id", flat=True))
    yesterday = today - datetime.timedelta(days=1)
    for field, ids in (("party_org_id__in", org_ids), ("compound_id__in", compound_ids)):
        if ids:
            RatingEntry.objects.filter(
                status=EntryStatus.FINAL, valid_until__isnull=True, **{field: ids}
            ).update(valid_until=yesterday)
    count = entries.update(status=EntryStatus.FINAL, valid_from=today, updated_at=timezone.now())
    round.refresh_from_db()
    event_record(
        actor=actor,
        verb="ratinground.finalize",
        obj=round,
        changes={"status": [RoundStatus.NOTICE, RoundStatus.CLOSED], "entries": [None, count]},
    )
    return round


@transaction.atomic
def result_revoke(
    *, entry: RatingEntry, reason: str, actor, today: datetime.date, veto_code: str = ""
) -> RatingEntry:
    """A veto event during validity (a major safety accident, the black list, a substantiated
    serious complaint ...) revokes a final rating: audited, and the subject's staff are notified."""
    check_perm(actor, "ratings.revoke_ratingentry", region_code=entry.region_id)
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise ValidationError({"reason": "撤销原因：请写明否决事项和事实（至少 5 个字）"})
    if veto_code and not entry.scheme.items.filter(code=veto_code, method=ItemMethod.VETO).exists():
        raise ValidationError({"veto_code": "否决项：不是本办法的一票否决项"})
    if entry.valid_until and entry.valid_until < today:
        raise DomainError("该评定结果已过有效期，无需撤销。")
    old_stars = entry.stars
    full_reason = f"{veto_code} {reason}".strip()[:300]
    compare_and_set(
        RatingEntry,
        pk=entry.pk,
        expected=EntryStatus.FINAL,
        new=EntryStatus.REVOKED,
        extra={
            "revoked_stars": old_stars,
            "stars": None,
            "revoke_reason": full_reason,
            "valid_until": today,
            "updated_at": timezone.now(),
        },
        message="只有已生效的评定结果可以撤销。",
    )
    entry.refresh_from_db()
    event_record(
        actor=actor,
        verb="ratingentry.revoke",
        obj=entry,
        changes={"status": [EntryStatus.FINAL, EntryStatus.REVOKED], "stars": [old_stars, None]},
        note=full_reason,
    )
    _queue_notification(
        REVOKE_KIND, entry, f"星级撤销通知：{entry.subject} {entry.year}年度", {"entry": entry.pk}
    )
    return entry
