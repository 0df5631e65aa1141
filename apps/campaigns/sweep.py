"""The sweep (`manage.py campaigns_sweep`, cron every few minutes): yellow and red cards of
sub-items and decisions on the working-day calendar, and the escalation of overdue decisions to
the convening level. Idempotent: every UPDATE re-checks its condition, so running it twice (or on
two machines at once) changes nothing the second time."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from apps.campaigns.choices import Card, DecisionStatus, SubItemStatus
from apps.campaigns.models import Decision, SubItem
from apps.core.services import event_record

UNFINISHED = [SubItemStatus.PLANNED, SubItemStatus.IN_PROGRESS]


@dataclass
class SweepReport:
    subitems_red: int = 0
    subitems_yellow: int = 0
    decisions_red: int = 0
    decisions_yellow: int = 0
    escalated: int = 0

    def __str__(self):
        return (
            f"子项目 红牌 {self.subitems_red}、黄牌 {self.subitems_yellow}；"
            f"议定事项 红牌 {self.decisions_red}、黄牌 {self.decisions_yellow}、督办 {self.escalated}"
        )


def _cards(model, base: Q, now) -> tuple[int, int]:
    red = model.objects.filter(base, due_at__lte=now, card__in=[Card.NONE, Card.YELLOW]).update(
        card=Card.RED, card_changed_at=now
    )
    yellow = model.objects.filter(base, warn_at__lte=now, due_at__gt=now, card=Card.NONE).update(
        card=Card.YELLOW, card_changed_at=now
    )
    return red, yellow


@transaction.atomic
def campaigns_sweep(*, now: datetime.datetime | None = None) -> SweepReport:
    now = now or timezone.now()
    report = SweepReport()
    report.subitems_red, report.subitems_yellow = _cards(SubItem, Q(status__in=UNFINISHED), now)
    report.decisions_red, report.decisions_yellow = _cards(Decision, Q(status=DecisionStatus.OPEN), now)
    due = list(
        Decision.objects.filter(status=DecisionStatus.OPEN, escalated_at__isnull=True, escalate_at__lte=now)
        .select_related("meeting")
        .order_by("pk")
    )
    for decision in due:
        # the UPDATE re-checks: a decision escalated (or closed) meanwhile is left alone
        if not Decision.objects.filter(
            pk=decision.pk, status=DecisionStatus.OPEN, escalated_at__isnull=True
        ).update(escalated_at=now):
            continue
        report.escalated += 1
        event_record(
            actor=None,
            verb="decision.escalate",
            obj=decision,
            changes={"escalated_at": [None, now.isoformat()]},
            note=f"逾期未办结，督办至{decision.meeting.convener_name}",
        )
        _notify_convener(decision)
    return report


def _notify_convener(decision: Decision) -> None:
    from apps.accounts.models import User
    from apps.notifications.services import notify_on_commit

    meeting = decision.meeting
    officials = User.objects.filter(is_active=True, region_id=meeting.region_code)
    notify_on_commit(
        recipients=list(officials),
        kind="campaigns",
        title=f"议定事项逾期未办结：{decision.text[:40]}",
        body=f"{meeting.title} · 责任单位 {decision.owner_unit} · 期限 {decision.deadline:%Y-%m-%d}",
        link=decision.get_absolute_url(),
    )
