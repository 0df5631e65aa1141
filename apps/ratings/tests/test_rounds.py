"""The round workflow: every transition and its refusals (wrong role, wrong scope, wrong state,
after publication), the override reason, objections blocking finalisation, veto revocation, and
the dashboard's figures reading the engine's results."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from apps.core.errors import ConflictError, DomainError, ForbiddenError
from apps.core.models import Event
from apps.core.scoping import region_scope
from apps.dashboards import figures as fig
from apps.party.selectors import party_org_list_for
from apps.ratings.choices import EntryStatus, RoundStatus
from apps.ratings.services import (
    entry_approve,
    objection_answer,
    objection_lodge,
    result_revoke,
    round_finalize,
    round_publish,
)

from .helpers import entry_of, items, make_scheme, open_round, review, self_assess, through_review

pytestmark = pytest.mark.django_db
NOTICE_DAY = datetime.date(2025, 12, 15)  # a Monday


@pytest.fixture
def rnd(world):
    return open_round(make_scheme(), actor=world.users["city"])


def test_open_creates_an_entry_per_company_org_of_the_city(world, rnd):
    orgs = {e.party_org_id for e in rnd.entries.all()}
    assert {world.own["partyorg"].pk, world.other["partyorg"].pk} <= orgs
    assert rnd.entries.first().scores.count() == 5
    assert Event.objects.filter(verb="ratinground.open").count() == 1


def test_only_the_city_opens_rounds(world):
    scheme = make_scheme()
    for key in ("county", "company", "outsider"):
        with pytest.raises(ForbiddenError):
            open_round(scheme, actor=world.users[key])


def test_self_assessment_by_the_subjects_company_only(world, rnd):
    own = entry_of(rnd, world.own["partyorg"])
    with pytest.raises(ForbiddenError):
        self_assess(entry_of(rnd, world.other["partyorg"]), world.users["company"])  # another company
    with pytest.raises(ForbiddenError):
        self_assess(own, world.users["county"])  # wrong role
    e = self_assess(own, world.users["company"])
    assert e.status == EntryStatus.SUBMITTED
    scores = {s.item.code: s for s in e.scores.select_related("item")}
    # 盛庄花园 has a branch: 1 of 1 compounds → 100 % → 4 points; no orders: 0 per 1,000 → 6.
    assert scores["A2"].objective_value == Decimal("100.00") and scores["A2"].computed_points == 4
    assert (
        scores["A2"].objective_numerator.startswith("1 个") and "党组织登记" in scores["A2"].objective_source
    )
    assert scores["C1"].computed_points == 6
    assert e.self_score == Decimal("18")  # 5 + 3 + 4 + 6
    with pytest.raises(ConflictError):
        self_assess(e, world.users["company"])  # twice


def test_points_over_the_max_and_missing_evidence_are_refused(world, rnd):
    own = entry_of(rnd, world.own["partyorg"])
    with pytest.raises(ValidationError) as exc:
        self_assess(own, world.users["company"], a1=7)
    assert "A1" in str(exc.value) and "超过本项满分" in str(exc.value)
    from apps.ratings.services import entry_self_assess

    it = items(own.scheme)
    with pytest.raises(ValidationError) as exc:
        entry_self_assess(
            entry=own,
            scores={it["A1"].pk: {"points": 3}, it["C2"].pk: {"points": 1, "note": "x"}},
            actor=world.users["company"],
        )
    assert "佐证" in str(exc.value)
    own.refresh_from_db()
    assert own.status == EntryStatus.PENDING


def test_review_by_the_county_in_scope_with_audited_override(world, rnd):
    e = self_assess(entry_of(rnd, world.own["partyorg"]), world.users["company"])
    for key in ("other_county", "company", "city"):
        with pytest.raises(ForbiddenError):
            review(e, world.users[key])
    with pytest.raises(ValidationError) as exc:
        review(e, world.users["county"], C1={"points": 3})  # changes the computed 6 without a reason
    assert "理由" in str(exc.value)
    with pytest.raises(ValidationError):
        review(e, world.users["county"], a1=6.5)
    e = review(
        e, world.users["county"], C1={"points": 3, "override_reason": "有两起投诉未录入平台，现场核实"}
    )
    assert (e.status, e.score, e.stars) == (EntryStatus.REVIEWED, Decimal("15"), 3)
    event = Event.objects.get(verb="ratingentry.review")
    assert event.changes["overrides"]["C1"][2].startswith("有两起投诉")
    assert event.actor == world.users["county"]


def test_a_veto_item_voids_the_stars(world, rnd):
    e = self_assess(entry_of(rnd, world.own["partyorg"]), world.users["company"])
    with pytest.raises(ValidationError):
        review(e, world.users["county"], V1={"veto_hit": True})  # no facts written
    e = review(e, world.users["county"], V1={"veto_hit": True, "comment": "3月发生电梯事故致1人重伤"})
    assert e.vetoed and e.stars is None and "电梯" in e.veto_reason


def test_wrong_state_transitions_are_conflicts(world, rnd):
    e = entry_of(rnd, world.own["partyorg"])
    with pytest.raises(ConflictError):
        entry_approve(entry=e, actor=world.users["city"])  # not reviewed
    with pytest.raises(ConflictError):
        review(e, world.users["county"])  # not self-assessed
    with pytest.raises(DomainError):
        round_publish(round=rnd, actor=world.users["city"], today=NOTICE_DAY)  # nothing approved


def _published(world, rnd):
    e = through_review(world, rnd, world.own["partyorg"])  # 5+3+4+6 = 18 → five stars
    assert e.stars == 5
    for key in ("county", "heze_city"):
        with pytest.raises(ForbiddenError):
            round_publish(round=rnd, actor=world.users[key], today=NOTICE_DAY)
    rnd = round_publish(round=rnd, actor=world.users["city"], today=NOTICE_DAY)
    return e, rnd


def test_publication_sets_the_notice_in_working_days(world, rnd, settings):
    e, rnd = _published(world, rnd)
    assert rnd.status == RoundStatus.NOTICE
    assert (rnd.notice_starts_on, rnd.notice_ends_on) == (
        NOTICE_DAY,
        datetime.date(2025, 12, 22),
    )  # 5 working days
    with pytest.raises(DomainError):
        self_assess(entry_of(rnd, world.other["partyorg"]), world.users["company"])  # after publication
    e.refresh_from_db()
    assert e.status == EntryStatus.NOTICE


def test_an_objection_blocks_finalisation_until_answered(world, rnd):
    e, rnd = _published(world, rnd)
    with pytest.raises(ForbiddenError):
        objection_lodge(
            entry=e, text="该企业服务小区发生过事故", actor=world.users["other_county"], today=NOTICE_DAY
        )
    with pytest.raises(ForbiddenError):
        objection_lodge(
            entry=e, text="该企业服务小区发生过事故", actor=world.users["outsider"], today=NOTICE_DAY
        )
    with pytest.raises(ValidationError):
        objection_lodge(entry=e, text="差", actor=world.users["county"], today=NOTICE_DAY)
    objection = objection_lodge(
        entry=e, text="该企业服务小区发生过事故", actor=world.users["company"], today=NOTICE_DAY
    )
    after = rnd.notice_ends_on + datetime.timedelta(days=1)
    with pytest.raises(DomainError):
        round_finalize(round=rnd, actor=world.users["city"], today=rnd.notice_ends_on)  # notice not over
    with pytest.raises(DomainError) as exc:
        round_finalize(round=rnd, actor=world.users["city"], today=after)
    assert "异议未答复" in exc.value.message
    with pytest.raises(ForbiddenError):
        objection_answer(objection=objection, answer="经核查不属实", actor=world.users["company"])
    objection_answer(objection=objection, answer="经核查，事故不属实，维持结果", actor=world.users["county"])
    with pytest.raises(ConflictError):
        objection_answer(objection=objection, answer="再答一次也不行", actor=world.users["city"])
    with pytest.raises(DomainError):
        objection_lodge(entry=e, text="公示结束后的异议", actor=world.users["county"], today=after)
    rnd = round_finalize(round=rnd, actor=world.users["city"], today=after)
    e.refresh_from_db()
    assert (rnd.status, e.status, e.valid_from) == (RoundStatus.CLOSED, EntryStatus.FINAL, after)


def test_final_results_drive_the_figures_and_a_veto_revokes(world, rnd, mailoutbox):
    linyi = region_scope("371300")
    org = world.own["partyorg"]
    before = fig.five_star_company_orgs(linyi)
    e, rnd = _published(world, rnd)
    after = rnd.notice_ends_on + datetime.timedelta(days=1)
    # The world's typed-in 2025 record (4 stars) is a legacy result; the engine's 2025 result wins.
    assert party_org_list_for(user=world.users["city"]).get(pk=org.pk).latest_stars == 4
    round_finalize(round=rnd, actor=world.users["city"], today=after)
    assert party_org_list_for(user=world.users["city"]).get(pk=org.pk).latest_stars == 5
    assert fig.five_star_company_orgs(linyi) == before + 1
    old = org.star_results.get(is_legacy=True)
    assert old.status == EntryStatus.FINAL
    with pytest.raises(ForbiddenError):
        result_revoke(entry=e, reason="重大安全责任事故", actor=world.users["county"], today=after)
    with pytest.raises(ValidationError):
        result_revoke(entry=e, reason="事故", veto_code="X9", actor=world.users["city"], today=after)
    from django.db import transaction  # noqa: F401  (on_commit runs in captured callbacks below)

    e = result_revoke(
        entry=e, reason="服务小区发生重大安全责任事故", veto_code="V1", actor=world.users["city"], today=after
    )
    assert (e.status, e.stars, e.revoked_stars) == (EntryStatus.REVOKED, None, 5)
    assert party_org_list_for(user=world.users["city"]).get(pk=org.pk).latest_stars is None
    assert fig.five_star_company_orgs(linyi) == before
    assert Event.objects.filter(verb="ratingentry.revoke", note__contains="V1").exists()
    with pytest.raises(ConflictError):
        result_revoke(entry=e, reason="再撤销一次不行", actor=world.users["city"], today=after)


def _company_staff_of(rnd):
    from apps.accounts.models import User

    companies = {e.party_org.company_id for e in rnd.entries.select_related("party_org")}
    return set(User.objects.filter(company_id__in=companies, is_active=True).values_list("pk", flat=True))


def _rerun(job):
    """Run a finished job again, as after a worker killed between its commit and its end."""
    from apps.jobs.models import Job, JobStatus
    from apps.jobs.runner import run

    Job.objects.filter(pk=job.pk).update(status=JobStatus.QUEUED)
    run(str(job.pk))
    job.refresh_from_db()
    return job


def test_opening_a_round_queues_one_job_that_notifies_each_company_user_once(
    world, django_capture_on_commit_callbacks
):
    from django.db.models import Count

    from apps.jobs.models import Job, JobStatus
    from apps.jobs.testing import drain
    from apps.notifications.models import Notification
    from apps.ratings.jobs import ROUND_OPEN_KIND

    with django_capture_on_commit_callbacks(execute=True):
        rnd = open_round(make_scheme(), actor=world.users["city"])
    job = Job.objects.get(kind=ROUND_OPEN_KIND)
    assert job.params == {"round": rnd.pk} and job.status == JobStatus.QUEUED
    sent = Notification.objects.filter(kind="rating", title__contains=rnd.title)
    assert not sent.exists()  # nothing is sent in the request
    with django_capture_on_commit_callbacks(execute=True):
        drain()
    job.refresh_from_db()
    staff = _company_staff_of(rnd)
    assert world.users["company"].pk in staff
    assert job.status == JobStatus.SUCCEEDED and job.result == {"notified": len(staff), "again": False}
    per_user = dict(sent.values_list("recipient").annotate(n=Count("pk")))
    assert per_user == dict.fromkeys(staff, 1)
    assert "12月05日" in sent.first().body and sent.first().link == rnd.get_absolute_url()
    job = _rerun(job)  # the job runs twice: nobody is notified twice
    assert job.status == JobStatus.SUCCEEDED and job.result == {"notified": 0, "again": True}
    assert dict(sent.values_list("recipient").annotate(n=Count("pk"))) == per_user
    assert Event.objects.filter(verb="ratinground.notify", object_id=str(rnd.pk)).count() == 1
    assert Job.objects.filter(kind=ROUND_OPEN_KIND).count() == 1


def test_a_generated_round_notifies_nobody(world):
    from apps.jobs.models import Job
    from apps.ratings.jobs import ROUND_OPEN_KIND
    from apps.ratings.services import round_open

    from .helpers import YEAR, linyi

    round_open(
        scheme=make_scheme(),
        region=linyi(),
        year=YEAR,
        period_start=datetime.date(YEAR, 1, 1),
        period_end=datetime.date(YEAR, 11, 30),
        self_assess_due=datetime.date(YEAR, 12, 5),
        review_due=datetime.date(YEAR, 12, 12),
        actor=world.users["city"],
        is_generated=True,
    )
    assert not Job.objects.filter(kind=ROUND_OPEN_KIND).exists()


def test_revocation_notifies_the_company(world, rnd, django_capture_on_commit_callbacks):
    from apps.jobs.models import Job, JobStatus
    from apps.jobs.testing import drain
    from apps.notifications.models import Notification
    from apps.ratings.jobs import REVOKE_KIND

    e, rnd = _published(world, rnd)
    after = rnd.notice_ends_on + datetime.timedelta(days=1)
    round_finalize(round=rnd, actor=world.users["city"], today=after)
    with django_capture_on_commit_callbacks(execute=True):
        result_revoke(entry=e, reason="列入月度黑榜未整改", actor=world.users["city"], today=after)
    job = Job.objects.get(kind=REVOKE_KIND)
    sent = Notification.objects.filter(recipient=world.users["company"], title__contains="撤销")
    assert not sent.exists()
    with django_capture_on_commit_callbacks(execute=True):
        drain()
    assert sent.count() == 1 and sent.get().body == "列入月度黑榜未整改"
    job = _rerun(job)
    assert (job.status, job.result["again"], sent.count()) == (JobStatus.SUCCEEDED, True, 1)


def test_evidence_must_be_a_pdf_or_image(world, rnd):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from apps.ratings.services import entry_self_assess

    from .helpers import pdf_upload

    own = entry_of(rnd, world.own["partyorg"])
    it = items(own.scheme)
    fake = SimpleUploadedFile("台账.pdf", b"<html>not a pdf</html>", content_type="application/pdf")
    with pytest.raises(ValidationError) as exc:
        entry_self_assess(
            entry=own,
            scores={it["A1"].pk: {"points": 3, "evidence": fake}, it["C2"].pk: {"points": 1, "note": "照片"}},
            actor=world.users["company"],
        )
    assert "A1" in str(exc.value) and "PDF" in str(exc.value)
    e = entry_self_assess(
        entry=own,
        scores={
            it["A1"].pk: {"points": 3, "evidence": pdf_upload()},
            it["C2"].pk: {"points": 1, "note": "照片"},
        },
        actor=world.users["company"],
    )
    evidence = e.scores.get(item=it["A1"]).evidence
    assert evidence.name.endswith(".pdf")
    # the file itself is stored, not only its name
    assert evidence.storage.exists(evidence.name) and evidence.read().startswith(b"%PDF")
