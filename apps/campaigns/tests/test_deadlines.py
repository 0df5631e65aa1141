"""Sub-item and decision deadlines on the working-day calendar: the National Day holiday of 2026
(10-01 … 10-07 off, 09-25 Mid-Autumn) moves a deadline and its yellow card; the sweep is
idempotent; an overdue decision escalates to the convening street and shows on its workbench."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from apps.campaigns import services
from apps.campaigns.choices import Card
from apps.campaigns.deadlines import times_for_day
from apps.campaigns.selectors import escalated_decisions_for
from apps.campaigns.sweep import campaigns_sweep
from apps.campaigns.tests.helpers import held_meeting, subitem
from apps.workdays.calendar import WorkCalendar

pytestmark = pytest.mark.django_db
CST = ZoneInfo("Asia/Shanghai")
HOLIDAY_FINISH = datetime.date(2026, 10, 3)  # a Saturday inside the National Day holiday


def at(*args):
    return datetime.datetime(*args, tzinfo=CST)


def test_deadline_on_a_holiday_moves_to_the_next_working_day(settings):
    settings.CAMPAIGNS_YELLOW_BEFORE_WORKING_DAYS = 3
    t = times_for_day(HOLIDAY_FINISH)
    assert t.due_at == at(2026, 10, 9)  # 24:00 of Thursday 10-08, the first working day after
    # yellow during the last 3 working days: 09-29, 09-30 and 10-08 (the holiday is not counted)
    assert t.warn_at == at(2026, 9, 29)


def test_missing_calendar_year_leaves_the_deadline_unset():
    t = times_for_day(datetime.date(2031, 5, 6), cal=WorkCalendar(use_package=False))
    assert t.calendar_missing and t.due_at is None


def test_overdue_subitem_yellow_then_red_across_the_holiday(cw, settings):
    settings.CAMPAIGNS_YELLOW_BEFORE_WORKING_DAYS = 3
    with time_machine.travel(at(2026, 9, 20, 9), tick=False):
        item = subitem(cw, planned_start=datetime.date(2026, 9, 21), planned_finish=HOLIDAY_FINISH)
    assert item.due_at == at(2026, 10, 9)
    r = campaigns_sweep(now=at(2026, 9, 28, 12))
    item.refresh_from_db()
    assert item.card == Card.NONE and r.subitems_yellow == 0
    campaigns_sweep(now=at(2026, 9, 30, 12))
    item.refresh_from_db()
    assert item.card == Card.YELLOW
    # 10-05: past the planned finish day, but the holiday moved the deadline — still yellow
    campaigns_sweep(now=at(2026, 10, 5, 12))
    item.refresh_from_db()
    assert item.card == Card.YELLOW
    r = campaigns_sweep(now=at(2026, 10, 9, 0, 1))
    item.refresh_from_db()
    assert item.card == Card.RED and r.subitems_red == 1
    again = campaigns_sweep(now=at(2026, 10, 9, 0, 2))
    assert (again.subitems_red, again.subitems_yellow) == (0, 0)  # idempotent


def test_accepted_or_completed_subitems_are_never_carded(cw, png):
    item = subitem(cw, planned_start=datetime.date(2026, 9, 21), planned_finish=datetime.date(2026, 9, 22))
    services.subitem_progress(
        actor=cw.users["company"], subitem=item, note="完工", completes=True, after_photos=[png()]
    )
    campaigns_sweep(now=at(2026, 11, 1))
    item.refresh_from_db()
    assert item.card == Card.NONE


def _decision(world, deadline):
    from apps.campaigns.models import JointMeeting

    # the world's meeting is set for three days from today; this one met in September
    JointMeeting.objects.filter(pk=world.own["meeting"].pk).update(scheduled_at=at(2026, 9, 19, 9))
    world.own["meeting"].refresh_from_db()
    meeting = held_meeting(world)
    return services.decision_add(
        actor=world.users["street"],
        meeting=meeting,
        text="物业公司划定停车位，业委会公示方案",
        owner_kind="company",
        owner_unit="罗庄安居物业",
        deadline=deadline,
        required_evidence="公示照片",
    )


def test_overdue_decision_escalates_to_the_convening_street(cw, settings, django_capture_on_commit_callbacks):
    from apps.notifications.models import Notification

    settings.CAMPAIGNS_DECISION_ESCALATE_AFTER_WORKING_DAYS = 0
    with time_machine.travel(at(2026, 9, 20, 9), tick=False):
        decision = _decision(cw, HOLIDAY_FINISH)
    assert decision.escalate_at == at(2026, 10, 9)
    r = campaigns_sweep(now=at(2026, 10, 8, 12))
    decision.refresh_from_db()
    assert decision.card == Card.YELLOW and decision.escalated_at is None and r.escalated == 0
    with django_capture_on_commit_callbacks(execute=True):
        r = campaigns_sweep(now=at(2026, 10, 9, 8))
    decision.refresh_from_db()
    assert decision.card == Card.RED and decision.escalated_at is not None and r.escalated == 1
    assert campaigns_sweep(now=at(2026, 10, 9, 9)).escalated == 0  # idempotent
    # the street that convened sees it on its workbench; another county does not
    assert list(escalated_decisions_for(user=cw.users["street"])) == [decision]
    assert list(escalated_decisions_for(user=cw.users["city"])) == [decision]
    assert not escalated_decisions_for(user=cw.users["other_county"]).exists()
    # and the street's officials are told
    assert Notification.objects.filter(recipient=cw.users["street"], kind="campaigns").exists()
    assert not Notification.objects.filter(recipient=cw.users["other_county"]).exists()


def test_escalation_waits_the_configured_working_days(cw, settings):
    settings.CAMPAIGNS_DECISION_ESCALATE_AFTER_WORKING_DAYS = 1
    with time_machine.travel(at(2026, 9, 20, 9), tick=False):
        decision = _decision(cw, HOLIDAY_FINISH)
    assert decision.escalate_at == at(2026, 10, 10)  # end of Friday 10-09
    campaigns_sweep(now=at(2026, 10, 9, 12))
    decision.refresh_from_db()
    assert decision.card == Card.RED and decision.escalated_at is None
    campaigns_sweep(now=at(2026, 10, 10, 1))
    decision.refresh_from_db()
    assert decision.escalated_at is not None


def test_decision_closed_late_is_not_on_time(cw):
    with time_machine.travel(at(2026, 9, 20, 9), tick=False):
        decision = _decision(cw, datetime.date(2026, 9, 22))
    with time_machine.travel(at(2026, 10, 12, 9), tick=False):
        services.decision_close(actor=cw.users["street"], decision=decision, evidence_note="已公示")
    decision.refresh_from_db()
    assert decision.on_time is False


def test_sweep_command_runs(cw, capsys):
    from django.core.management import call_command

    call_command("campaigns_sweep")
    assert "子项目" in capsys.readouterr().out
