"""Every state change and refusal of the services; bad input names the field and saves nothing."""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.utils import timezone

from apps.campaigns import services
from apps.campaigns.choices import DecisionStatus, MeetingStatus, ProblemStatus, ProjectStatus, SubItemStatus
from apps.campaigns.models import AgendaItem, Campaign, Decision, Inspection, Photo, Problem, Project, SubItem
from apps.campaigns.tests.helpers import answers_for, held_meeting, inspect, subitem
from apps.core.errors import ConflictError, DomainError, ForbiddenError
from apps.core.models import Event
from apps.regions.models import Region

pytestmark = pytest.mark.django_db


# ------------------------------------------------------------------ campaigns
def test_county_launches_a_campaign_with_checklist(cw):
    county = Region.objects.get(pk="371311")
    c = services.campaign_create(
        actor=cw.users["county"],
        name="大排查、解难题、暖万家",
        region=county,
        start_date=datetime.date(2026, 3, 1),
        end_date=datetime.date(2026, 6, 30),
        regions=[Region.objects.get(pk="371311003")],
        checklist=["停车秩序", "", "房屋漏水"],
    )
    assert c.region_prefix == "371311"
    assert [i.text for i in c.items.all()] == ["停车秩序", "房屋漏水"]
    assert Event.objects.filter(verb="campaign.create", object_id=str(c.pk)).exists()


@pytest.mark.parametrize(
    "persona,region,exc",
    [
        ("street", "371311", ForbiddenError),
        ("county", "371302", Http404),
        ("outsider", "371311", ForbiddenError),
    ],
)
def test_campaign_launch_refusals(cw, persona, region, exc):
    r = Region.objects.get(pk=region)
    with pytest.raises(exc):
        services.campaign_create(
            actor=cw.users[persona],
            name="x",
            region=r,
            start_date=datetime.date(2026, 1, 1),
            end_date=datetime.date(2026, 2, 1),
            regions=[r],
            checklist=["a"],
        )


def test_campaign_bad_input_names_the_field(cw):
    county = Region.objects.get(pk="371311")
    base = dict(
        actor=cw.users["county"],
        name="x",
        region=county,
        start_date=datetime.date(2026, 2, 1),
        end_date=datetime.date(2026, 1, 1),
        regions=[county],
        checklist=["a"],
    )
    n = Campaign.objects.count()
    with pytest.raises(DomainError, match="结束日期"):
        services.campaign_create(**base)
    with pytest.raises(DomainError, match="排查范围"):
        services.campaign_create(
            **{**base, "end_date": datetime.date(2026, 3, 1), "regions": [Region.objects.get(pk="371302")]}
        )
    with pytest.raises(DomainError, match="排查清单"):
        services.campaign_create(**{**base, "end_date": datetime.date(2026, 3, 1), "checklist": [" "]})
    assert Campaign.objects.count() == n


def test_campaign_close_once(cw):
    c = cw.own["campaign"]
    services.campaign_close(actor=cw.users["county"], campaign=c)
    with pytest.raises(ConflictError):
        services.campaign_close(actor=cw.users["county"], campaign=c)
    with pytest.raises(DomainError, match="已结束"):
        inspect(cw)


# ------------------------------------------------------------------ inspections
def test_inspection_records_answers_problems_and_photos(cw, png):
    campaign = cw.own["campaign"]
    i = services.inspection_record(
        actor=cw.users["community"],
        campaign=campaign,
        compound=cw.compound,
        answers=answers_for(campaign, ok=False),
        problems=[
            services.ProblemInput(
                "3号楼顶楼漏水",
                location="3号楼",
                severity="high",
                suggested_handling="project",
                photo_files=(png(),),
            )
        ],
    )
    p = i.problems.get()
    assert p.region_code == cw.compound.community_id and p.status == ProblemStatus.OPEN
    assert Photo.objects.filter(problem=p).count() == 1
    assert all(a["ok"] is False for a in i.answers.values())


