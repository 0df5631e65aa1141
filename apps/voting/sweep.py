"""The publication deadline (山东省物业管理条例 第三十二条: the result is posted within
`publish_within_days` days of the vote): a closed decision not published by then is reported to
the community and street officials once (the audit event `decision.publish_overdue` is both the
record and the guard, so the sweep can run as often as cron likes)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from apps.core.models import Event
from apps.core.roles import Role
from apps.core.services import event_record
from apps.voting.choices import DecisionStatus
from apps.voting.models import Decision
from apps.voting.rules import voting_rules_for

OVERDUE_VERB = "decision.publish_overdue"


@dataclass
class SweepReport:
    checked: int = 0
    overdue: int = 0

    def __str__(self) -> str:
        return f"已截止未公布的表决 {self.checked} 项，本次提醒逾期未公布 {self.overdue} 项"


def publish_due_on(decision: Decision) -> datetime.date | None:
    """The last day to post the result of a closed decision."""
    if decision.closed_at is None:
        return None
    days = voting_rules_for(decision.compound.community_id).publish_within_days
    return timezone.localtime(decision.closed_at).date() + datetime.timedelta(days=days)


def _officials(decision: Decision):
    from apps.accounts.models import User

    community = decision.compound.community_id
    return tuple(
        User.objects.filter(
            is_active=True,
            role__in=[Role.COMMUNITY, Role.STREET],
            region_id__in=[community, community[:9]],
        )
    )


def voting_sweep(*, now=None) -> SweepReport:
    from apps.notifications.services import Message, notify_batch

    now = now or timezone.now()
    today = timezone.localtime(now).date()
    report = SweepReport()
    ct = ContentType.objects.get_for_model(Decision)
    reminded = set(
        Event.objects.filter(content_type=ct, verb=OVERDUE_VERB).values_list("object_id", flat=True)
    )
    closed = Decision.objects.filter(status=DecisionStatus.CLOSED).select_related("compound")
    for decision in closed.iterator():
        report.checked += 1
        due = publish_due_on(decision)
        if due is None or today <= due or str(decision.pk) in reminded:
            continue
        with transaction.atomic():
            # the guard row and the message in one transaction: a reminder is sent exactly once
            if (
                not Decision.objects.select_for_update()
                .filter(pk=decision.pk, status=DecisionStatus.CLOSED)
                .exists()
                or Event.objects.filter(
                    content_type=ct, object_id=str(decision.pk), verb=OVERDUE_VERB
                ).exists()
            ):
                continue
            event_record(
                actor=None,
                verb=OVERDUE_VERB,
                obj=decision,
                note=f"应于 {due:%Y-%m-%d} 前公布表决结果，至今未公布",
                at=now,
            )
            notify_batch(
                [
                    Message(
                        recipients=_officials(decision),
                        kind="voting",
                        title=f"表决结果逾期未公布：{decision.title}",
                        body=(
                            f"{decision.compound.name}的表决已于 {timezone.localtime(decision.closed_at):%Y-%m-%d} "
                            f"截止，应于 {due:%Y-%m-%d} 前公布结果（山东省物业管理条例第三十二条），请尽快公布。"
                        ),
                        link=decision.get_absolute_url(),
                    )
                ],
                at=now,
            )
        report.overdue += 1
    return report
