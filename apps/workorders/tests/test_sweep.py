"""`sla_sweep`: yellow and red cards, automatic escalation, idempotence, digests."""

import io

import time_machine
from django.core.management import call_command

from apps.core.models import Event
from apps.notifications.models import Notification
from apps.workorders import services
from apps.workorders.choices import EscalationReason, Level, SlaCard, Status
from apps.workorders.models import Escalation, WorkOrder
from apps.workorders.sweep import sla_sweep
from apps.workorders.tests.helpers import at, fresh, submit, to_dispatched


def sweep_at(when, **kw):
    with time_machine.travel(when, tick=False):
        return sla_sweep(**kw)


def test_cards_then_escalation_and_every_run_is_idempotent(world, users):
    with time_machine.travel(at(2026, 3, 2, 9), tick=False):  # Monday: due 24:00 Tuesday
        order = submit(world, users)
    assert (order.warn_at, order.due_at, order.escalate_at) == (
        at(2026, 3, 3, 0),
        at(2026, 3, 4, 0),
        at(2026, 3, 5, 0),
    )
    assert sweep_at(at(2026, 3, 2, 10)).changed == 0
    assert sweep_at(at(2026, 3, 3, 8)).yellow == 1
    assert fresh(order).sla_card == SlaCard.YELLOW
    events_before, notes_before = Event.objects.count(), Notification.objects.count()
    assert sweep_at(at(2026, 3, 3, 8, 1)).changed == 0
    assert (Event.objects.count(), Notification.objects.count()) == (events_before, notes_before)
    assert sweep_at(at(2026, 3, 4, 1)).red == 1
    assert sweep_at(at(2026, 3, 4, 2)).changed == 0
    report = sweep_at(at(2026, 3, 5, 0, 30))
    assert report.escalated == 1
    order = fresh(order)
    assert order.level == Level.STREET and order.status == Status.ACCEPTED
    assert order.sla_card == SlaCard.NONE and order.due_at == at(
        2026, 3, 7, 0
    )  # the street's own working day
    esc = Escalation.objects.get(order=order)
    assert esc.actor is None and esc.reason == EscalationReason.OVERDUE
    assert Event.objects.filter(verb="workorder.escalate", object_id=str(order.pk), actor=None).count() == 1
    assert (
        Notification.objects.filter(recipient=users["street"], kind="workorder.sweep.escalated").count() == 1
    )
    assert sweep_at(at(2026, 3, 5, 0, 31)).changed == 0


def test_red_card_goes_to_the_unit_that_holds_the_order(world, users):
    with time_machine.travel(at(2026, 3, 2, 9), tick=False):
        order = to_dispatched(world, users)
    sweep_at(at(2026, 3, 4, 1))
    assert fresh(order).sla_card == SlaCard.RED
    assert Notification.objects.filter(recipient=users["company"], kind="workorder.sweep.red").exists()
    with time_machine.travel(at(2026, 3, 4, 2), tick=False):  # signing starts a new stage: the card resets
        services.workorder_sign(order=fresh(order), actor=users["company"])
    assert fresh(order).sla_card == SlaCard.NONE


def test_repeated_reports_escalate_at_the_next_sweep(world, users, settings):
    settings.WORKORDER_ESCALATE_AFTER_DUPLICATES = 2
    with time_machine.travel(at(2026, 3, 2, 9), tick=False):
        target = submit(world, users)
        for _ in range(2):
            services.workorder_merge(order=submit(world, users), actor=users["community"], target=target)
    assert sweep_at(at(2026, 3, 2, 9, 1)).escalated == 1
    assert Escalation.objects.get(order=target).reason == EscalationReason.REPEATED
    assert fresh(target).level == Level.STREET


def test_many_orders_in_small_batches(world, users):
    with time_machine.travel(at(2026, 3, 2, 9), tick=False):
        orders = [submit(world, users) for _ in range(23)]
    report = sweep_at(at(2026, 3, 5, 1), batch=5)
    # The red card step runs before escalation, so every order was first carded, then escalated.
    assert report.red == 23 and report.escalated == 23
    assert set(WorkOrder.objects.filter(pk__in=[o.pk for o in orders]).values_list("level", flat=True)) == {
        Level.STREET
    }
    assert Event.objects.filter(verb="workorder.escalate").count() == 23
    assert sweep_at(at(2026, 3, 5, 1, 1), batch=5).changed == 0


def test_automatic_escalation_can_be_switched_off(world, users, settings):
    settings.WORKORDER_AUTO_ESCALATE_OVERDUE = False
    with time_machine.travel(at(2026, 3, 2, 9), tick=False):
        order = submit(world, users)
    assert order.escalate_at is None
    assert sweep_at(at(2026, 3, 9)).escalated == 0


def test_coverage_alert_once_a_day(world, users):
    report = sweep_at(at(2026, 11, 26, 9))
    assert "2027年" in report.calendar_warning
    sweep_at(at(2026, 11, 26, 9, 1))
    alerted = set(
        Notification.objects.filter(kind="workdays.coverage").values_list("recipient__username", flat=True)
    )
    assert Notification.objects.filter(kind="workdays.coverage").count() == 2
    assert alerted == {users["city"].username, users["heze_city"].username}  # every city official, once


def test_the_command(world, users):
    out = io.StringIO()
    with time_machine.travel(at(2026, 3, 2, 9), tick=False):
        call_command("sla_sweep", stdout=out)
    assert "红牌 0" in out.getvalue()
