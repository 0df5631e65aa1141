"""Every transition, and every refusal: wrong state, wrong role, outsiders and wrong-region
officials (not found), stale clicks (conflict). Data through the services only."""

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.http import Http404

from apps.core.errors import ConflictError, DomainError, ForbiddenError
from apps.core.models import Event
from apps.workorders import services
from apps.workorders.choices import AssignmentOutcome, EscalationReason, Level, SlaCard, Status
from apps.workorders.models import Assignment, CallBack, Escalation, WorkOrder
from apps.workorders.tests.helpers import (
    at,
    fresh,
    photo,
    submit,
    to_called_back,
    to_dispatched,
    to_resolved,
    to_signed,
)

MONDAY = at(2026, 3, 2)


@pytest.fixture(autouse=True)
def _monday():
    with time_machine.travel(MONDAY, tick=False):
        yield


def events(order, verb=None):
    qs = Event.objects.filter(
        content_type=ContentType.objects.get_for_model(WorkOrder), object_id=str(order.pk)
    )
    return qs.filter(verb=f"workorder.{verb}") if verb else qs


# ------------------------------------------------------------------ the happy path, verb by verb
def test_submit_by_a_resident(world, users):
    order = submit(world, users, photo_files=[photo(), photo("b.png", "PNG")])
    assert order.status == Status.SUBMITTED and order.level == Level.COMMUNITY
    assert order.reporter_user == users["resident"] and order.channel == "resident_app"
    assert order.region_code == world.compound.community_id
    assert len(order.tracking_code) == 10
    assert order.accept_due_at == at(2026, 3, 4, 0, 0)  # 1 working day: 24:00 of Tuesday 03-03
    assert order.due_at == order.accept_due_at and order.sla_card == SlaCard.NONE
    assert order.photos.count() == 2
    assert events(order, "submit").count() == 1
    assert "reporter_phone" not in events(order).get().changes  # personal data stays out of the audit log


def test_accept_dispatch_sign_resolve_callback_close(world, users):
    order = submit(world, users)
    services.workorder_accept(order=order, actor=users["community"], note="已报到")
    assert order.status == Status.ACCEPTED and order.accept_on_time is True
    services.workorder_dispatch(
        order=order, actor=users["community"], handler=world.company, instructions="请尽快处理"
    )
    assert order.status == Status.DISPATCHED and order.handler_company == world.company
    assignment = order.current_assignment
    assert assignment.sign_due_at == at(2026, 3, 4, 0, 0) and assignment.resolve_due_at == at(
        2026, 3, 6, 0, 0
    )
    services.workorder_sign(order=order, actor=users["company"])
    assert order.status == Status.SIGNED and order.due_at == at(
        2026, 3, 6, 0, 0
    )  # 3 working days from dispatch
    services.workorder_resolve(order=order, actor=users["company"], note="已清运", photo_files=[photo()])
    assert order.status == Status.RESOLVED
    assert order.photos.filter(stage="resolution").count() == 1
    callback = services.workorder_callback(
        order=order,
        actor=users["community"],
        reached=True,
        contacted=True,
        solved=True,
        satisfaction="satisfied",
    )
    assert order.status == Status.CALLED_BACK and callback.assignment_id == assignment.pk
    services.workorder_close(order=order, actor=users["community"])
    order = fresh(order)
    assert order.status == Status.CLOSED and order.due_at is None and order.ended_at == MONDAY
    a = Assignment.objects.get(pk=assignment.pk)
    assert a.outcome == AssignmentOutcome.RESOLVED and a.sign_on_time and a.resolve_on_time
    verbs = list(events(order).order_by("id").values_list("verb", flat=True))
    assert verbs == [
        f"workorder.{v}" for v in ("submit", "accept", "dispatch", "sign", "resolve", "callback", "close")
    ]


def test_every_transition_writes_exactly_one_event(world, users):
    order = to_resolved(world, users)
    for verb in ("submit", "accept", "dispatch", "sign", "resolve"):
        assert events(order, verb).count() == 1, verb
    assert order.version == 4  # four transitions after intake


def test_return_goes_back_to_dispatch_and_is_counted(world, users):
    order = to_dispatched(world, users)
    services.workorder_return(order=order, actor=users["company"], reason="属于供水公司管线，非物业职责")
    order = fresh(order)
    assert order.status == Status.ACCEPTED and order.return_count == 1 and order.handler_kind == ""
    assert order.current_assignment is None
    assert Assignment.objects.get(order=order).outcome == AssignmentOutcome.RETURNED
    services.workorder_dispatch(order=order, actor=users["community"], handler=world.department)
    services.workorder_sign(order=order, actor=users["department"])
    assert fresh(order).status == Status.SIGNED