def test_inspection_refusals(cw):
    campaign = cw.own["campaign"]
    with pytest.raises(DomainError, match="请答复"):
        services.inspection_record(
            actor=cw.users["community"], campaign=campaign, compound=cw.compound, answers={}
        )
    with pytest.raises(DomainError, match="排查范围"):  # 兰山 compound not in 罗庄 campaign
        services.inspection_record(
            actor=cw.users["city"],
            campaign=campaign,
            compound=cw.other_compound,
            answers=answers_for(campaign),
        )
    with pytest.raises(ForbiddenError):
        services.inspection_record(
            actor=cw.users["company"], campaign=campaign, compound=cw.compound, answers=answers_for(campaign)
        )
    with pytest.raises(Http404):
        services.inspection_record(
            actor=cw.users["other_county"],
            campaign=campaign,
            compound=cw.compound,
            answers=answers_for(campaign),
        )
    inspect(cw)
    with pytest.raises(DomainError, match="已有排查记录"):
        inspect(cw)
    assert Inspection.objects.filter(campaign=campaign).count() == 1


def test_campaign_progress_counts_inspected_over_in_scope(cw):
    from apps.campaigns.selectors import campaign_progress

    before = campaign_progress(cw.own["campaign"])
    assert before["in_scope"] >= 1 and before["inspected"] == 0
    inspect(cw, problems=("a", "b"))
    after = campaign_progress(cw.own["campaign"])
    assert after["inspected"] == 1 and after["problems"] == 2
    assert after["rows"][0]["inspected"] == 1


# ------------------------------------------------------------------ problem → work order / project / merge
def test_problem_to_workorder_through_intake_linked_back(cw, png):
    from apps.workorders.models import Category, WorkOrder

    campaign = cw.own["campaign"]
    i = services.inspection_record(
        actor=cw.users["community"],
        campaign=campaign,
        compound=cw.compound,
        answers=answers_for(campaign),
        problems=[services.ProblemInput("垃圾堆放", photo_files=(png(),))],
    )
    problem = i.problems.get()
    category = Category.objects.filter(is_active=True).first()
    # Filed by staff, the intake's rule holds here too: no phone to call back, no order.
    with pytest.raises(DomainError, match="手机号"):
        services.problem_to_workorder(actor=cw.users["community"], problem=problem, category=category)
    order = services.problem_to_workorder(
        actor=cw.users["community"], problem=problem, category=category, reporter_phone="13912340000"
    )
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.WORKORDER and problem.workorder == order
    assert order.compound == cw.compound and order.status == "submitted" and "垃圾堆放" in order.description
    assert order.photos.count() == 1
    with pytest.raises(DomainError, match="已处置"):
        services.problem_to_project(actor=cw.users["community"], problem=problem, name="x")
    assert WorkOrder.objects.count() == 1


def test_problem_to_project_and_merge(cw):
    i = inspect(cw, problems=("停车位不够", "停车乱"))
    p1, p2 = i.problems.order_by("pk")
    project = services.problem_to_project(actor=cw.users["community"], problem=p1, name="停车位的划分")
    assert project.campaign == cw.own["campaign"] and project.compound == cw.compound
    services.problem_merge(actor=cw.users["community"], problem=p2, project=project)
    p2.refresh_from_db()
    assert p2.status == ProblemStatus.MERGED and p2.project == project
    assert set(project.problems.all()) == {p1, p2}


def test_merge_refuses_other_compound_and_outsiders(cw):
    i = inspect(cw)
    problem = i.problems.get()
    with pytest.raises(Http404):
        services.problem_merge(actor=cw.users["community"], problem=problem, project=cw.other["project"])
    with pytest.raises(Http404):
        services.problem_to_project(actor=cw.users["other_county"], problem=problem, name="x")
    with pytest.raises(ForbiddenError):
        services.problem_to_project(actor=cw.users["resident"], problem=problem, name="x")


