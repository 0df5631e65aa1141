"""延期: the handling unit asks for more time once per dispatch (at most
WORKORDER_EXTENSION_MAX_WORKING_DAYS working days, before its deadline); the dispatching desk
approves — the resolve deadline moves on in working days — or refuses with a reason."""

import datetime
import re

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.http import Http404
from django.urls import reverse

from apps.core.errors import DomainError, ForbiddenError
from apps.core.models import Event
from apps.notifications.models import Notification
from apps.workdays.calendar import CALENDAR_TZ
from apps.workorders import deadlines, selectors, services
from apps.workorders.choices import ExtensionState, Level, SlaCard, Status
from apps.workorders.models import Assignment, WorkOrder
from apps.workorders.tests.helpers import at, fresh, photo, to_signed

MONDAY = at(2026, 3, 2)


@pytest.fixture(autouse=True)
def _monday():
    with time_machine.travel(MONDAY, tick=False):
        yield


def cst(y, m, d) -> datetime.datetime:
    return datetime.datetime(y, m, d, tzinfo=CALENDAR_TZ)


def current(order) -> Assignment:
    return Assignment.objects.get(pk=fresh(order).current_assignment_id)


def events(order, verb):
    return Event.objects.filter(
        content_type=ContentType.objects.get_for_model(WorkOrder), object_id=str(order.pk), verb=verb
    )


def test_extended_times_count_working_days_from_the_old_deadline(db):
    # Old deadline: the end of Friday 6 March 2026. Three working days after it: Mon 9, Tue 10,
    # Wed 11 (the weekend does not count) -> the end of Wednesday, i.e. Thursday 00:00.
    times = deadlines.extended_times(due=cst(2026, 3, 7), days=3, level=Level.COMMUNITY)
    assert times.due_at == cst(2026, 3, 12)
    assert times.warn_at == cst(2026, 3, 11)  # yellow during the last working day
    assert times.escalate_at == cst(2026, 3, 13)  # one working day after
    # Across National Day 2026 (1–7 October off; Saturday 10 October is a make-up working day):
    # from the end of Wednesday 30 September, two working days are Thursday 8 and Friday 9 October.
    times = deadlines.extended_times(due=cst(2026, 10, 1), days=2, level=Level.CITY)
    assert times.due_at == cst(2026, 10, 10) and times.escalate_at is None  # the city is the top


def test_the_unit_asks_and_the_desk_approves(world, users, django_capture_on_commit_callbacks):
    order = to_signed(world, users)
    old_due = current(order).resolve_due_at
    assert fresh(order).due_at == old_due
    with django_capture_on_commit_callbacks(execute=True):
        services.workorder_extend(order=fresh(order), actor=users["company"], days=3, reason="需订购电梯配件")
    a = current(order)
    assert (a.extension_state, a.extension_days, a.extension_reason) == ("pending", 3, "需订购电梯配件")
    assert a.resolve_due_at == old_due and fresh(order).status == Status.SIGNED  # nothing moves yet
    assert events(order, "workorder.extend").count() == 1
    assert Notification.objects.filter(recipient=users["community"], kind="workorder.extend").exists()
    assert order in selectors.workorder_queue(user=users["community"], queue="to_approve_extension")
    assert not selectors.workorder_queue(user=users["company"], queue="to_approve_extension").exists()

    with django_capture_on_commit_callbacks(execute=True):
        services.workorder_approve_extension(order=fresh(order), actor=users["community"], approve=True)
    a, o = current(order), fresh(order)
    expected = deadlines.extended_times(due=old_due, days=3, level=o.level)
    assert a.extension_state == ExtensionState.APPROVED and a.resolve_due_before_extension == old_due
    assert a.resolve_due_at == o.due_at == expected.due_at > old_due
    assert (o.warn_at, o.escalate_at) == (expected.warn_at, expected.escalate_at)
    assert events(order, "workorder.approve_extension").count() == 1
    assert Notification.objects.filter(
        recipient=users["company"], kind="workorder.approve_extension"
    ).exists()
    assert not selectors.workorder_queue(user=users["community"], queue="to_approve_extension").exists()
    with pytest.raises(DomainError, match="已批准延期一次"):
        services.workorder_extend(order=fresh(order), actor=users["company"], days=1, reason="再延")
    # resolving inside the extended deadline is on time
    with time_machine.travel(old_due + datetime.timedelta(hours=1), tick=False):
        services.workorder_resolve(
            order=fresh(order), actor=users["company"], note="已更换配件", photo_files=[photo()]
        )
    assert current(order).resolve_on_time is True


def test_an_approved_extension_lifts_a_yellow_card(world, users):
    order = to_signed(world, users)
    due = fresh(order).due_at
    services.workorder_extend(order=fresh(order), actor=users["company"], days=5, reason="施工受天气影响")
    with time_machine.travel(due - datetime.timedelta(hours=2), tick=False):
        WorkOrder.objects.filter(pk=order.pk).update(sla_card=SlaCard.YELLOW)
        services.workorder_approve_extension(order=fresh(order), actor=users["community"], approve=True)
    assert fresh(order).sla_card == SlaCard.NONE