def test_return_after_the_limit_is_refused(world, users):
    order = to_dispatched(world, users)
    with time_machine.travel(at(2026, 3, 4, 10), tick=False):  # 2 working days = until 24:00 on 03-04
        services.workorder_return(order=fresh(order), actor=users["company"], reason="非本单位职责")
    order = to_dispatched(world, users)
    with time_machine.travel(at(2026, 3, 5, 10), tick=False), pytest.raises(DomainError, match="退单时限"):
        services.workorder_return(order=fresh(order), actor=users["company"], reason="非本单位职责")


def test_callback_answers_are_required_when_reached(world, users):
    order = to_resolved(world, users)
    with pytest.raises(DomainError, match="满意度"):
        services.workorder_callback(
            order=order, actor=users["community"], reached=True, contacted=True, solved=True
        )
    cb = services.workorder_callback(order=order, actor=users["community"], reached=False, solved=True)
    assert cb.reached is False and cb.solved is None  # an unreached call records no answers
    services.workorder_close(order=order, actor=users["community"])  # nobody to ask: may close
    assert fresh(order).status == Status.CLOSED


def test_the_reporter_rates_their_own_order(world, users):
    order = to_resolved(world, users)
    cb = services.workorder_callback(
        order=order, actor=users["resident"], reached=False, contacted=True, solved=True, satisfaction="basic"
    )
    assert cb.by_reporter and cb.reached and cb.satisfaction == "basic"


def test_dissatisfied_callback_blocks_close_and_allows_rework(world, users, settings):
    settings.WORKORDER_ESCALATE_AFTER_REWORKS = 2
    order = to_called_back(world, users, satisfaction="dissatisfied", solved=False)
    with pytest.raises(DomainError, match="不能结案"):
        services.workorder_close(order=order, actor=users["community"])
    services.workorder_reopen(order=order, actor=users["community"], note="漏水仍未修好")
    order = fresh(order)
    assert (
        order.status == Status.DISPATCHED
        and order.rework_count == 1
        and order.handler_company == world.company
    )
    assert order.current_assignment.is_rework and order.escalate_reason == EscalationReason.OVERDUE
    with pytest.raises(DomainError, match="首接负责"):
        services.workorder_return(order=order, actor=users["company"], reason="不归我们管")
    # A second dissatisfied rework asks the sweep to escalate at once (badly handled).
    services.workorder_sign(order=order, actor=users["company"])
    services.workorder_resolve(order=order, actor=users["company"], note="再次维修", photo_files=[photo()])
    services.workorder_callback(
        order=order,
        actor=users["community"],
        reached=True,
        contacted=True,
        solved=False,
        satisfaction="dissatisfied",
    )
    services.workorder_reopen(order=order, actor=users["community"], note="仍未解决")
    order = fresh(order)
    assert order.escalate_at == MONDAY and order.escalate_reason == EscalationReason.BADLY_HANDLED


def test_reopen_refused_when_the_reporter_is_content(world, users):
    order = to_called_back(world, users)
    with pytest.raises(DomainError, match="无需重办"):
        services.workorder_reopen(order=order, actor=users["community"], note="再看看")


def test_escalation_up_the_ladder_and_departments_report_in(world, users):
    order = to_signed(world, users)
    services.workorder_escalate(
        order=order, actor=users["community"], reason=EscalationReason.BADLY_HANDLED, note="物业拖延"
    )
    order = fresh(order)
    assert order.level == Level.STREET and order.status == Status.ACCEPTED and order.escalation_count == 1
    assert order.handler_kind == "" and order.current_assignment is None
    assert Assignment.objects.get(order=order).outcome == AssignmentOutcome.WITHDRAWN
    esc = Escalation.objects.get(order=order)
    assert (esc.from_level, esc.to_level, esc.actor) == (Level.COMMUNITY, Level.STREET, users["community"])
    # The community no longer holds the desk; the street dispatches to a department, which reports in.
    with pytest.raises(ForbiddenError, match="街道"):
        services.workorder_dispatch(order=order, actor=users["community"], handler=world.department)
    services.workorder_dispatch(order=order, actor=users["street"], handler=world.department)
    services.workorder_sign(order=order, actor=users["department"])
    services.workorder_escalate(order=order, actor=users["county"], reason=EscalationReason.OVERDUE)
    services.workorder_escalate(order=order, actor=users["city"], reason=EscalationReason.OVERDUE)
    assert fresh(order).level == Level.CITY
    with pytest.raises(DomainError, match="市级"):
        services.workorder_escalate(order=fresh(order), actor=users["city"], reason=EscalationReason.OVERDUE)
    assert events(order, "escalate").count() == 3