# ------------------------------------------------------------------ sub-items, progress, acceptance
def test_subitem_bad_input_names_the_field_and_saves_nothing(cw):
    today = timezone.localdate()
    n = SubItem.objects.count()
    with pytest.raises(DomainError, match="计划完工日期"):
        subitem(cw, planned_start=today, planned_finish=today - datetime.timedelta(days=1))
    with pytest.raises(DomainError, match="预算"):
        subitem(cw, budget="-1")
    with pytest.raises(DomainError, match="预算"):
        subitem(cw, budget="abc")
    with pytest.raises(DomainError, match="资金来源"):
        subitem(cw, funding_source="lottery")
    with pytest.raises(DomainError, match="责任单位"):
        subitem(cw, responsible_company=None, responsible_unit="")
    assert SubItem.objects.count() == n


def test_budget_is_decimal_and_zero_allowed(cw):
    s = subitem(cw, budget="0")
    assert s.budget == Decimal("0.00")
    s = subitem(cw, budget="1234.56")
    assert s.budget == Decimal("1234.56")


def test_progress_derived_from_subitems(cw, png):
    project = cw.own["project"]
    assert Project.progress_of([]) == 0
    a, b = subitem(cw, name="A"), subitem(cw, name="B")
    from apps.campaigns.selectors import progress_percent, project_list_for

    def percent():
        return progress_percent(project_list_for(user=cw.users["city"]).get(pk=project.pk))

    assert percent() == 0
    _complete(cw, a, png)
    assert percent() == 0  # completed but not accepted yet
    _accept(cw, a)
    assert percent() == 50
    project.refresh_from_db()
    assert project.status == ProjectStatus.OPEN
    _complete(cw, b, png)
    _accept(cw, b)
    assert percent() == 100
    project.refresh_from_db()
    assert project.status == ProjectStatus.CLOSED and project.closed_at
    with pytest.raises(DomainError, match="已完成"):
        subitem(cw, name="C")


def _complete(world, item, png):
    services.subitem_progress(
        actor=world.users["company"], subitem=item, note="开工", before_photos=[png("b.png")]
    )
    item.refresh_from_db()
    assert item.status == SubItemStatus.IN_PROGRESS and item.started_at
    services.subitem_progress(
        actor=world.users["company"], subitem=item, note="完工", completes=True, after_photos=[png("a.png")]
    )
    item.refresh_from_db()
    assert item.status == SubItemStatus.COMPLETED


def _accept(world, item):
    services.subitem_accept(actor=world.users["community"], subitem=item, note="质量合格")
    item.refresh_from_db()
    assert item.status == SubItemStatus.COMPLETED  # one signature is not enough
    services.subitem_accept(actor=world.users["committee"], subitem=item, note="居民满意")
    item.refresh_from_db()
    assert item.status == SubItemStatus.ACCEPTED and item.satisfaction_note == "居民满意"


def test_a_refused_report_leaves_no_photo_file_behind(cw, png, settings):
    """A valid before photo is stored, then the after photo is refused: the report rolls back and
    the stored file is deleted with it (the rows roll back with the transaction, files would not)."""
    item = subitem(cw)
    media = Path(settings.MEDIA_ROOT)
    with pytest.raises(DomainError, match="不是有效的图片"):
        services.subitem_progress(
            actor=cw.users["company"],
            subitem=item,
            note="开工",
            before_photos=[png("b.png")],
            after_photos=[SimpleUploadedFile("a.png", b"not an image")],
        )
    assert not Photo.objects.filter(progress__subitem=item).exists()
    assert [p for p in media.rglob("*") if p.is_file()] == []


def test_progress_refusals(cw, png):
    item = subitem(cw)
    with pytest.raises(DomainError, match="施工后照片"):
        services.subitem_progress(actor=cw.users["company"], subitem=item, note="完工", completes=True)
    with pytest.raises(ForbiddenError):
        services.subitem_progress(actor=cw.users["resident"], subitem=item, note="x")
    with pytest.raises(Http404):  # the other county's company never learns it exists
        services.subitem_progress(actor=cw.users["other_county"], subitem=item, note="x")
    with pytest.raises(Http404):  # a department not responsible for it does not see it
        services.subitem_progress(actor=cw.users["department"], subitem=item, note="x")
    _complete(cw, item, png)
    with pytest.raises(DomainError, match="待验收"):
        services.subitem_progress(actor=cw.users["company"], subitem=item, note="再报")
    _accept(cw, item)
    n = item.updates.count()
    with pytest.raises(DomainError, match="已验收，不能再报告进度"):
        services.subitem_progress(actor=cw.users["company"], subitem=item, note="再报")
    assert item.updates.count() == n


