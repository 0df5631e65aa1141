"""Who sees which order, the workbench queues, reporter masking, timeline, tracking, notifications."""

import pytest
import time_machine
from django.core import mail
from django.http import Http404

from apps.core.scoping import scoped
from apps.jobs.testing import drain
from apps.notifications import sms
from apps.notifications.models import Notification
from apps.notifications.selectors import inbox_for, unread_count
from apps.notifications.services import muted, notification_mark_read
from apps.workorders import policy, selectors, services
from apps.workorders.choices import EscalationReason
from apps.workorders.models import (
    Assignment,
    CallBack,
    CommunityMonthStat,
    CountyMonthStat,
    HandlerMonthStat,
    WorkOrder,
)
from apps.workorders.tests.helpers import (
    at,
    fresh,
    submit,
    to_called_back,
    to_dispatched,
    to_resolved,
    to_signed,
)


@pytest.fixture(autouse=True)
def _monday():
    with time_machine.travel(at(2026, 3, 2), tick=False):
        yield


def visible(users, order) -> set[str]:
    """Who sees the order by the one rule (policy.visible_clauses), as the lists filter it
    (WorkOrder.scope_q) and as a loaded order is checked (policy.can_see): both must agree."""
    by_filter = {k for k, u in users.items() if scoped(WorkOrder.objects.filter(pk=order.pk), u).exists()}
    fresh = WorkOrder.objects.get(pk=order.pk)
    assert {k for k, u in users.items() if policy.can_see(u, fresh)} == by_filter
    return by_filter


def test_the_visibility_rule_per_scope(users):
    from apps.core.scoping import scope_of

    department = policy.visible_clauses(scope_of(users["department"]))
    assert department[0] == ("assigned", ("department_id", users["department"].department_id))
    assert not any(kind == "region" for kind, _ in department)  # only what was assigned to it
    assert ("assigned", ("company_id", users["company"].company_id)) in policy.visible_clauses(
        scope_of(users["company"])
    )
    assert ("reporter", users["resident"].pk) in policy.visible_clauses(scope_of(users["resident"]))
    street = policy.visible_clauses(scope_of(users["street"]))
    assert street[0] == ("region", scope_of(users["street"]).region_prefix)
    assert not any(kind == "assigned" for kind, _ in street)


def test_who_sees_an_order(world, users):
    order = to_dispatched(world, users)
    officials = {"city", "county", "street", "community"}
    assert visible(users, order) == officials | {"company", "resident"}
    services.workorder_return(order=order, actor=users["company"], reason="非本单位")
    services.workorder_dispatch(order=order, actor=users["community"], handler=world.department)
    assert visible(users, order) == officials | {
        "company",
        "department",
        "resident",
    }  # previously assigned too
    services.workorder_return(order=order, actor=users["department"], reason="非本部门")
    services.workorder_dispatch(order=order, actor=users["community"], handler=world.committee)
    assert visible(users, order) == officials | {"company", "department", "committee", "resident"}
    # Related records follow the order's scope.
    for model in (Assignment,):
        assert not scoped(model.objects.filter(order=order), users["other_county"]).exists()
        assert scoped(model.objects.filter(order=order), users["department"]).exists()


def test_department_handlers_see_only_their_assignments(world, users):
    submit(world, users)  # in the department's county, never assigned to it
    assert not selectors.workorder_list_for(user=users["department"]).exists()
    with pytest.raises(Http404):
        selectors.workorder_get_for(user=users["department"], pk=WorkOrder.objects.get().pk)


def test_rollup_rows_are_scoped(world, users):
    to_called_back(world, users)
    assert scoped(CountyMonthStat.objects.all(), users["county"]).count() == 2  # the category and the total
    assert scoped(CommunityMonthStat.objects.all(), users["community"]).count() == 2
    assert not scoped(CountyMonthStat.objects.all(), users["other_county"]).exists()
    assert scoped(HandlerMonthStat.objects.all(), users["company"]).count() == 1
    assert not scoped(HandlerMonthStat.objects.all(), users["department"]).exists()
    assert not scoped(CallBack.objects.all(), users["heze_city"]).exists()


