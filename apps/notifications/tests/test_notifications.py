"""The inbox, e-mail and the SMS interface."""

import pytest
from django.core import mail

from apps.core.errors import ForbiddenError
from apps.core.scoping import scoped
from apps.jobs.testing import drain
from apps.notifications import sms
from apps.notifications.models import Notification
from apps.notifications.selectors import inbox_for, unread_count
from apps.notifications.services import (
    muted,
    notification_mark_read,
    notifications_mark_all_read,
    notify,
    notify_on_commit,
)


def test_inbox_mail_and_sms(users, django_capture_on_commit_callbacks):
    users["county"].email = "county@example.cn"
    users["county"].save()
    with django_capture_on_commit_callbacks(execute=True):
        n = notify(
            recipients=[users["county"], users["street"], users["street"]],
            kind="test",
            title="标题",
            body="内容",
            link="/x/",
            sms_phones=["13812345678", ""],
            sms_text="短信",
        )
    assert n == 2  # one row per person
    assert mail.outbox == [] and sms.outbox == []  # not in the request: by the delivery job
    assert drain() == 1
    assert [m.to for m in mail.outbox] == [["county@example.cn"]]
    assert "/x/" in mail.outbox[0].body
    assert [(m.phone, m.text) for m in sms.outbox] == [("13812345678", "【红色物业】短信")]


def test_inbox_is_personal_and_marked_read_by_its_owner(users):
    notify(recipients=[users["county"]], kind="test", title="一")
    notify(recipients=[users["county"]], kind="test", title="二")
    assert not scoped(Notification.objects.all(), users["city"]).exists()  # not even the city sees it
    assert unread_count(user=users["county"]) == 2
    first = inbox_for(user=users["county"]).last()
    with pytest.raises(ForbiddenError):
        notification_mark_read(notification=first, actor=users["city"])
    notification_mark_read(notification=first, actor=users["county"])
    assert [x.title for x in inbox_for(user=users["county"], unread_only=True)] == ["二"]
    assert notifications_mark_all_read(actor=users["county"]) == 1


def test_on_commit_and_muted(users, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify_on_commit(recipients=[users["county"]], kind="test", title="提交后")
    assert len(callbacks) == 1 and not Notification.objects.exists()
    callbacks[0]()
    assert Notification.objects.count() == 1
    with muted():
        assert notify(recipients=[users["county"]], kind="test", title="静音") == 0
    assert Notification.objects.count() == 1


def test_console_backend_masks_the_number(settings, caplog):
    settings.SMS_BACKEND = "apps.notifications.sms.ConsoleBackend"
    with caplog.at_level("INFO", logger="apps.notifications.sms"):
        sms.send_sms("13812345678", "测试")
    assert "138****5678" in caplog.text and "13812345678" not in caplog.text


def test_a_batch_writes_every_row_in_chunks(users, monkeypatch, django_assert_num_queries):
    """Inbox rows go in INSERTs of INSERT_BATCH rows: every recipient of every message gets
    exactly one row with the message's fields; inactive recipients none."""
    from django.utils import timezone

    from apps.notifications import services

    monkeypatch.setattr(services, "INSERT_BATCH", 2)
    people = [u for key, u in sorted(users.items()) if u.is_active][:5]
    people[0].is_active = False
    at = timezone.now()
    messages = [
        services.Message(
            recipients=tuple(people), kind="k.one", title="标题一" * 80, body="内容", link="/a/"
        ),
        services.Message(recipients=(people[1],), kind="k.two", title="标题二"),
    ]
    with django_assert_num_queries(3):  # 5 rows: 2 + 2 + 1
        assert services.notify_batch(messages, at=at) == 5
    rows = Notification.objects.filter(kind__startswith="k.").order_by("kind", "recipient_id")
    assert [(n.kind, n.recipient_id) for n in rows] == sorted(
        [("k.one", p.pk) for p in people[1:]] + [("k.two", people[1].pk)]
    )
    first = rows[0]
    assert len(first.title) == 200 and first.body == "内容" and first.link == "/a/"
    assert first.created_at == at and first.read_at is None