def test_acceptance_refusals_and_sending_back(cw, png):
    item = subitem(cw)
    with pytest.raises(DomainError, match="不能验收"):
        services.subitem_accept(actor=cw.users["community"], subitem=item, note="x")
    _complete(cw, item, png)
    with pytest.raises(ForbiddenError):
        services.subitem_accept(actor=cw.users["company"], subitem=item, note="x")
    with pytest.raises(DomainError, match="居民满意度说明"):
        services.subitem_accept(actor=cw.users["committee"], subitem=item, note=" ")
    services.subitem_accept(actor=cw.users["committee"], subitem=item, note="还有积水")
    with pytest.raises(DomainError, match="业委会已签字"):
        services.subitem_accept(actor=cw.users["committee"], subitem=item, note="again")
    services.subitem_accept(actor=cw.users["community"], subitem=item, note="有积水，返工", approve=False)
    item.refresh_from_db()
    assert item.status == SubItemStatus.IN_PROGRESS and item.committee_accepted_at is None
    assert Event.objects.filter(verb="subitem.accept_refused", object_id=str(item.pk)).exists()


# ------------------------------------------------------------------ meetings
def test_meeting_convene_refusals(cw):
    street = Region.objects.get(pk="371311003")
    args = dict(
        title="会",
        convener_region=street,
        convener_name="街道党工委",
        scheduled_at=timezone.now(),
        invitees=[services.InviteeInput("company", "物业")],
    )
    with pytest.raises(ForbiddenError):
        services.meeting_convene(actor=cw.users["county"], **args)
    with pytest.raises(Http404):
        services.meeting_convene(
            actor=cw.users["street"], **{**args, "convener_region": Region.objects.get(pk="371302001")}
        )
    with pytest.raises(DomainError, match="参会单位"):
        services.meeting_convene(actor=cw.users["street"], **{**args, "invitees": []})
    with pytest.raises(DomainError, match="涉及小区"):
        services.meeting_convene(actor=cw.users["street"], **{**args, "compound": cw.other_compound})
    m = services.meeting_convene(actor=cw.users["street"], **args)
    assert m.status == MeetingStatus.PLANNED and m.region_code == "371311003"


def test_agenda_from_another_street_is_refused(cw):
    from apps.core.testing import OTHER_COMMUNITY

    meeting = cw.own["meeting"]
    other_project = cw.other["project"]
    assert other_project.region_code == OTHER_COMMUNITY
    with pytest.raises(DomainError, match="关联民生项目：不属于召集街道"):
        services.agenda_add(actor=None, meeting=meeting, project=other_project)
    assert not AgendaItem.objects.filter(meeting=meeting).exists()
    item = services.agenda_add(actor=cw.users["street"], meeting=meeting, project=cw.own["project"])
    assert item.title.startswith("民生项目")


def test_meeting_record_and_decisions(cw):
    meeting = cw.own["meeting"]
    with pytest.raises(DomainError, match="先记录会议纪要"):
        services.decision_add(
            actor=cw.users["street"],
            meeting=meeting,
            text="x",
            owner_kind="company",
            owner_unit="物业",
            deadline=timezone.localdate(),
            required_evidence="照片",
        )
    with pytest.raises(DomainError, match="会议纪要"):
        services.meeting_record(actor=cw.users["street"], meeting=meeting, minutes="", attended=[])
    held_meeting(cw)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD and meeting.invitees.get().attended is True
    with pytest.raises(ConflictError):
        held_meeting(cw)
    with pytest.raises(DomainError, match="会议已召开"):
        services.agenda_add(actor=cw.users["street"], meeting=meeting, title="迟到的议题")