def test_workbench_queues(world, users):
    order = submit(world, users)
    assert list(selectors.workorder_queue(user=users["community"], queue="to_accept")) == [order]
    assert not selectors.workorder_queue(user=users["street"], queue="to_accept").exists()
    services.workorder_accept(order=order, actor=users["community"])
    assert list(selectors.workorder_queue(user=users["community"], queue="to_dispatch")) == [order]
    services.workorder_escalate(order=order, actor=users["community"], reason=EscalationReason.REFUSED)
    assert not selectors.workorder_queue(user=users["community"], queue="to_dispatch").exists()
    assert list(selectors.workorder_queue(user=users["street"], queue="to_dispatch")) == [order]
    services.workorder_dispatch(order=order, actor=users["street"], handler=world.company)
    assert list(selectors.workorder_queue(user=users["company"], queue="to_sign")) == [order]
    assert not selectors.workorder_queue(user=users["department"], queue="to_sign").exists()
    counts = selectors.workorder_queue_counts(user=users["company"])
    assert counts["to_sign"] == 1 and counts["to_resolve"] == 0
    assert not selectors.workorder_queue(user=users["outsider"], queue="to_sign").exists()


def test_card_queues_of_a_handler_hold_only_what_waits_for_it(world, users):
    """After resolving, the call-back is the community's: the company's red queue no longer shows
    the order, though the company stays its handler; the desk still sees both."""
    signed = to_signed(world, users)
    resolved = to_resolved(world, users)
    WorkOrder.objects.filter(pk__in=[signed.pk, resolved.pk]).update(sla_card="red", calendar_missing=True)
    for queue in ("red", "calendar_missing"):
        assert list(selectors.workorder_queue(user=users["company"], queue=queue)) == [signed]
        assert set(selectors.workorder_queue(user=users["community"], queue=queue)) == {signed, resolved}
    assert selectors.workorder_queue_counts(user=users["company"])["red"] == 1
    WorkOrder.objects.filter(pk=resolved.pk).update(sla_card="yellow")
    assert not selectors.workorder_queue(user=users["company"], queue="yellow").exists()
    assert list(selectors.workorder_queue(user=users["community"], queue="yellow")) == [resolved]


def test_list_is_free_of_n_plus_one(world, users, django_assert_num_queries):
    for _ in range(3):
        to_dispatched(world, users)
    submit(world, users)
    with django_assert_num_queries(1):
        rows = list(selectors.workorder_list_for(user=users["county"]))
        _ = [(o.compound.name, o.category.name, o.handler and str(o.handler)) for o in rows]
    assert len(rows) == 4


def test_reporter_masking(world, users):
    named = submit(
        world, users, actor="community", reporter_name="张小明", reporter_phone="13912345678", channel="staff"
    )
    services.workorder_accept(order=named, actor=users["community"])
    services.workorder_dispatch(order=named, actor=users["community"], handler=world.company)
    anonymous = submit(
        world,
        users,
        actor="community",
        reporter_name="李四",
        reporter_phone="13800001111",
        channel="staff",
        is_anonymous=True,
    )
    services.workorder_accept(order=anonymous, actor=users["community"])
    services.workorder_dispatch(order=anonymous, actor=users["community"], handler=world.company)

    def seen(order, who):
        r = selectors.reporter_for(order=order, user=users[who])
        return (r.name, r.phone)

    assert seen(named, "community") == ("张小明", "13912345678")
    assert seen(named, "company") == ("张小明", "13912345678")  # the unit that must call them
    assert seen(named, "county") == ("张*明", "139****5678")
    assert seen(anonymous, "community") == (
        "李四",
        "13800001111",
    )  # only the community sees an anonymous name
    assert seen(anonymous, "company") == ("匿名", "")
    assert seen(anonymous, "city") == ("匿名", "")
    services.workorder_view_pii(order=named, actor=users["community"])
    from apps.core.models import Event

    assert Event.objects.filter(verb="workorder.view_pii", actor=users["community"]).count() == 1


def test_timeline_and_public_tracking(world, users):
    order = to_called_back(world, users)
    timeline = selectors.workorder_timeline(order=order)
    assert [e.label for e in timeline] == ["提交诉求", "受理（报到）", "派单", "签收", "办结", "回访"]
    assert timeline[1].actor == users["community"].display_name
    public = selectors.workorder_timeline(order=order, public=True)
    assert all(e.actor == "" and e.note == "" for e in public)
    assert selectors.workorder_by_tracking_code(order.tracking_code.lower()) == order
    assert selectors.workorder_by_tracking_code("nope") is None
    photos = selectors.workorder_photos(order=order)
    assert len(photos["resolution"]) == 1 and photos["intake"] == []


