"""The inbox, e-mail and the SMS interface."""

import pytest
from django.core import mail

from apps.core.errors import ForbiddenError
from apps.core.scoping import scoped
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


def test_inbox_mail_and_sms(users):
    users["county"].email = "county@example.cn"
    users["county"].save()
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
