"""Who hears about each work-order event, and what they read. The inbox rows of an event are
written in the transaction of the change, in one INSERT, before the service bumps its rollups
(`notify_batch`); e-mail and SMS go after commit. The values needed are copied out of the order at
call time."""

from __future__ import annotations

from collections import namedtuple

from django.db.models import QuerySet
from django.utils import timezone

from apps.core.roles import Role
from apps.core.sql import rows_where
from apps.notifications.services import Message, is_muted, notify, notify_batch, notify_on_commit
from apps.workorders.choices import Level, level_region_code
from apps.workorders.models import WorkOrder

ROLE_FOR_LEVEL = {
    Level.COMMUNITY: Role.COMMUNITY,
    Level.STREET: Role.STREET,
    Level.COUNTY: Role.COUNTY,
    Level.CITY: Role.CITY,
}


def _users():
    from apps.accounts.models import User

    return User.objects.filter(is_active=True)


Recipient = namedtuple("Recipient", "pk email is_active")


def desk_filter(code: str, level: str) -> dict:
    """The one rule of a desk: the active officials of `level` whose region is exactly `code`."""
    return {"is_active": True, "role": ROLE_FOR_LEVEL[level], "region_id": code}


def desk_users(region_code: str, level: str) -> list[Recipient]:
    """The desk of `level` over the community `region_code` (`desk_filter`), as the rows the inbox
    and the mail need: every work-order event reads them, so by the written-out query of
    apps/core/sql.py."""
    from apps.accounts.models import User

    rows = rows_where(
        User,
        ("id", "email"),
        equal=desk_filter(level_region_code(region_code, level), level),
        order_by=("id",),
    )
    return [Recipient(pk, email, True) for pk, email in rows]


def region_users(code: str, level: str):
    """The desk of `level` whose region is exactly `code` (`desk_filter`), as a queryset."""
    from apps.accounts.models import User

    return User.objects.filter(**desk_filter(code, level))


def unit_users(unit: tuple[str, int] | None):
    if unit is None:
        return _users().none()
    kind, pk = unit
    field = {"company": "company_id", "committee": "committee_id", "department": "department_id"}[kind]
    return _users().filter(**{field: pk})


def _facts(order) -> dict:
    return {
        "pk": order.pk,
        "code": order.tracking_code,
        "region_code": order.region_code,
        "level": order.level,
        "unit": order.handler_key,
        "title": f"{order.category.name}（{order.compound.name}）",
        "reporter_id": order.reporter_user_id,
        # Intake holds the reporter (the actor) already: no query to find them again.
        "reporter": order.reporter_user if WorkOrder.reporter_user.is_cached(order) else None,
        "phone": order.reporter_phone,
        "link": order.get_absolute_url(),
    }


def _reporter(facts: dict) -> list:
    if not facts["reporter_id"]:
        return []
    reporter = facts.get("reporter")
    if reporter is not None and reporter.pk == facts["reporter_id"]:
        return [reporter] if reporter.is_active else []
    return list(_users().filter(pk=facts["reporter_id"]))


def _message(
    facts: dict, *, kind: str, title: str, body: str = "", to=(), reporter: bool = False, sms: str = ""
) -> Message:
    # A queryset of officials is read as (pk, email, is_active) rows: all the inbox and the mail
    # need, without building a User per recipient.
    recipients = list(
        to.values_list("pk", "email", "is_active", named=True) if isinstance(to, QuerySet) else to
    )
    if reporter:
        recipients += _reporter(facts)
    return Message(
        recipients=tuple(recipients),
        kind=kind,
        title=title,
        body=body,
        link=facts["link"],
        sms_phones=(facts["phone"],) if sms and facts["phone"] else (),
        sms_text=sms,
    )


def workorder_event(verb: str, order, **extra) -> None:
    """The notifications of one transition: inbox rows now, in the caller's transaction (one
    INSERT), e-mail and SMS after commit. Services call it before `rollups.bump`, so the rollup
    cells stay locked for the shortest time."""
    if is_muted():
        return
    facts = _facts(order)
    facts.update(extra)
    if verb == "calendar_missing":  # rare; reads today's alerts, then sends: all after commit
        notify_on_commit_call(verb, facts)
        return
    notify_batch(_messages(verb, facts))


def notify_on_commit_call(verb: str, facts: dict) -> None:
    from django.db import transaction

    transaction.on_commit(lambda: notify_batch(_messages(verb, facts)), robust=True)


def _call_back_desks(f: dict) -> list:
    """Who calls back and closes: the order's community, and the desk of its level if higher."""
    to = list(desk_users(f["region_code"], Level.COMMUNITY))
    if f["level"] != Level.COMMUNITY:
        to += list(desk_users(f["region_code"], f["level"]))
    return to