def test_a_lower_level_cannot_escalate_an_order_held_above(world, users):
    order = submit(world, users)
    services.workorder_escalate(order=order, actor=users["street"], reason=EscalationReason.OTHER)
    with pytest.raises(ForbiddenError, match="街道"):
        services.workorder_escalate(order=order, actor=users["community"], reason=EscalationReason.OTHER)


def test_merge_duplicates_and_repeated_reports_escalate(world, users, settings):
    settings.WORKORDER_ESCALATE_AFTER_DUPLICATES = 2
    target = submit(world, users)
    first, second = submit(world, users), submit(world, users)
    services.workorder_merge(order=first, actor=users["community"], target=target, note="同一问题")
    assert fresh(first).status == Status.MERGED and fresh(first).merged_into == target
    assert fresh(target).duplicate_count == 1 and fresh(target).escalate_reason == EscalationReason.OVERDUE
    services.workorder_merge(order=second, actor=users["community"], target=target)
    target = fresh(target)
    assert target.duplicate_count == 2 and target.escalate_at == MONDAY
    assert target.escalate_reason == EscalationReason.REPEATED


def test_merge_refusals(world, users):
    order = submit(world, users)
    with pytest.raises(DomainError, match="自身"):
        services.workorder_merge(order=order, actor=users["community"], target=order)
    elsewhere = services.workorder_submit(
        actor=users["other_county"],
        compound=world.other_compound,
        category=order.category,
        description="x",
        reporter_phone="13800000000",
    )
    with pytest.raises(Http404):  # the community cannot even see the other county's order
        services.workorder_merge(order=order, actor=users["community"], target=elsewhere)
    with pytest.raises(DomainError, match="同一社区"):
        services.workorder_merge(order=order, actor=None, target=elsewhere)
    closed = to_called_back(world, users)
    services.workorder_close(order=closed, actor=users["community"])
    with pytest.raises(DomainError, match="已结束"):
        services.workorder_merge(order=order, actor=users["community"], target=closed)


def test_reject_with_a_reason(world, users):
    order = submit(world, users)
    with pytest.raises(DomainError, match="理由"):
        services.workorder_reject(order=order, actor=users["community"], reason="  ")
    services.workorder_reject(
        order=order, actor=users["community"], reason="属于司法诉讼事项，请按原途径解决"
    )
    order = fresh(order)
    assert order.status == Status.REJECTED and order.end_reason.startswith("属于司法")
    assert order.due_at is None and order.escalate_at is None


# ------------------------------------------------------------------ refusals
STATE_CASES = [
    ("accept", "to_dispatched", "community", {}),
    ("dispatch", "submit", "community", {"handler": "company"}),
    ("sign", "to_resolved", "company", {}),
    ("return", "to_resolved", "company", {"reason": "x"}),
    ("resolve", "to_dispatched", "company", {"note": "x"}),
    ("callback", "to_signed", "community", {"reached": False}),
    ("close", "to_resolved", "community", {}),
    ("reopen", "to_resolved", "community", {"note": "x"}),
    ("escalate", "to_resolved", "community", {"reason": "overdue"}),
    ("merge", "to_dispatched", "community", {"target": "other"}),
    ("reject", "to_dispatched", "community", {"reason": "x"}),
]


def _build(world, users, how):
    from apps.workorders.tests import helpers

    return submit(world, users) if how == "submit" else getattr(helpers, how)(world, users)


def _kwargs(world, users, extra):
    kwargs = dict(extra)
    if kwargs.get("handler") == "company":
        kwargs["handler"] = world.company
    if kwargs.get("target") == "other":
        kwargs["target"] = submit(world, users)
    return kwargs


@pytest.mark.parametrize(("verb", "state", "actor", "extra"), STATE_CASES)
def test_wrong_state_is_refused_and_nothing_changes(world, users, verb, state, actor, extra):
    order = _build(world, users, state)
    before_events, before_version = Event.objects.count(), fresh(order).version
    with pytest.raises(DomainError, match="工单当前状态为"):
        getattr(services, f"workorder_{verb}")(
            order=fresh(order), actor=users[actor], **_kwargs(world, users, extra)
        )
    assert fresh(order).version == before_version
    assert Event.objects.count() == before_events + (
        1 if verb == "merge" else 0
    )  # merge built one more order


