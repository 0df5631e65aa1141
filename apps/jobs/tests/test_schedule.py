import datetime
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from apps.jobs import registry
from apps.jobs.models import Job, JobStatus
from apps.jobs.runner import backoff
from apps.jobs.schedule import prune, schedule_due
from apps.jobs.testing import drain

pytestmark = pytest.mark.django_db(transaction=True)

TZ = timezone.get_default_timezone()


def at(*args):
    return datetime.datetime(*args, tzinfo=TZ)


@pytest.mark.parametrize(
    ("base", "attempt", "seconds"),
    [
        (30, 1, 30),
        (30, 2, 120),
        (30, 3, 480),
        (30, 4, 1920),
        (30, 5, 3600),
        (30, 9, 3600),
        (5, 1, 5),
        (0, 3, 0),
    ],
)
def test_backoff_grows_fourfold_and_is_capped_at_an_hour(settings, base, attempt, seconds):
    settings.JOBS_RETRY_BASE_S = base
    assert backoff(attempt) == timedelta(seconds=seconds)


def test_a_retry_waits_its_backoff_before_it_runs_again(settings):
    from apps.jobs import services

    settings.JOBS_RETRY_BASE_S = 30
    calls = []

    @registry.handler("tests.flaky", label="测试重试")
    def flaky(ctx):
        calls.append(ctx.attempt)
        if ctx.attempt == 1:
            raise RuntimeError("temporary")
        return {}

    with time_machine.travel(at(2026, 3, 2, 10, 0), tick=False):
        job = services.start(kind="tests.flaky", owner=None)
        drain()
        job.refresh_from_db()
        assert (job.status, job.attempts, calls) == (JobStatus.QUEUED, 1, [1])
        assert job.run_after == at(2026, 3, 2, 10, 0, 30)
        assert drain() == 0  # not due yet
    with time_machine.travel(at(2026, 3, 2, 10, 0, 31), tick=False):
        drain()
    job.refresh_from_db()
    assert (job.status, calls) == (JobStatus.SUCCEEDED, [1, 2])


def test_periods_of_an_interval_and_of_a_daily_hour():
    every = timedelta(minutes=10)
    assert registry.period_of(every, at(2026, 3, 2, 10, 7)) == "2026-03-02T10:00"
    assert registry.period_of(every, at(2026, 3, 2, 10, 10)) == "2026-03-02T10:10"
    morning = registry.daily(8, 0)
    assert registry.period_of(morning, at(2026, 3, 2, 7, 59)) is None
    assert registry.period_of(morning, at(2026, 3, 2, 8, 0)) == "2026-03-02"
    assert registry.period_of(morning, at(2026, 3, 2, 23, 0)) == "2026-03-02"


def test_the_scheduled_commands_are_job_kinds():
    kinds = registry.kinds()
    for name in (
        "workorders.sla_sweep",
        "campaigns.sweep",
        "programs.pairing_reminders",
        "programs.sync_modes",
        "jobs.clearsessions",
        "jobs.prune",
        "imports.cleanup",
    ):
        assert kinds[name].schedule is not None, name


def test_cron_firing_twice_in_one_period_runs_each_sweep_once():
    with time_machine.travel(at(2026, 3, 2, 9, 0, 5), tick=False):
        first = schedule_due()
        call_command("jobs_schedule")  # the second cron firing in the same minute
    with time_machine.travel(at(2026, 3, 2, 9, 0, 50), tick=False):
        again = schedule_due()
    assert [j.pk for j in first] == [j.pk for j in again]
    kinds = {j.kind for j in first}
    assert {"workorders.sla_sweep", "programs.pairing_reminders", "programs.sync_modes"} <= kinds
    assert Job.objects.filter(kind="workorders.sla_sweep").count() == 1
    drain()
    assert set(Job.objects.values_list("status", flat=True)) == {JobStatus.SUCCEEDED}
    with time_machine.travel(at(2026, 3, 2, 9, 1, 5), tick=False):
        schedule_due()
    assert Job.objects.filter(kind="workorders.sla_sweep").count() == 2  # a new minute, a new sweep
    assert Job.objects.filter(kind="programs.sync_modes").count() == 1  # daily: still today's


def test_before_its_hour_a_daily_job_is_not_due():
    with time_machine.travel(at(2026, 3, 2, 7, 0), tick=False):
        kinds = {j.kind for j in schedule_due()}
    assert "programs.pairing_reminders" not in kinds
    assert "programs.sync_modes" in kinds


def test_prune_deletes_old_system_jobs_only(settings, django_user_model):
    settings.JOBS_KEEP_DAYS = 30
    user = django_user_model.objects.create_user("owner1")
    old = timezone.now() - timedelta(days=31)
    system = Job.objects.create(kind="jobs.prune", title="旧", status=JobStatus.SUCCEEDED, finished_at=old)
    mine = Job.objects.create(
        kind="jobs.prune", title="我的", owner=user, status=JobStatus.SUCCEEDED, finished_at=old
    )
    recent = Job.objects.create(
        kind="jobs.prune", title="新", status=JobStatus.SUCCEEDED, finished_at=timezone.now()
    )
    failed_running = Job.objects.create(kind="jobs.prune", title="进行", status=JobStatus.RUNNING)
    assert prune() == 1
    assert set(Job.objects.values_list("pk", flat=True)) == {mine.pk, recent.pk, failed_running.pk}
    assert not Job.objects.filter(pk=system.pk).exists()


def test_prune_deletes_the_queue_rows_with_their_jobs_and_rows_left_running(settings, django_user_model):
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from apps.jobs import services
    from apps.jobs.runner import task_rows

    settings.JOBS_KEEP_DAYS = 30
    user = django_user_model.objects.create_user("owner2")
    system = services.start(kind="jobs.selftest", owner=None, params={"steps": 1, "step_s": 0})
    mine = services.start(kind="jobs.selftest", owner=user, params={"steps": 1, "step_s": 0})
    fresh = services.start(kind="jobs.selftest", owner=None, params={"steps": 1, "step_s": 0})
    drain()
    cancelled = services.start(kind="jobs.selftest", owner=user, params={"steps": 1, "step_s": 0})
    # a worker killed while running a job that was cancelled meanwhile: never recovered
    task_rows([cancelled.pk]).get().claim("killed-worker")
    Job.objects.filter(pk=cancelled.pk).update(status=JobStatus.CANCELLED, finished_at=timezone.now())
    old = timezone.now() - timedelta(days=31)
    Job.objects.filter(pk__in=[system.pk, mine.pk]).update(finished_at=old)
    task_rows([system.pk, mine.pk]).update(finished_at=old)
    task_rows([cancelled.pk]).update(started_at=old)
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {
        TaskResultStatus.SUCCESSFUL,
        TaskResultStatus.RUNNING,
    }
    assert prune() == 1
    assert set(Job.objects.values_list("pk", flat=True)) == {mine.pk, fresh.pk, cancelled.pk}
    assert not task_rows([system.pk]).exists()  # deleted with its job
    assert not task_rows([mine.pk]).exists()  # an old finished row: the Job row is the record
    assert not task_rows([cancelled.pk]).exists()  # 运行中 for longer than anything runs
    assert task_rows([fresh.pk]).count() == 1
