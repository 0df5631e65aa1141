"""Writes to the inbox, and delivery by e-mail and SMS.

Callers inside a transaction use `notify_batch` (inbox rows written in the change's own
transaction, in one INSERT; e-mail and SMS after commit) or `notify_on_commit` (everything after
commit), so nothing is sent for a change that rolls back and a failing mail server never undoes a
committed change (robust on_commit). `muted()` silences delivery for bulk jobs that replay history
(the demo loader).
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.message import EmailMessage
from django.db import transaction
from django.utils import timezone

from apps.core.sql import insert_values
from apps.notifications.models import Notification
from apps.notifications.sms import send_sms

log = logging.getLogger(__name__)

_muted: contextvars.ContextVar[bool] = contextvars.ContextVar("notifications_muted", default=False)


@contextlib.contextmanager
def muted():
    """Deliver nothing (no inbox rows, mail or SMS) inside this block."""
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)


def is_muted() -> bool:
    return _muted.get()


def notify(
    *,
    recipients: Iterable,
    kind: str,
    title: str,
    body: str = "",
    link: str = "",
    email: bool = True,
    sms_phones: Iterable[str] = (),
    sms_text: str = "",
    at=None,
) -> int:
    """Inbox rows for the users, an e-mail to those with an address, an SMS to the phones.
    Returns the number of inbox rows written."""
    if is_muted():
        return 0
    users = {u.pk: u for u in recipients if u is not None and getattr(u, "is_active", True)}
    at = at or timezone.now()
    rows = [(pk, kind, title[:200], body, link) for pk in sorted(users)]
    _insert(rows, at)
    if email and settings.NOTIFY_BY_EMAIL:
        addresses = sorted({u.email for u in users.values() if u.email})
        if addresses:
            _send_mail(title=title, body=body, link=link, addresses=addresses)
    for phone in sorted({p for p in sms_phones if p}):
        send_sms(phone, sms_text or title)
    return len(rows)


@dataclass(frozen=True)
class Message:
    """One message of `notify_batch`: the same title and body to several recipients."""

    recipients: tuple
    kind: str
    title: str
    body: str = ""
    link: str = ""
    sms_phones: tuple[str, ...] = ()
    sms_text: str = ""


def notify_batch(messages: Iterable[Message], *, at=None) -> int:
    """Inbox rows of several messages in one INSERT, written now: inside a transaction they
    commit or roll back with the change (no transaction of their own). E-mail and SMS go after
    commit, one robust callback per message as `notify_on_commit` does. Returns the rows written."""
    if is_muted():
        return 0
    at = at or timezone.now()
    rows = []
    for message in messages:
        users = {u.pk: u for u in message.recipients if u is not None and getattr(u, "is_active", True)}
        title = message.title[:200]
        rows += [(pk, message.kind, title, message.body, message.link) for pk in sorted(users)]
        addresses = sorted({u.email for u in users.values() if u.email})
        phones = sorted({p for p in message.sms_phones if p})
        if addresses or phones:
            transaction.on_commit(
                lambda m=message, a=addresses, p=phones: _deliver(m, a, p),
                robust=True,
            )
    _insert(rows, at)
    return len(rows)


INBOX_COLUMNS = ("recipient_id", "kind", "title", "body", "link")
INSERT_BATCH = 500


def _insert(rows: list[tuple], at) -> None:
    """Inbox rows (recipient, kind, title, body, link) by the written-out INSERT of
    apps/core/sql.py: bulk_create built a model per row and cost more CPU than the statement."""
    insert_values(Notification, INBOX_COLUMNS, rows, same={"created_at": at}, batch=INSERT_BATCH)


def _deliver(message: Message, addresses: list[str], phones: list[str]) -> None:
    if addresses and settings.NOTIFY_BY_EMAIL:
        _send_mail(title=message.title, body=message.body, link=message.link, addresses=addresses)
    for phone in phones:
        send_sms(phone, message.sms_text or message.title)


def _send_mail(*, title: str, body: str, link: str, addresses: list[str]) -> None:
    text = body + (f"\n\n{settings.SITE_URL.rstrip('/')}{link}" if link else "")
    connection = get_connection(fail_silently=False)
    # One message per address: recipients must not see each other's addresses.
    messages = [
        EmailMessage(subject=f"[{settings.PLATFORM_NAME}] {title}", body=text, to=[a], connection=connection)
        for a in addresses
    ]
    try:
        connection.send_messages(messages)
    except Exception:  # mail is best effort: the inbox row is the record
        log.exception("notification mail failed: %s", title)


def notify_on_commit(**kwargs) -> None:
    """`notify(...)` after the current transaction commits (at once outside a transaction)."""
    if is_muted():
        return
    transaction.on_commit(lambda: notify(**kwargs), robust=True)


@transaction.atomic
def notification_mark_read(*, notification: Notification, actor) -> None:
    if notification.recipient_id != getattr(actor, "pk", None):
        from apps.core.errors import ForbiddenError

        raise ForbiddenError("只能标记自己的消息")
    Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=timezone.now())


@transaction.atomic
def notifications_mark_all_read(*, actor) -> int:
    return Notification.objects.filter(recipient_id=actor.pk, read_at__isnull=True).update(
        read_at=timezone.now()
    )
