"""Stage deadlines on the working-day calendar: units, overrides, joint requests, holidays, and
the "日历缺失" behaviour for a year without holiday data."""

import datetime

import pytest
import time_machine

from apps.notifications.models import Notification
from apps.workdays.calendar import WorkCalendar
from apps.workdays.services import workday_notice_enter
from apps.workorders import services
from apps.workorders.choices import SlaCard, Status
from apps.workorders.deadlines import card_at, stage_times, warn_before
from apps.workorders.models import CategoryLimit
from apps.workorders.models.categories import Limit
from apps.workorders.sweep import sla_sweep
from apps.workorders.tests.helpers import at, category, fresh, submit, to_dispatched

PACKAGE = WorkCalendar()


def test_card_is_a_pure_function_of_time():
    warn, due = at(2026, 3, 3, 0), at(2026, 3, 4, 0)
    assert card_at(at(2026, 3, 2, 23), warn_at=warn, due_at=due) == SlaCard.NONE
    assert card_at(warn, warn_at=warn, due_at=due) == SlaCard.YELLOW
    assert card_at(due, warn_at=warn, due_at=due) == SlaCard.RED
    assert card_at(due, warn_at=None, due_at=None) == SlaCard.NONE


def test_yellow_starts_one_working_day_before_a_day_deadline(settings):
    # Deadline 24:00 on Thursday 10-08 (after National Day): the card turns yellow at 24:00 on 09-30.
    due = at(2026, 10, 9, 0)
    assert warn_before(due, Limit(1, "working_days"), PACKAGE) == at(2026, 10, 1, 0)
    settings.WORKORDER_YELLOW_BEFORE_WORKING_DAYS = 2
    assert warn_before(due, Limit(3, "working_days"), PACKAGE) == at(2026, 9, 30, 0)
    # Hour limits: when the last 25 % begins.
    assert warn_before(at(2026, 10, 1, 12), Limit(2, "hours"), PACKAGE) == at(2026, 10, 1, 11, 30)


def test_stage_times_over_national_day():
    times = stage_times(
        start=at(2026, 9, 30, 10), limit=Limit(1, "working_days"), level="community", cal=PACKAGE
    )
    assert times.due_at == at(2026, 10, 9, 0)  # the start day does not count; 10-01..07 are holidays
    assert times.warn_at == at(2026, 10, 1, 0)
    assert times.escalate_at == at(2026, 10, 10, 0)  # one more working day: 10-09
    assert not times.calendar_missing
    city = stage_times(start=at(2026, 9, 30, 10), limit=Limit(1, "working_days"), level="city", cal=PACKAGE)
    assert city.escalate_at is None  # nothing above the city


def test_utilities_run_on_clock_hours_even_on_a_holiday(world, users):
    with time_machine.travel(at(2026, 10, 1, 10), tick=False):
        order = submit(world, users, code="utilities", description="整栋楼停水")
    assert order.accept_due_at == at(2026, 10, 1, 12)
    assert order.warn_at == at(2026, 10, 1, 11, 30)


def test_urgent_and_city_overrides(world, users):
    with time_machine.travel(at(2026, 3, 2), tick=False):
        urgent = submit(world, users, urgency="urgent")
        assert urgent.accept_due_at == at(2026, 3, 2, 13)  # seeded urgent limit: 4 hours
        services.category_limit_create(
            actor=users["city"],
            data={
                "category": category(),
                "urgency": "normal",
                "city_code": "371300",
                "accept_limit": 3,
                "accept_unit": "working_days",
                "sign_limit": 1,
                "sign_unit": "working_days",
                "resolve_limit": 10,
                "resolve_unit": "working_days",
            },
        )
        normal = submit(world, users)
        assert normal.accept_due_at == at(2026, 3, 6, 0)  # Linyi's own limit: 3 working days
        assert submit(world, users, urgency="urgent").accept_due_at == at(2026, 3, 2, 13)  # urgent still wins
    with pytest.raises(Exception, match="本市"):  # Linyi may not set Heze's limits
        services.category_limit_create(
            actor=users["city"],
            data={
                "category": category(),
                "urgency": "normal",
                "city_code": "371700",
                "accept_limit": 3,
                "accept_unit": "working_days",
                "sign_limit": 1,
                "sign_unit": "working_days",
                "resolve_limit": 10,
                "resolve_unit": "working_days",
            },
        )
    assert CategoryLimit.objects.filter(city_code="371700").count() == 0


def test_joint_requests_are_accepted_within_the_joint_limit(world, users, settings):
    settings.WORKORDER_JOINT_ACCEPT_LIMIT_WORKING_DAYS = 1
    with time_machine.travel(at(2026, 3, 2), tick=False):
        single = submit(world, users, code="public_rooms", joint_owner_count=9)
        joint = submit(world, users, code="public_rooms", joint_owner_count=12)
    assert not single.is_joint and single.accept_due_at == at(2026, 3, 5, 0)  # category: 2 working days
    assert joint.is_joint and joint.accept_due_at == at(2026, 3, 4, 0)  # capped at 1 working day


def test_resolve_deadline_runs_from_the_dispatch(world, users):
    with time_machine.travel(at(2026, 3, 2, 9), tick=False):
        order = to_dispatched(world, users)
    with time_machine.travel(at(2026, 3, 4, 9), tick=False):  # signed late, a day after its sign deadline
        services.workorder_sign(order=fresh(order), actor=users["company"])
    order = fresh(order)
    assert order.current_assignment.sign_on_time is False
    assert order.due_at == at(2026, 3, 6, 0)  # 3 working days from the dispatch on 03-02


def test_calendar_missing_leaves_the_deadline_unset_and_alerts_the_city(
    world, users, django_capture_on_commit_callbacks
):
    with (
        time_machine.travel(at(2026, 12, 30, 10), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        order = submit(world, users, code="public_rooms")  # 2 working days: 12-31, then 2027
    order = fresh(order)
    assert order.status == Status.SUBMITTED  # intake still succeeds
    assert order.calendar_missing and order.accept_due_at is None and order.due_at is None
    assert order.sla_card == SlaCard.NONE  # no card from a guess
    alert = Notification.objects.get(kind="workdays.calendar_missing")
    assert alert.recipient == users["city"] and "2027年" in alert.body
    with time_machine.travel(at(2026, 12, 30, 11), tick=False):
        assert sla_sweep().deadlines_set == 0  # still nothing to compute with
        workday_notice_enter(
            actor=users["city"],
            year=2027,
            notice="国务院办公厅关于2027年部分节假日安排的通知（示例）",
            holidays=[datetime.date(2027, 1, 1)],
            workdays=[],
        )
        assert sla_sweep().deadlines_set == 1
    order = fresh(order)
    assert not order.calendar_missing and order.accept_due_at == order.due_at == at(2027, 1, 5, 0)
    assert order.escalate_at is not None


def test_a_calendar_gap_in_a_later_stage(world, users):
    with time_machine.travel(at(2026, 12, 24, 10), tick=False):
        order = to_dispatched(world, users)  # resolve: 3 working days → 12-29; return limit 12-28
    assert fresh(order).current_assignment.resolve_due_at == at(2026, 12, 30, 0)
    with time_machine.travel(at(2026, 12, 30, 10), tick=False):
        late = to_dispatched(world, users)  # sign: 12-31 fine; resolve and return limit need 2027
    late = fresh(late)
    assert late.due_at == at(2027, 1, 1, 0) and late.current_assignment.resolve_due_at is None
    assert late.calendar_missing  # the overdue-escalation time (a working day after 12-31) is unknown too
