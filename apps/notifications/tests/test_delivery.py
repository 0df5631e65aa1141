"""E-mail and SMS go by a background job: after commit, retried, each message sent once."""

from unittest import mock

import pytest
from django.core import mail
from django.db import transaction

from apps.jobs.models import Job, JobStatus
from apps.jobs.runner import run
from apps.jobs.testing import drain
from apps.notifications import services, sms
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


def test_a_waiting_job_is_asked_for_once_per_half_linger_and_lingers_for_late_rows(
    people, settings, django_capture_on_commit_callbacks, django_assert_num_queries
):
    """With a linger, a process that saw a waiting job does not ask again for half the linger
    (one query less per whistle); the job, once started, ends only after the linger without a
    row, so a row committed in that time is still sent by it."""
    settings.NOTIFY_DELIVERY_LINGER_SECONDS = 0.6
    services._waiting_seen[0] = float("-inf")
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[people["county"]], kind="t", title="一", sms_phones=["13812345678"])
    job = Job.objects.get(kind="notifications.deliver")
    with django_capture_on_commit_callbacks(execute=True) as hooks:
        notify(recipients=[people["street"]], kind="t", title="二")
    with django_assert_num_queries(0):
        for hook in hooks:
            hook()  # the ensure: no query within half the linger
    assert Job.objects.filter(kind="notifications.deliver").count() == 1

    from apps.notifications import jobs

    late = []

    def wait_while_a_change_commits(seconds):
        if not late:  # the job found nothing to claim; a change commits while it lingers
            late.append(1)
            notify_batch([Message(recipients=(), kind="t", title="三", sms_phones=("13900000000",))])

    with mock.patch.object(jobs, "_sleep", side_effect=wait_while_a_change_commits):
        assert drain() == 1
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.result["sent"] == 4  # 二 by e-mail, 一, 二, 三
    assert not Delivery.objects.filter(sent_at__isnull=True).exists()


def test_a_job_that_used_its_claims_hands_over_to_a_successor(
    people, monkeypatch, django_capture_on_commit_callbacks
):
    from apps.notifications import jobs

    monkeypatch.setattr(jobs, "CLAIM_BATCH", 1)
    monkeypatch.setattr(jobs, "CLAIM_ROUNDS", 2)
    for phone in ("13800000001", "13800000002", "13800000003"):
        notify_batch([Message(recipients=(), kind="t", title="x", sms_phones=(phone,))])
    with django_capture_on_commit_callbacks(execute=True):
        services.delivery_job_ensure(recheck=True)
    with django_capture_on_commit_callbacks(execute=True):
        assert drain() == 1  # two claims of one row each, then it queues a successor
    assert len(sms.outbox) == 2
    assert drain() == 1  # the successor sends the third
    assert len(sms.outbox) == 3 and not Delivery.objects.filter(sent_at__isnull=True).exists()


def test_the_sweep_gives_unclaimed_rows_a_job(people, django_capture_on_commit_callbacks):
    """Rows whose after-commit hook never ran (no job) are found by the minute sweep."""
    notify_batch([Message(recipients=(), kind="t", title="x", sms_phones=("13800000001",))])
    assert not Job.objects.filter(kind="notifications.deliver").exists()
    from apps.jobs.services import start

    with django_capture_on_commit_callbacks(execute=True):
        start(kind="notifications.deliver_sweep", owner=None, title="补发", audit=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert drain() == 1  # the sweep queues a delivery job
    assert drain() == 1
    assert [m.phone for m in sms.outbox] == ["13800000001"]