def test_decision_without_owner_or_deadline_is_refused(cw):
    meeting = held_meeting(cw)
    base = dict(
        actor=cw.users["street"],
        meeting=meeting,
        text="划定车位",
        owner_kind="company",
        owner_unit="罗庄安居物业",
        deadline=timezone.localdate() + datetime.timedelta(days=10),
        required_evidence="施工照片",
    )
    with pytest.raises(DomainError, match="责任单位：请填写责任单位"):
        services.decision_add(**{**base, "owner_unit": ""})
    with pytest.raises(DomainError, match="完成期限：请填写完成期限"):
        services.decision_add(**{**base, "deadline": None})
    with pytest.raises(DomainError, match="佐证材料要求"):
        services.decision_add(**{**base, "required_evidence": ""})
    assert not Decision.objects.exists()
    d = services.decision_add(**base)
    assert d.status == DecisionStatus.OPEN and d.due_at is not None


def test_decision_close_on_time_and_twice(cw):
    meeting = held_meeting(cw)
    d = services.decision_add(
        actor=cw.users["street"],
        meeting=meeting,
        text="划定车位",
        owner_kind="company",
        owner_unit="物业",
        deadline=timezone.localdate() + datetime.timedelta(days=10),
        required_evidence="照片",
    )
    with pytest.raises(ForbiddenError):
        services.decision_close(actor=cw.users["company"], decision=d, evidence_note="done")
    with pytest.raises(DomainError, match="落实情况及佐证"):
        services.decision_close(actor=cw.users["street"], decision=d, evidence_note="")
    services.decision_close(actor=cw.users["street"], decision=d, evidence_note="已划定86个车位，见照片")
    d.refresh_from_db()
    assert d.status == DecisionStatus.CLOSED and d.on_time is True
    with pytest.raises(ConflictError):
        services.decision_close(actor=cw.users["street"], decision=d, evidence_note="again")


# ------------------------------------------------------------------ order ↔ project ↔ meeting
def _order(world):
    from apps.workorders.models import Category
    from apps.workorders.services import workorder_submit

    return workorder_submit(
        actor=world.users["resident"],
        compound=world.compound,
        category=Category.objects.filter(is_active=True).first(),
        description="小区停车难，需要物业、业委会和街道一起解决",
    )


def test_order_lifted_onto_next_meeting_and_into_project(cw):
    from apps.campaigns.selectors import order_links

    order = _order(cw)
    item = services.workorder_lift_to_meeting(actor=cw.users["street"], order=order)
    assert item.meeting == cw.own["meeting"] and item.workorder == order
    with pytest.raises(DomainError, match="已在本次会议"):
        services.workorder_lift_to_meeting(actor=cw.users["street"], order=order)
    project = services.workorder_lift_to_project(actor=cw.users["community"], order=order)
    assert project.source_order == order
    with pytest.raises(DomainError, match="已转为民生项目"):
        services.workorder_lift_to_project(actor=cw.users["community"], order=order)
    links = order_links(order, cw.users["resident"])
    assert [p.pk for p in links["projects"]] == [project.pk]
    assert [a.meeting_id for a in links["agenda_items"]] == [cw.own["meeting"].pk]
    assert links["can_lift"] is False  # residents do not lift
    assert cw.own["meeting"].agenda.get().workorder == order  # the meeting shows it
    assert Event.objects.filter(verb="workorder.lift_project", object_id=str(order.pk)).exists()


def test_lift_refusals(cw):
    order = _order(cw)
    with pytest.raises(Http404):
        services.workorder_lift_to_project(actor=cw.users["other_county"], order=order)
    with pytest.raises(ForbiddenError):
        services.workorder_lift_to_meeting(actor=cw.users["county"], order=order)
    with pytest.raises(ForbiddenError):
        services.workorder_lift_to_project(actor=cw.users["company"], order=order)
    held_meeting(cw)
    with pytest.raises(DomainError, match="暂无待召开"):
        services.workorder_lift_to_meeting(actor=cw.users["street"], order=order)


def test_problem_rows_never_half_written(cw):
    n = Problem.objects.count()
    with pytest.raises(DomainError, match="问题描述"):
        inspect(cw, problems=("",))
    assert Problem.objects.count() == n and not Inspection.objects.exists()
