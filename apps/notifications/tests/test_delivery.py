"""E-mail and SMS go by a background job: after commit, retried, each message sent once."""

from unittest import mock

import pytest
from django.core import mail
from django.db import transaction

from apps.jobs.models import Job, JobStatus
from apps.jobs.runner import run
from apps.jobs.testing import drain
from apps.notifications import sms
from apps.notifications.models import Delivery, Notification
from apps.notifications.services import Message, muted, notify, notify_batch, notify_on_commit


@pytest.fixture
def people(users):
    users["county"].email = "county@example.cn"
    users["county"].save()
    users["street"].email = "street@example.cn"
    users["street"].save()
    return users


def test_inbox_rows_and_deliveries_are_written_in_the_change_transaction(
    people, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            notify_batch(
                [
                    Message(
                        recipients=(people["county"], people["street"]), kind="t", title="甲", link="/a/"
                    ),
                    Message(
                        recipients=(people["county"],), kind="t", title="乙", sms_phones=("13812345678",)
                    ),
                ]
            )
            assert Notification.objects.count() == 3
            assert Delivery.objects.count() == 4  # 2 + 1 e-mails, 1 SMS
            assert mail.outbox == []
    assert Job.objects.filter(kind="notifications.deliver").count() == 1
    drain()
    assert sorted(m.to[0] for m in mail.outbox) == [
        "county@example.cn",
        "county@example.cn",
        "street@example.cn",
    ]
    assert [m.phone for m in sms.outbox] == ["13812345678"]
    assert not Delivery.objects.filter(sent_at__isnull=True).exists()


def test_a_rolled_back_change_sends_nothing(people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                notify(recipients=[people["county"]], kind="t", title="撤销", sms_phones=["13812345678"])
                raise RuntimeError("the change failed")
        except RuntimeError:
            pass
    assert not Notification.objects.exists() and not Delivery.objects.exists() and not Job.objects.exists()
    drain()
    assert mail.outbox == [] and sms.outbox == []


def test_a_failing_mail_server_is_retried_and_nothing_is_sent_twice(
    people, django_capture_on_commit_callbacks, settings
):
    settings.JOBS_RETRY_BASE_S = 0
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            recipients=[people["county"], people["street"]],
            kind="t",
            title="重试",
            sms_phones=["13812345678"],
        )
    real_send = mail.EmailMessage.send
    calls = {"n": 0}

    def flaky(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:  # the second e-mail fails once
            raise ConnectionError("smtp down")
        return real_send(self, *args, **kwargs)

    with mock.patch("django.core.mail.message.EmailMessage.send", flaky):
        drain()
    job = Job.objects.get(kind="notifications.deliver")
    assert (job.status, job.attempts) == (JobStatus.SUCCEEDED, 2)
    assert sorted(m.to[0] for m in mail.outbox) == ["county@example.cn", "street@example.cn"]  # each once
    assert len(sms.outbox) == 1


def test_a_delivery_job_run_twice_sends_each_message_once(people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[people["county"]], kind="t", title="一次", sms_phones=["13812345678"])
    drain()
    job = Job.objects.get(kind="notifications.deliver")
    Job.objects.filter(pk=job.pk).update(status=JobStatus.QUEUED)  # as if recovered after a crash
    run(str(job.pk))
    assert len(mail.outbox) == 1 and len(sms.outbox) == 1


def test_muted_writes_and_sends_nothing(people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), muted():
        notify(recipients=[people["county"]], kind="t", title="静音", sms_phones=["13812345678"])
        notify_on_commit(recipients=[people["county"]], kind="t", title="静音")
        notify_batch([Message(recipients=(people["county"],), kind="t", title="静音")])
    drain()
    assert not Notification.objects.exists() and not Job.objects.exists()
    assert mail.outbox == [] and sms.outbox == []


def test_no_job_without_an_address_or_a_phone(users, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[users["resident"]], kind="t", title="只有站内消息")
    assert Notification.objects.count() == 1 and not Job.objects.exists()


def test_e_mail_off_sends_sms_only(people, settings, django_capture_on_commit_callbacks):
    settings.NOTIFY_BY_EMAIL = False
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[people["county"]], kind="t", title="只发短信", sms_phones=["13812345678"])
    drain()
    assert mail.outbox == [] and len(sms.outbox) == 1


def test_one_waiting_job_sends_the_messages_of_many_changes(people, django_capture_on_commit_callbacks):
    """Each whistle writes its delivery rows; while a delivery job waits, no second one is
    queued, and the waiting job sends all of them."""
    for title in ("一", "二", "三"):
        with django_capture_on_commit_callbacks(execute=True):
            notify(recipients=[people["county"]], kind="t", title=title, sms_phones=["13812345678"])
    assert Job.objects.filter(kind="notifications.deliver").count() == 1
    assert drain() == 1
    assert sorted(m.subject[-1] for m in mail.outbox) == ["一", "三", "二"]
    assert len(sms.outbox) == 3
    job = Job.objects.get(kind="notifications.deliver")
    assert job.result["sent"] == 6 and not Delivery.objects.filter(job__isnull=True).exists()


def test_rows_committed_while_a_job_runs_get_a_job_of_their_own(people, django_capture_on_commit_callbacks):
    """A running job may have claimed before a later change committed: that change queues a new
    job, which sends its rows (and nothing the first job sent)."""
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[people["county"]], kind="t", title="先", sms_phones=["13812345678"])
    first = Job.objects.get(kind="notifications.deliver")
    Job.objects.filter(pk=first.pk).update(status=JobStatus.RUNNING)  # the worker has it
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[people["street"]], kind="t", title="后")
    assert Job.objects.filter(kind="notifications.deliver").count() == 2
    Job.objects.filter(pk=first.pk).update(status=JobStatus.QUEUED)
    drain()
    assert sorted(m.to[0] for m in mail.outbox) == ["county@example.cn", "street@example.cn"]
    assert len(sms.outbox) == 1
