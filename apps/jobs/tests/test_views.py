import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from apps.jobs import services
from apps.jobs.models import Job, JobStatus
from apps.jobs.testing import drain

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(django_user_model):
    return {
        "alice": django_user_model.objects.create_user("alice", password="x"),
        "bob": django_user_model.objects.create_user("bob", password="x"),
        "root": django_user_model.objects.create_superuser("root", password="x"),
    }


@pytest.fixture
def alice_job(people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    job = Job.objects.create(
        kind="jobs.selftest", title="导入小区台账", owner=people["alice"], status=JobStatus.SUCCEEDED
    )
    job.result_file.save("结果.xlsx", ContentFile(b"PK-result"), save=True)
    return job


def test_my_jobs_lists_my_own_jobs_only(client, people, alice_job):
    Job.objects.create(kind="jobs.selftest", title="别人的导入", owner=people["bob"])
    Job.objects.create(kind="workorders.sla_sweep", title="工单时限巡检", owner=None)
    client.force_login(people["alice"])
    body = client.get(reverse("job_list")).content.decode()
    assert "导入小区台账" in body and alice_job.get_absolute_url() in body
    assert "别人的导入" not in body and "工单时限巡检" not in body
    assert "已完成" in body and reverse("job_file", args=[alice_job.pk]) in body


def test_my_jobs_pages_and_filters_by_status(client, people, settings):
    settings.JOBS_PAGE_SIZE = 5
    for i in range(7):
        Job.objects.create(kind="jobs.selftest", title=f"任务{i}", owner=people["alice"])
    Job.objects.create(
        kind="jobs.selftest",
        title="失败的任务",
        owner=people["alice"],
        status=JobStatus.FAILED,
        error="第3行：面积必须大于0",
    )
    client.force_login(people["alice"])
    body = client.get(reverse("job_list")).content.decode()
    assert "第 1 / 2 页" in body and "共 8 条" in body
    failed = client.get(reverse("job_list"), {"status": "failed"}).content.decode()
    assert "失败的任务" in failed and "第3行：面积必须大于0" in failed and "任务1" not in failed
    assert client.get(reverse("job_list"), {"status": "nonsense"}).status_code == 200


def test_empty_states(client, people):
    client.force_login(people["bob"])
    assert "暂无任务" in client.get(reverse("job_list")).content.decode()
    assert "没有符合条件的任务" in client.get(reverse("job_list"), {"status": "failed"}).content.decode()


def test_the_list_needs_a_login(client):
    response = client.get(reverse("job_list"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_another_users_job_is_not_found_anywhere(client, people, alice_job):
    client.force_login(people["bob"])
    for name in ("job_detail", "job_progress", "job_file"):
        assert client.get(reverse(name, args=[alice_job.pk])).status_code == 404, name
    assert client.post(reverse("job_cancel", args=[alice_job.pk])).status_code == 404


def test_the_result_file_goes_to_its_owner_and_an_administrator(client, people, alice_job):
    for who in ("alice", "root"):
        client.force_login(people[who])
        response = client.get(reverse("job_file", args=[alice_job.pk]))
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == b"PK-result"
        assert "attachment" in response["Content-Disposition"]
        assert response["Cache-Control"] == "private, no-store"


def test_a_job_without_a_file_has_no_download(client, people):
    job = Job.objects.create(
        kind="jobs.selftest", title="无文件", owner=people["alice"], status=JobStatus.SUCCEEDED
    )
    client.force_login(people["alice"])
    assert client.get(reverse("job_file", args=[job.pk])).status_code == 404


def test_the_progress_fragment_polls_while_running_and_stops_when_done(client, people):
    job = Job.objects.create(
        kind="jobs.selftest",
        title="生成月报",
        owner=people["alice"],
        status=JobStatus.RUNNING,
        progress_done=30,
        progress_total=120,
    )
    client.force_login(people["alice"])
    body = client.get(reverse("job_detail", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in body and "已完成 30 / 120" in body and "25%" in body
    Job.objects.filter(pk=job.pk).update(status=JobStatus.FAILED, error="区划代码不存在")
    fragment = client.get(reverse("job_progress", args=[job.pk])).content.decode()
    assert "hx-trigger" not in fragment
    assert "失败原因：" in fragment and "区划代码不存在" in fragment
    assert "Traceback" not in fragment


def test_the_owner_cancels_a_running_job(client, people):
    job = Job.objects.create(
        kind="jobs.selftest", title="生成月报", owner=people["alice"], status=JobStatus.RUNNING
    )
    client.force_login(people["alice"])
    response = client.post(reverse("job_cancel", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED and job.finished_at is not None
    client.post(reverse("job_cancel", args=[job.pk]))  # again: a message, not an error page
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED


def test_only_an_administrator_starts_the_self_test(
    client, people, django_capture_on_commit_callbacks, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(people["alice"])
    assert client.post(reverse("job_selftest")).status_code == 403
    client.force_login(people["root"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("job_selftest"))
    job = Job.objects.get(kind="jobs.selftest", owner=people["root"])
    assert response["Location"] == job.get_absolute_url()
    Job.objects.filter(pk=job.pk).update(params={"steps": 2, "step_s": 0})
    drain()
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.result_file


def test_administrators_see_failed_jobs_with_the_traceback_and_requeue_them(
    client, people, django_capture_on_commit_callbacks
):
    job = Job.objects.create(
        kind="jobs.selftest",
        title="导入失败",
        owner=people["alice"],
        status=JobStatus.FAILED,
        attempts=3,
        error="任务执行出错，已尝试 3 次仍未成功，请联系系统管理员。",
        error_detail="Traceback (most recent call last):\nRuntimeError: boom",
    )
    client.force_login(people["root"])
    listing = client.get(reverse("admin:jobs_job_changelist"), {"status__exact": "failed"}).content.decode()
    assert "导入失败" in listing and "已尝试 3 次" in listing
    page = client.get(reverse("admin:jobs_job_change", args=[job.pk])).content.decode()
    assert "RuntimeError: boom" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:jobs_job_changelist"), {"action": "requeue", "_selected_action": [str(job.pk)]}
        )
    job.refresh_from_db()
    assert (job.status, job.attempts, job.error) == (JobStatus.QUEUED, 0, "")


def test_other_staff_are_refused_the_jobs_admin(client, django_user_model):
    staff = django_user_model.objects.create_user("staff", password="x", is_staff=True)
    client.force_login(staff)
    assert client.get(reverse("admin:jobs_job_changelist")).status_code == 403


def test_requeue_refuses_a_job_that_did_not_fail(people):
    from apps.core.errors import ConflictError, ForbiddenError

    job = Job.objects.create(
        kind="jobs.selftest", title="进行中", owner=people["alice"], status=JobStatus.RUNNING
    )
    with pytest.raises(ConflictError):
        services.requeue(job=job, actor=people["root"])
    with pytest.raises(ForbiddenError):
        services.requeue(job=job, actor=people["alice"])


def test_every_role_has_my_jobs_in_the_navigation(client, users):
    for key, user in users.items():
        client.force_login(user)
        body = client.get(reverse("home")).content.decode()
        assert f'href="{reverse("job_list")}"' in body, key