def test_notifications_after_commit(world, users, django_capture_on_commit_callbacks):
    users["community"].email = "community@example.cn"
    users["community"].save()
    users["resident"].phone = "13700001111"
    users["resident"].save()
    with django_capture_on_commit_callbacks(execute=True):
        order = submit(world, users)
    inbox = list(inbox_for(user=users["community"]))
    assert [n.title for n in inbox] == ["新诉求待受理：环境卫生（盛庄花园）"]
    assert unread_count(user=users["community"]) == 1
    notification_mark_read(notification=inbox[0], actor=users["community"])
    assert unread_count(user=users["community"]) == 0
    drain()  # e-mail and SMS: the delivery job
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["community@example.cn"]
    assert any(order.tracking_code in m.text for m in sms.outbox)  # the reporter gets the tracking code
    assert Notification.objects.filter(recipient=users["resident"], kind="workorder.submit").exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.workorder_accept(order=order, actor=users["community"])
        services.workorder_dispatch(order=order, actor=users["community"], handler=world.company)
    assert Notification.objects.filter(recipient=users["company"], kind="workorder.dispatch").count() == 1


def test_nothing_is_sent_for_a_refused_transition_or_when_muted(
    world, users, django_capture_on_commit_callbacks
):
    order = submit(world, users)
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(Http404):
        services.workorder_sign(order=order, actor=users["company"])
    assert callbacks == []
    with django_capture_on_commit_callbacks(execute=True), muted():
        services.workorder_accept(order=order, actor=users["community"])
    assert not Notification.objects.filter(kind="workorder.accept").exists()


def test_the_desk_hears_when_the_reporter_rates_it_themselves(
    world, users, django_capture_on_commit_callbacks
):
    def rated_by(who) -> list[str]:
        order = to_resolved(world, users)
        with django_capture_on_commit_callbacks(execute=True):
            services.workorder_callback(
                order=fresh(order),
                actor=users[who],
                reached=True,
                contacted=True,
                solved=True,
                satisfaction="satisfied",
            )
        return [n.title for n in inbox_for(user=users["community"]) if n.title.startswith("诉求人已评价")]

    assert [t.split("：")[0] for t in rated_by("resident")] == ["诉求人已评价（满意），请结案或重办"]
    assert len(rated_by("community")) == 1  # a call-back by the desk itself does not tell the desk


def test_tracking_codes_use_every_letter_alike():
    """Ten letters of the phone-safe alphabet, each equally likely (one random read per code)."""
    from collections import Counter

    from apps.workorders.models.orders import TRACKING_ALPHABET, new_tracking_code

    codes = [new_tracking_code() for _ in range(3200)]
    assert all(len(c) == 10 and set(c) <= set(TRACKING_ALPHABET) for c in codes)
    counts = Counter("".join(codes))
    assert set(counts) == set(TRACKING_ALPHABET)
    # 32,000 letters, 1,000 expected each: a biased mapping (e.g. modulo 31) falls far outside
    assert all(850 < n < 1150 for n in counts.values()), counts
    assert len(set(codes)) == len(codes)


def test_tracking_code_bytes_are_not_shared_with_a_forked_child():
    import os

    from apps.workorders.models import orders

    orders.new_tracking_code()  # the parent holds unused bytes
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: its first code must not be the parent's next
        os.write(write, orders.new_tracking_code().encode())
        os._exit(0)
    os.waitpid(pid, 0)
    child = os.read(read, 10).decode()
    assert len(child) == 10 and child != orders.new_tracking_code()


def test_desk_users_are_the_active_officials_of_the_region(world, users):
    """The written-out read of the desks equals the queryset rule (`region_users`)."""
    from apps.accounts.models import User
    from apps.workorders import notify
    from apps.workorders.choices import Level

    community = world.compound.community_id
    User.objects.filter(pk=users["community"].pk).update(email="desk@example.cn")
    for level in (Level.COMMUNITY, Level.STREET, Level.COUNTY, Level.CITY):
        rows = notify.desk_users(community, level)
        expected = notify.region_users(notify.level_region_code(community, level), level).order_by("pk")
        assert [(r.pk, r.email) for r in rows] == [(u.pk, u.email) for u in expected]
        assert all(r.is_active for r in rows)
    assert [r.email for r in notify.desk_users(community, Level.COMMUNITY)] == ["desk@example.cn"]
    User.objects.filter(pk=users["community"].pk).update(is_active=False)
    assert notify.desk_users(community, Level.COMMUNITY) == []