ROLE_CASES = [  # (verb, state, actor, extra): the actor sees the order but lacks the permission
    ("accept", "submit", "county", {}),
    ("accept", "submit", "resident", {}),
    ("dispatch", "to_accepted", "resident", {"handler": "company"}),
    ("sign", "to_dispatched", "community", {}),
    ("resolve", "to_signed", "community", {"note": "x"}),
    ("return", "to_dispatched", "county", {"reason": "x"}),
    ("close", "to_called_back", "company", {}),
    ("reject", "submit", "resident", {"reason": "x"}),
    ("escalate", "to_signed", "company", {"reason": "overdue"}),
]


def to_accepted(world, users):
    order = submit(world, users)
    services.workorder_accept(order=order, actor=users["community"])
    return order


@pytest.mark.parametrize(("verb", "state", "actor", "extra"), ROLE_CASES)
def test_wrong_role_is_forbidden(world, users, verb, state, actor, extra):
    order = to_accepted(world, users) if state == "to_accepted" else _build(world, users, state)
    with pytest.raises(ForbiddenError, match="权限"):
        getattr(services, f"workorder_{verb}")(
            order=fresh(order), actor=users[actor], **_kwargs(world, users, extra)
        )


def test_relation_refusals(world, users):
    order = submit(world, users)
    with pytest.raises(ForbiddenError, match="受理"):  # the street does not report in for the community
        services.workorder_accept(order=order, actor=users["street"])
    with pytest.raises(ForbiddenError, match="社区级受理派单"):  # the county is not the desk
        services.workorder_reject(order=order, actor=users["county"], reason="x")
    order = to_dispatched(world, users, handler=world.department)
    with pytest.raises(Http404):  # a company never assigned cannot see it
        services.workorder_sign(order=order, actor=users["company"])
    services.workorder_return(order=order, actor=users["department"], reason="非本部门职责")
    services.workorder_dispatch(order=order, actor=users["community"], handler=world.committee)
    with pytest.raises(ForbiddenError, match="不由贵单位"):  # previously assigned: may see, may not act
        services.workorder_sign(order=order, actor=users["department"])
    services.workorder_sign(order=order, actor=users["committee"])


@pytest.mark.parametrize("who", ["outsider", "other_county", "heze_city"])
@pytest.mark.parametrize("verb", ["accept", "reject", "escalate"])
def test_outsiders_and_wrong_region_officials_get_not_found(world, users, who, verb):
    order = submit(world, users)
    kwargs = {"reject": {"reason": "x"}, "escalate": {"reason": "overdue"}}.get(verb, {})
    with pytest.raises(Http404):
        getattr(services, f"workorder_{verb}")(order=order, actor=users[who], **kwargs)


def test_dispatch_to_a_unit_outside_the_order_is_refused(world, users):
    order = to_accepted(world, users)
    with pytest.raises(DomainError, match="不在本工单的辖区内"):
        services.workorder_dispatch(order=order, actor=users["community"], handler=world.other_company)
    assert fresh(order).status == Status.ACCEPTED and not Assignment.objects.filter(order=order).exists()


def test_a_stale_click_loses(world, users):
    order = submit(world, users)
    stale = fresh(order)
    services.workorder_accept(order=order, actor=users["community"])
    with pytest.raises(ConflictError):
        services.workorder_accept(
            order=stale, actor=users["community"]
        )  # status check passes on the stale copy
    stale = fresh(order)
    services.workorder_dispatch(order=order, actor=users["community"], handler=world.company)
    with pytest.raises(ConflictError):
        services.workorder_reject(order=stale, actor=users["community"], reason="无效")
    assert events(order, "accept").count() == 1 and events(order, "reject").count() == 0


def test_resolve_requires_evidence_photo_when_the_category_says_so(world, users):
    order = to_signed(world, users)
    with pytest.raises(DomainError, match="现场照片"):
        services.workorder_resolve(order=order, actor=users["company"], note="已处理")
    neighbour = to_signed(world, users, code="neighbour")
    services.workorder_resolve(order=neighbour, actor=users["company"], note="已调解")
    assert fresh(neighbour).status == Status.RESOLVED


def test_unchanged_rows_after_a_refused_callback(world, users):
    order = to_resolved(world, users)
    with pytest.raises(DomainError):
        services.workorder_callback(order=order, actor=users["community"], reached=True)
    assert not CallBack.objects.filter(order=order).exists() and fresh(order).status == Status.RESOLVED
