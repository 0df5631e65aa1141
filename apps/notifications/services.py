"""Writes to the inbox, and delivery by e-mail and SMS.

Callers inside a transaction use `notify_batch` (inbox rows written in the change's own
transaction, in one INSERT) or `notify_on_commit` (everything after commit). E-mail and SMS are
never sent in the request: each message's deliveries are written as rows beside the inbox rows,
with a background job (`notifications.deliver`, apps/notifications/jobs.py) that is queued when
the transaction commits — so nothing is sent for a change that rolls back, a failing mail server
never undoes or slows a change, and a failed delivery is retried with backoff, each e-mail or SMS
sent once even when the job runs twice. `muted()` silences everything for bulk jobs that replay
history (the demo loader).
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from apps.core.sql import insert_values
from apps.notifications.models import Delivery, Notification

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
    addresses = sorted({u.email for u in users.values() if u.email}) if email else []
    phones = sorted({p for p in sms_phones if p})
    with transaction.atomic():  # the inbox rows and the deliveries: all or nothing
        _insert(rows, at)
        _queue_delivery([(Message((), kind, title, body, link, tuple(phones), sms_text), addresses, phones)])
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
    outgoing = []
    for message in messages:
        users = {u.pk: u for u in message.recipients if u is not None and getattr(u, "is_active", True)}
        title = message.title[:200]
        rows += [(pk, message.kind, title, message.body, message.link) for pk in sorted(users)]
        addresses = sorted({u.email for u in users.values() if u.email})
        phones = sorted({p for p in message.sms_phones if p})
        outgoing.append((message, addresses, phones))
    _insert(rows, at)
    _queue_delivery(outgoing)
    return len(rows)


INBOX_COLUMNS = ("recipient_id", "kind", "title", "body", "link")
INSERT_BATCH = 500


def _insert(rows: list[tuple], at) -> None:
    """Inbox rows (recipient, kind, title, body, link) by the written-out INSERT of
    apps/core/sql.py: bulk_create built a model per row and cost more CPU than the statement."""
    insert_values(Notification, INBOX_COLUMNS, rows, same={"created_at": at}, batch=INSERT_BATCH)


def _queue_delivery(outgoing: list[tuple[Message, list[str], list[str]]]) -> None:
    """Delivery rows of the messages in the caller's transaction, and after commit a delivery job
    unless one is already waiting (it will claim these rows when it runs). Nothing when no message
    has an address or a phone.

    One job per message cost a Job row and a queue row with a commit of its own for every whistle
    (~30 % more CPU per create, bench/intake_cpu.py); a waiting job sends everything unclaimed."""
    rows = []
    for message, addresses, phones in outgoing:
        if addresses and settings.NOTIFY_BY_EMAIL:
            subject = f"[{settings.PLATFORM_NAME}] {message.title}"[:250]
            text = message.body + (
                f"\n\n{settings.SITE_URL.rstrip('/')}{message.link}" if message.link else ""
            )
            # One message per address: recipients must not see each other's addresses.
            rows += [(Delivery.Channel.EMAIL, a, "", subject, text) for a in addresses]
        rows += [(Delivery.Channel.SMS, "", p, "", message.sms_text or message.title) for p in phones]
    if not rows:
        return
    insert_values(Delivery, DELIVERY_COLUMNS, rows, same={"created_at": timezone.now()}, batch=INSERT_BATCH)
    transaction.on_commit(delivery_job_ensure, robust=True)


DELIVERY_COLUMNS = ("channel", "email", "phone", "subject", "text")


DELIVER = "notifications.deliver"


# When this process last knew that a delivery job was waiting (time.monotonic()): for half the
# job's linger it does not ask again (one query per whistle, ~15 % of a form whistle's CPU).
_waiting_seen: list[float] = [float("-inf")]


def delivery_job_ensure(*, recheck: bool = False) -> None:
    """A delivery job that has not started yet, queued unless one is already waiting. A job that
    is already running may have claimed before these rows committed: then a new one is queued.

    Asked at most every NOTIFY_DELIVERY_LINGER_SECONDS / 2 per process (`recheck` asks now): a
    job that was waiting when this process last asked started at that moment or later, and it
    only ends after the linger without finding a row (apps/notifications/jobs.py), so it claims
    every row committed in between."""
    from apps.jobs.models import Job, JobStatus
    from apps.jobs.services import start

    now = time.monotonic()
    if not recheck and now - _waiting_seen[0] < settings.NOTIFY_DELIVERY_LINGER_SECONDS / 2:
        return
    if not Job.objects.filter(status=JobStatus.QUEUED, kind=DELIVER, attempts=0).exists():
        start(kind=DELIVER, owner=None, title="发送邮件与短信", audit=False)
    _waiting_seen[0] = now


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