def _messages(verb: str, f: dict) -> list[Message]:
    """The messages of one event (the inbox rows are written by the caller)."""
    t, code, kind = f["title"], f["code"], f"workorder.{verb}"
    out: list[Message] = []

    def _send(facts: dict, **kwargs) -> None:
        out.append(_message(facts, **kwargs))

    if verb == "submit":
        _send(f, kind=kind, title=f"新诉求待受理：{t}", to=desk_users(f["region_code"], Level.COMMUNITY))
        _send(
            f,
            kind=kind,
            title="您的诉求已提交",
            body=f"查询码 {code}",
            reporter=True,
            sms=f"您的诉求已提交，查询码{code}，可凭此码查询办理进度。",
        )
    elif verb == "accept":
        _send(f, kind=kind, title=f"您的诉求已受理：{t}", reporter=True)
    elif verb == "dispatch":
        _send(
            f, kind=kind, title=f"新派单待签收：{t}", body=f.get("instructions", ""), to=unit_users(f["unit"])
        )
    elif verb == "sign":
        _send(f, kind=kind, title=f"您的诉求已由处理单位签收办理：{t}", reporter=True)
    elif verb == "return":
        _send(
            f,
            kind=kind,
            title=f"工单被退回，请重新派单：{t}",
            body=f.get("reason", ""),
            to=desk_users(f["region_code"], f["level"]),
        )
    elif verb == "resolve":
        _send(f, kind=kind, title=f"工单已办结，请回访：{t}", to=_call_back_desks(f))
        # Rating is open only until the community calls back (the order then leaves 已办结):
        # the message says so rather than asking for a rating the page may no longer take.
        _send(
            f,
            kind=kind,
            title=f"您的诉求已办结：{t}",
            body="社区回访前，您可以在“我的吹哨”中评价办理结果；社区回访后以回访结果为准。",
            reporter=True,
            sms=f"您的诉求（查询码{code}）已办结，社区将回访，回访前您也可以在平台上评价。",
        )
    elif verb == "callback":
        _send(f, kind=kind, title=f"回访结果：{f.get('result', '')}：{t}", to=unit_users(f["unit"]))
        if not f.get("by_reporter"):
            _send(f, kind=kind, title=f"社区已回访（{f.get('result', '')}），评价已结束：{t}", reporter=True)
        if f.get("by_reporter"):
            # The reporter rated it themselves: the desk must now close it or send it back.
            title = f"诉求人已评价（{f.get('result', '')}），请结案或重办：{t}"
            _send(f, kind=kind, title=title, to=_call_back_desks(f))
    elif verb == "close":
        _send(
            f,
            kind=kind,
            title=f"您的诉求已结案：{t}",
            reporter=True,
            sms=f"您的诉求（查询码{code}）已结案，感谢您的监督。",
        )
    elif verb == "reopen":
        _send(f, kind=kind, title=f"工单重办：{t}", body=f.get("note", ""), to=unit_users(f["unit"]))
    elif verb == "escalate":
        _send(
            f,
            kind=kind,
            title=f"工单升级督办至您处，请派单：{t}",
            body=f.get("reason", ""),
            to=desk_users(f["region_code"], f["level"]),
        )
        if f.get("old_unit"):
            _send(f, kind=kind, title=f"工单已升级督办，原派单收回：{t}", to=unit_users(f["old_unit"]))
    elif verb == "merge":
        _send(
            f,
            kind=kind,
            title=f"您的诉求已与同类诉求合并办理：{t}",
            body=f"请以查询码 {f.get('target_code', '')} 查询进度",
            reporter=True,
        )
    elif verb == "reject":
        _send(
            f,
            kind=kind,
            title=f"您的诉求不予受理：{t}",
            body=f.get("reason", ""),
            reporter=True,
            sms=f"您的诉求（查询码{code}）不予受理，原因：{f.get('reason', '')}",
        )
    elif verb == "extend":
        _send(
            f,
            kind=kind,
            title=f"延期申请待审批（{f.get('days')}个工作日）：{t}",
            body=f.get("reason", ""),
            to=desk_users(f["region_code"], f["level"]),
        )
    elif verb == "approve_extension":
        if f.get("approved"):
            title = f"延期申请已批准，办结期限延长{f.get('days')}个工作日：{t}"
        else:
            title = f"延期申请未批准，请按原期限办结：{t}"
        _send(f, kind=kind, title=title, body=f.get("note", ""), to=unit_users(f["unit"]))
    elif verb == "calendar_missing":
        calendar_missing_alert(region_code=f["region_code"], message=f.get("message", ""))
    return out


def calendar_missing_alert(*, region_code: str, message: str) -> int:
    """Tell the city officials once a day that deadlines cannot be computed."""
    from apps.notifications.models import Notification

    today_start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    kind = "workdays.calendar_missing"
    already = set(
        Notification.objects.filter(kind=kind, created_at__gte=today_start).values_list(
            "recipient_id", flat=True
        )
    )
    users = [u for u in desk_users(region_code, Level.CITY) if u.pk not in already]
    if not users:
        return 0
    return notify(
        recipients=users,
        kind=kind,
        title="工作日历缺失，部分工单期限无法计算",
        body=message,
        link="/admin/workdays/",
    )


def coverage_alert(message: str) -> int:
    """The calendar-coverage warning, to every city official, once a day."""
    from apps.notifications.models import Notification

    if is_muted():
        return 0
    today_start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    kind = "workdays.coverage"
    already = set(
        Notification.objects.filter(kind=kind, created_at__gte=today_start).values_list(
            "recipient_id", flat=True
        )
    )
    users = [u for u in _users().filter(role=Role.CITY) if u.pk not in already]
    if not users:
        return 0
    return notify(
        recipients=users,
        kind=kind,
        title="请录入下一年度的法定节假日安排",
        body=message,
        link="/admin/workdays/",
    )


def digest(recipients_counts: dict[int, int], *, kind: str, title_format: str) -> None:
    """One inbox message per user for a sweep: "N 件工单 ..."."""
    if not recipients_counts:
        return
    users = {u.pk: u for u in _users().filter(pk__in=list(recipients_counts))}
    for pk, n in sorted(recipients_counts.items()):
        if pk in users:
            notify(recipients=[users[pk]], kind=kind, title=title_format.format(n=n), link="/workorders/")


__all__ = [
    "calendar_missing_alert",
    "coverage_alert",
    "desk_users",
    "digest",
    "notify_on_commit",
    "region_users",
    "unit_users",
    "workorder_event",
]
