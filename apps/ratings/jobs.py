"""Background job kinds of the ratings app (registered with apps.jobs): the notifications of a
round's opening and of a revoked result. Each runs once per round / revoked entry (its
idempotency key) and writes its inbox rows in one transaction with an audit event that marks
it done, so a job run again (a retry, a killed worker) notifies nobody twice."""

from __future__ import annotations

from django.db import transaction

from apps.core.models import Event
from apps.core.services import event_record
from apps.jobs.errors import JobError
from apps.jobs.registry import handler

ROUND_OPEN_KIND = "ratings.round_open_notify"
REVOKE_KIND = "ratings.revoke_notify"
NOTIFIED_ROUND = "ratinground.notify"
NOTIFIED_ENTRY = "ratingentry.notify"


def _company_staff(company_ids):
    from apps.accounts.models import User

    ids = {c for c in company_ids if c}
    if not ids:
        return []
    return list(User.objects.filter(company_id__in=ids, is_active=True).order_by("pk"))


def _notify_once(obj, verb: str, send) -> int:
    """Call `send()` (it writes inbox rows, returns how many) unless this object's notification
    is recorded already; the record and the rows commit together. The object's row is locked so
    two runs of the job at once cannot both pass the check."""
    with transaction.atomic():
        type(obj).objects.select_for_update().filter(pk=obj.pk).first()
        if Event.objects.filter(verb=verb, object_id=str(obj.pk)).exists():
            return -1
        sent = send()
        event_record(actor=None, verb=verb, obj=obj, note=f"已通知 {sent} 人")
    return sent


@handler(ROUND_OPEN_KIND, label="评定开启通知")
def round_open_notify(ctx, *, round: int) -> dict:
    """The staff of every subject's property company learn that the round is open and by when
    they must submit their self-assessment."""
    from apps.notifications.services import notify
    from apps.ratings.models import RatingEntry, RatingRound

    rnd = RatingRound.objects.filter(pk=round).first()
    if rnd is None:
        raise JobError(f"评定轮次 {round} 不存在")

    def send() -> int:
        companies = set(
            RatingEntry.objects.filter(round=rnd, party_org__isnull=False).values_list(
                "party_org__company_id", flat=True
            )
        ) | set(
            RatingEntry.objects.filter(round=rnd, compound__isnull=False).values_list(
                "compound__company_id", flat=True
            )
        )
        recipients = _company_staff(companies)
        if not recipients:
            return 0
        return notify(
            recipients=recipients,
            kind="rating",
            title=f"星级评定已开启：{rnd.title}",
            body=f"请于 {rnd.self_assess_due:%Y年%m月%d日} 前在“星级评定”中提交自评。",
            link=rnd.get_absolute_url(),
        )

    sent = _notify_once(rnd, NOTIFIED_ROUND, send)
    return {"notified": max(sent, 0), "again": sent < 0}


@handler(REVOKE_KIND, label="星级撤销通知")
def revoke_notify(ctx, *, entry: int) -> dict:
    """The staff of the subject's property company learn that its rating was revoked, and why."""
    from apps.notifications.services import notify
    from apps.ratings.models import RatingEntry
    from apps.ratings.services.rounds import _company_of

    found = RatingEntry.objects.select_related("party_org", "compound").filter(pk=entry).first()
    if found is None:
        raise JobError(f"评定结果 {entry} 不存在")

    def send() -> int:
        recipients = _company_staff([_company_of(found)])
        if not recipients:
            return 0
        return notify(
            recipients=recipients,
            kind="rating",
            title=f"星级评定结果已撤销：{found.subject} {found.year}年度",
            body=found.revoke_reason,
            link=found.get_absolute_url(),
        )

    sent = _notify_once(found, NOTIFIED_ENTRY, send)
    return {"notified": max(sent, 0), "again": sent < 0}