def test_the_desk_refuses_with_a_reason_and_the_unit_may_ask_again(world, users):
    order = to_signed(world, users)
    old_due = fresh(order).due_at
    services.workorder_extend(order=fresh(order), actor=users["company"], days=2, reason="人手不足")
    with pytest.raises(DomainError, match="请填写审批意见"):
        services.workorder_approve_extension(order=fresh(order), actor=users["community"], approve=False)
    services.workorder_approve_extension(
        order=fresh(order), actor=users["community"], approve=False, note="人手不足不是延期理由"
    )
    a = current(order)
    assert a.extension_state == ExtensionState.REFUSED and a.extension_decision_note == "人手不足不是延期理由"
    assert fresh(order).due_at == old_due == a.resolve_due_at
    services.workorder_extend(order=fresh(order), actor=users["company"], days=1, reason="等待业主配合入户")
    assert current(order).extension_state == ExtensionState.PENDING


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"days": 0, "reason": "x"}, "延期天数应为1至10个工作日"),
        ({"days": 11, "reason": "x"}, "延期天数应为1至10个工作日"),
        ({"days": "3", "reason": "x"}, "延期天数应为1至10个工作日"),
        ({"days": 3, "reason": "  "}, "请填写延期理由"),
    ],
)
def test_bad_requests_change_nothing(world, users, kwargs, message):
    order = to_signed(world, users)
    before = fresh(order).version
    with pytest.raises(DomainError, match=message):
        services.workorder_extend(order=fresh(order), actor=users["company"], **kwargs)
    assert fresh(order).version == before and current(order).extension_state == ExtensionState.NONE


def test_the_limit_is_a_setting(world, users, settings):
    settings.WORKORDER_EXTENSION_MAX_WORKING_DAYS = 15
    order = to_signed(world, users)
    services.workorder_extend(order=fresh(order), actor=users["company"], days=15, reason="大修")
    assert current(order).extension_days == 15


def test_refusals_by_state_role_scope_and_time(world, users):
    order = to_signed(world, users)
    with pytest.raises(DomainError, match="没有待审批的延期申请"):
        services.workorder_approve_extension(order=fresh(order), actor=users["community"], approve=True)
    with pytest.raises(ForbiddenError):  # the desk cannot ask for the unit
        services.workorder_extend(order=fresh(order), actor=users["community"], days=1, reason="x")
    with pytest.raises(Http404):  # a unit that does not see the order never learns it exists
        services.workorder_extend(order=fresh(order), actor=users["department"], days=1, reason="x")
    services.workorder_extend(order=fresh(order), actor=users["company"], days=1, reason="等配件")
    with pytest.raises(DomainError, match="正在审批中"):
        services.workorder_extend(order=fresh(order), actor=users["company"], days=2, reason="再等")
    with pytest.raises(ForbiddenError):  # the unit cannot approve its own request
        services.workorder_approve_extension(order=fresh(order), actor=users["company"], approve=True)
    late = to_signed(world, users)
    with time_machine.travel(fresh(late).due_at + datetime.timedelta(minutes=1), tick=False):
        with pytest.raises(DomainError, match="已超过办结期限"):
            services.workorder_extend(order=fresh(late), actor=users["company"], days=1, reason="来不及")


def test_through_the_order_page(world, users, client_for):
    order = to_signed(world, users)
    client = client_for("company")
    page = client.get(reverse("workorder_detail", args=[order.pk])).content.decode()
    assert "申请延期" in re.search(r'<div class="actions">(.*?)</div>', page, re.S).group(1)
    action = reverse("workorder_action", args=[order.pk, "extend"])
    response = client.post(action, {"version": fresh(order).version, "days": "12", "reason": "x"})
    assert response.status_code == 400 and "延期天数不能超过10个工作日" in response.content.decode()
    response = client.post(action, {"version": fresh(order).version, "days": "4", "reason": "需业主配合"})
    assert response.status_code in (200, 302)
    assert current(order).extension_state == ExtensionState.PENDING
    desk = client_for("community")
    page = desk.get(reverse("workorder_detail", args=[order.pk])).content.decode()
    assert "申请延期4个工作日，待审批：需业主配合" in page and "审批延期" in page
    action = reverse("workorder_action", args=[order.pk, "approve_extension"])
    form = desk.get(action).content.decode()
    assert "申请延期4个工作日，理由：需业主配合" in form
    response = desk.post(action, {"version": fresh(order).version, "decision": "refuse"})
    assert response.status_code == 400 and "不批准延期时请填写审批意见" in response.content.decode()
    response = desk.post(action, {"version": fresh(order).version, "decision": "approve"})
    assert response.status_code in (200, 302) and current(order).extension_state == ExtensionState.APPROVED
    page = desk.get(reverse("workorder_detail", args=[order.pk])).content.decode()
    assert "已延期4个工作日" in page and "批准延期4个工作日" in page
