"""Pages: scope for every role, refusals, query-count guards, and the forms driving the services."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.campaigns import services
from apps.campaigns.choices import MeetingStatus, SubItemStatus
from apps.campaigns.models import Inspection, JointMeeting, Project, SubItem
from apps.campaigns.tests.helpers import held_meeting, inspect, subitem

pytestmark = pytest.mark.django_db

ROLES = [
    "city",
    "county",
    "street",
    "community",
    "company",
    "committee",
    "department",
    "resident",
    "other_county",
    "heze_city",
    "outsider",
]


def _get(client_for, role, name, *args):
    return client_for(role).get(reverse(name, args=args))


# which personas see the 罗庄 side's object (200) — everyone else gets 403 (no permission) or 404
SEES_OWN = {
    "campaign": {"city", "county", "street", "community"},
    "project": {"city", "county", "street", "community", "company", "committee", "resident"},
    "meeting": {"city", "county", "street", "community", "company", "committee", "department"},
}
SURFACES = {
    "campaign": ("campaign_detail", "name"),
    "project": ("project_detail", "name"),
    "meeting": ("meeting_detail", "title"),
}
LISTS = {"campaign": "campaign_list", "project": "project_list", "meeting": "meeting_list"}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("key", ["campaign", "project", "meeting"])
def test_scope_for_every_role(cw, client_for, role, key):
    obj, other = cw.own[key], cw.other[key]
    detail, text = SURFACES[key]
    own_response = _get(client_for, role, detail, obj.pk)
    if role in SEES_OWN[key]:
        assert own_response.status_code == 200
        assert getattr(obj, text) in own_response.content.decode()
    else:
        assert own_response.status_code in (403, 404)
    # nobody on the 罗庄 side (nor Heze, nor the outsider) sees the 兰山 side's object; the city
    # of Linyi holds both, the 兰山 county official only the 兰山 side
    other_response = _get(client_for, role, detail, other.pk)
    if role in ("city", "other_county"):
        assert other_response.status_code == 200
    else:
        assert other_response.status_code in (403, 404)
    listing = _get(client_for, role, LISTS[key])
    if listing.status_code == 200:
        body = listing.content.decode()
        assert (getattr(other, text) in body) == (role in ("city", "other_county"))
        assert (getattr(obj, text) in body) == (role in SEES_OWN[key])


def test_street_sees_its_own_meetings_only(cw, client_for):
    from apps.regions.models import Region

    services.meeting_convene(
        actor=None,
        title="罗庄街道另一场会",
        convener_region=Region.objects.get(pk="371311001"),
        convener_name="罗庄街道党工委",
        scheduled_at=timezone.now(),
        invitees=[services.InviteeInput("company", "物业")],
    )
    body = _get(client_for, "street", "meeting_list").content.decode()
    assert "罗庄物业联席会议" in body and "罗庄街道另一场会" not in body
    assert "罗庄街道另一场会" in _get(client_for, "county", "meeting_list").content.decode()


@pytest.mark.parametrize(
    "name", ["campaign_list", "project_list", "meeting_list", "decision_list", "campaign_overview"]
)
def test_list_query_counts_do_not_grow(cw, client_for, django_assert_max_num_queries, name):
    for n in range(8):
        p = services.project_create(actor=None, compound=cw.compound, name=f"项目{n}")
        subitem(cw, project=p, name=f"子{n}")
    meeting = held_meeting(cw)
    for n in range(5):
        services.decision_add(
            actor=None,
            meeting=meeting,
            text=f"事项{n}",
            owner_kind="company",
            owner_unit="物业",
            deadline=timezone.localdate() + datetime.timedelta(days=5),
            required_evidence="照片",
        )
    client = client_for("city")
    client.get(reverse(name))  # warm caches (permissions, session)
    with django_assert_max_num_queries(30):
        assert client.get(reverse(name)).status_code == 200


def test_overview_counts_projects_and_decision_rate(cw, client_for, png):
    item = subitem(cw)
    services.subitem_progress(
        actor=cw.users["company"], subitem=item, note="完工", completes=True, after_photos=[png()]
    )
    services.subitem_accept(actor=cw.users["community"], subitem=item, note="合格")
    services.subitem_accept(actor=cw.users["committee"], subitem=item, note="满意")
    meeting = held_meeting(cw)
    d = services.decision_add(
        actor=None,
        meeting=meeting,
        text="x",
        owner_kind="company",
        owner_unit="物业",
        deadline=timezone.localdate() + datetime.timedelta(days=5),
        required_evidence="照片",
    )
    services.decision_close(actor=cw.users["street"], decision=d, evidence_note="已办")
    from apps.campaigns.selectors import overview

    data = overview(cw.users["county"])
    assert data["projects_closed"] == 1 and data["subitems_total"] == 1
    assert data["decisions"]["rate"] == 100
    assert next(f for f in data["funding"] if f["key"] == "owners")["total"] > 0
    body = _get(client_for, "county", "campaign_overview").content.decode()
    assert "按期办结率" in body and "100%" in body
    # the other county sees none of it
    assert overview(cw.users["other_county"])["projects_closed"] == 0


def test_phone_inspection_form_records_problem_with_photo(cw, client_for, png):
    client = client_for("community")
    campaign = cw.own["campaign"]
    url = reverse("inspection_create", args=[campaign.pk])
    page = client.get(url)
    assert page.status_code == 200 and "盛庄花园" in page.content.decode()
    data = {
        "compound": cw.compound.pk,
        "problem": "车辆乱停占用绿化带",
        "location": "东门",
        "severity": "high",
        "suggested_handling": "project",
        "photos": [png()],
    }
    for item in campaign.items.all():
        data[f"item_{item.pk}"] = "0"
    response = client.post(url, data)
    inspection = Inspection.objects.get(campaign=campaign, compound=cw.compound)
    assert response.status_code == 302 and response.url == inspection.get_absolute_url()
    problem = inspection.problems.get()
    assert problem.photos.count() == 1
    photo = client.get(reverse("campaign_photo", args=[problem.photos.get().pk]))
    assert photo.status_code == 200
    assert (
        client_for("other_county").get(reverse("campaign_photo", args=[problem.photos.get().pk])).status_code
        == 404
    )


def test_inspection_form_requires_every_answer(cw, client_for):
    client = client_for("community")
    url = reverse("inspection_create", args=[cw.own["campaign"].pk])
    response = client.post(
        url, {"compound": cw.compound.pk, "severity": "low", "suggested_handling": "other"}
    )
    assert response.status_code == 200 and not Inspection.objects.exists()


def test_company_cannot_open_the_inspection_form(cw, client_for):
    assert _get(client_for, "company", "inspection_create", cw.own["campaign"].pk).status_code == 403


def test_problem_page_turns_problem_into_project(cw, client_for):
    problem = inspect(cw).problems.get()
    client = client_for("community")
    response = client.post(
        reverse("problem_detail", args=[problem.pk]), {"action": "project", "pj-name": "水泥地铺设"}
    )
    project = Project.objects.get(name="水泥地铺设")
    assert response.url == project.get_absolute_url()
    assert client_for("other_county").get(reverse("problem_detail", args=[problem.pk])).status_code == 404
    assert (
        client_for("company")
        .post(reverse("problem_detail", args=[problem.pk]), {"action": "project", "pj-name": "x"})
        .status_code
        == 403
    )


def test_subitem_form_bad_input_shows_chinese_error(cw, client_for):
    client = client_for("community")
    project = cw.own["project"]
    today = timezone.localdate()
    response = client.post(
        reverse("subitem_create", args=[project.pk]),
        {
            "si-name": "房屋漏水维修",
            "si-responsible_kind": "company",
            "si-budget": "-5",
            "si-funding_source": "maintenance_fund",
            "si-planned_start": today,
            "si-planned_finish": today + datetime.timedelta(days=3),
        },
        follow=True,
    )
    assert "预算" in response.content.decode() and not SubItem.objects.exists()
    response = client.post(
        reverse("subitem_create", args=[project.pk]),
        {
            "si-name": "房屋漏水维修",
            "si-responsible_kind": "company",
            "si-budget": "5000",
            "si-funding_source": "maintenance_fund",
            "si-planned_start": today,
            "si-planned_finish": today - datetime.timedelta(days=3),
        },
        follow=True,
    )
    assert "计划完工日期不能早于计划开工日期" in response.content.decode() and not SubItem.objects.exists()


def test_progress_and_acceptance_pages(cw, client_for, png):
    item = subitem(cw)
    company = client_for("company")
    company.post(
        reverse("subitem_progress", args=[item.pk]),
        {
            "note": "已完工",
            "completes": "on",
            "before_photos": [png("b.png")],
            "after_photos": [png("a.png")],
        },
    )
    item.refresh_from_db()
    assert item.status == SubItemStatus.COMPLETED
    assert item.updates.get().photos.count() == 2
    client_for("committee").post(reverse("subitem_accept", args=[item.pk]), {"note": "满意", "approve": "1"})
    client_for("community").post(reverse("subitem_accept", args=[item.pk]), {"note": "合格", "approve": "1"})
    item.refresh_from_db()
    assert item.status == SubItemStatus.ACCEPTED
    page = client_for("resident").get(reverse("project_detail", args=[item.project_id])).content.decode()
    assert "100%" in page and "已完成" in page
    assert (
        client_for("resident").post(reverse("subitem_accept", args=[item.pk]), {"note": "x"}).status_code
        == 403
    )


def test_meeting_pages_convene_agenda_minutes_decision_export(cw, client_for):
    client = client_for("street")
    response = client.post(
        reverse("meeting_create"),
        {
            "title": "万通社区三方联动会议",
            "convener_name": "盛庄街道党工委",
            "scheduled_at": (timezone.localtime() + datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
            "location": "社区党群服务中心",
            "compound": cw.compound.pk,
            "invitees": "小区党支部|盛庄花园党支部|王建国\n业委会|盛庄花园业委会\n物业企业|罗庄安居物业\n职能部门|区住建局",
        },
    )
    meeting = JointMeeting.objects.get(title="万通社区三方联动会议")
    assert response.url == meeting.get_absolute_url() and meeting.invitees.count() == 4
    client.post(reverse("agenda_create", args=[meeting.pk]), {"project": cw.own["project"].pk})
    client.post(reverse("agenda_create", args=[meeting.pk]), {"project": cw.other["project"].pk})
    assert meeting.agenda.count() == 1  # the other street's project is not even found
    client.post(
        reverse("meeting_minutes", args=[meeting.pk]),
        {"minutes": "议定划分停车位", "attended": [str(i.pk) for i in meeting.invitees.all()[:3]]},
    )
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD
    response = client.post(
        reverse("decision_create", args=[meeting.pk]),
        {
            "text": "划分停车位",
            "owner_kind": "company",
            "owner_unit": "",
            "deadline": "",
            "required_evidence": "照片",
        },
        follow=True,
    )
    assert "责任单位" in response.content.decode() and not meeting.decisions.exists()
    client.post(
        reverse("decision_create", args=[meeting.pk]),
        {
            "text": "划分停车位",
            "owner_kind": "company",
            "owner_unit": "罗庄安居物业",
            "deadline": (timezone.localdate() + datetime.timedelta(days=10)).isoformat(),
            "required_evidence": "施工照片",
        },
    )
    assert meeting.decisions.count() == 1
    export = client.get(reverse("meeting_export", args=[meeting.pk]))
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")
    from docx import Document

    doc = Document(io.BytesIO(export.content))
    text = "\n".join(p.text for p in doc.paragraphs) + "".join(
        c.text for t in doc.tables for r in t.rows for c in r.cells
    )
    assert "议定划分停车位" in text and "罗庄安居物业" in text and "施工照片" in text
    assert client_for("other_county").get(reverse("meeting_export", args=[meeting.pk])).status_code == 404
    assert client_for("county").get(reverse("meeting_create")).status_code == 403


def test_order_page_lifts_and_shows_links_both_ways(cw, client_for):
    from apps.workorders.models import Category
    from apps.workorders.services import workorder_submit

    order = workorder_submit(
        actor=cw.users["resident"],
        compound=cw.compound,
        category=Category.objects.filter(is_active=True).first(),
        description="楼顶漏水多年，物业说要动用维修资金",
    )
    street = client_for("street")
    page = street.get(order.get_absolute_url()).content.decode()
    assert "提交下次联席会议" in page
    response = street.post(reverse("order_lift", args=[order.pk]), {"target": "meeting"})
    assert response.url == cw.own["meeting"].get_absolute_url()
    community = client_for("community")
    response = community.post(reverse("order_lift", args=[order.pk]), {"target": "project"})
    project = Project.objects.get(source_order=order)
    assert response.url == project.get_absolute_url()
    order_page = community.get(order.get_absolute_url()).content.decode()
    assert project.name in order_page and cw.own["meeting"].title in order_page
    assert f"工单{order.pk}" in community.get(project.get_absolute_url()).content.decode()
    assert f"工单{order.pk}" in community.get(cw.own["meeting"].get_absolute_url()).content.decode()
    # the resident follows it on the phone page of their own whistle
    mine = client_for("resident").get(order.get_absolute_url())
    assert "民生项目" in mine.content.decode()
    assert client_for("company").post(
        reverse("order_lift", args=[order.pk]), {"target": "project"}
    ).status_code in (403, 404)
