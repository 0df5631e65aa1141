"""Pages and API: each persona sees its scope, the outsider and the wrong region are refused,
lists are query-count guarded, the workflow runs through the forms, the export has one column
per item."""

from __future__ import annotations

import datetime
import io

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from apps.ratings.choices import EntryStatus, RoundStatus

from .helpers import entry_of, items, make_scheme, open_round, self_assess, through_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def rnd(world):
    return open_round(make_scheme(), actor=world.users["city"])


def test_lists_render_within_a_query_budget(world, rnd, client_for, django_assert_max_num_queries):
    client = client_for("city")
    for name in ("round_list", "scheme_list", "survey_campaign_list"):
        with django_assert_max_num_queries(25):
            assert client.get(reverse(name)).status_code == 200
    with django_assert_max_num_queries(30):
        page = client.get(rnd.get_absolute_url())
    assert page.status_code == 200 and "罗庄安居物业服务有限公司党支部" in page.content.decode()


def test_outsider_and_wrong_region_are_refused(world, rnd, client_for):
    own = entry_of(rnd, world.own["partyorg"])
    assert client_for("outsider").get(reverse("round_list")).status_code == 403
    assert client_for("outsider").get(own.get_absolute_url()).status_code == 403
    assert client_for("heze_city").get(rnd.get_absolute_url()).status_code == 404
    assert client_for("heze_city").get(own.get_absolute_url()).status_code == 404
    assert client_for("other_county").get(own.get_absolute_url()).status_code == 404
    assert client_for("county").get(own.get_absolute_url()).status_code == 200
    # The company sees its own organisation's entry only.
    assert client_for("company").get(own.get_absolute_url()).status_code == 200
    other = entry_of(rnd, world.other["partyorg"])
    assert client_for("company").get(other.get_absolute_url()).status_code == 404
    page = client_for("county").get(rnd.get_absolute_url()).content.decode()
    assert "兰山宜家" not in page  # the other county's subject is not listed


def test_workflow_through_the_pages(world, rnd, client_for):
    own = entry_of(rnd, world.own["partyorg"])
    it = items(own.scheme)
    company = client_for("company")
    page = company.get(own.get_absolute_url()).content.decode()
    assert "提交自评" in page
    r = company.post(
        reverse("entry_self_assess", args=[own.pk]),
        {
            f"points_{it['A1'].pk}": "9",
            f"note_{it['A1'].pk}": "台账",  # over the max of 6
            f"points_{it['C2'].pk}": "3",
            f"note_{it['C2'].pk}": "照片",
        },
        follow=True,
    )
    assert "超过本项满分" in r.content.decode()
    own.refresh_from_db()
    assert own.status == EntryStatus.PENDING
    company.post(
        reverse("entry_self_assess", args=[own.pk]),
        {
            f"points_{it['A1'].pk}": "5",
            f"note_{it['A1'].pk}": "台账",
            f"points_{it['C2'].pk}": "3",
            f"note_{it['C2'].pk}": "照片",
        },
    )
    own.refresh_from_db()
    assert own.status == EntryStatus.SUBMITTED
    county = client_for("county")
    assert "提交审核" in county.get(own.get_absolute_url()).content.decode()
    county.post(
        reverse("entry_review", args=[own.pk]),
        {
            f"points_{it['A1'].pk}": "5",
            f"points_{it['C2'].pk}": "3",
            f"comment_{it['A1'].pk}": "属实",
        },
    )
    own.refresh_from_db()
    assert (own.status, own.stars) == (EntryStatus.REVIEWED, 5)
    city = client_for("city")
    city.post(reverse("entry_approve", args=[own.pk]))
    with time_machine.travel(datetime.datetime(2025, 12, 15, 10), tick=False):
        city.post(reverse("round_publish", args=[rnd.pk]))
        rnd.refresh_from_db()
        assert rnd.status == RoundStatus.NOTICE
        client_for("company").post(
            reverse("entry_object", args=[own.pk]), {"text": "得分偏高，请复核现场检查"}
        )
        r = client_for("city").post(reverse("round_finalize", args=[rnd.pk]), follow=True)
        assert "期满后才能确认生效" in r.content.decode()
    objection = own.objections.get()
    with time_machine.travel(datetime.datetime(2025, 12, 23, 10), tick=False):
        r = client_for("city").post(reverse("round_finalize", args=[rnd.pk]), follow=True)
        assert "异议未答复" in r.content.decode()
        client_for("county").post(
            reverse("objection_answer", args=[objection.pk]), {"answer": "经复核，得分属实"}
        )
        client_for("city").post(reverse("round_finalize", args=[rnd.pk]))
    own.refresh_from_db()
    assert own.status == EntryStatus.FINAL
    history = client_for("company").get(reverse("org_rating_history", args=[world.own["partyorg"].pk]))
    assert "★★★★★" in history.content.decode()


def test_excel_export_one_column_per_item(world, rnd, client_for):
    through_review(world, rnd, world.own["partyorg"])
    r = client_for("city").get(reverse("round_export", args=[rnd.pk]))
    ws = load_workbook(io.BytesIO(b"".join(r.streaming_content))).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][4:9] == (
        "A1 组织生活规范（6.0）",
        "A2 服务小区建立党支部（4.0）",
        "C1 每千户投诉量（6.0）",
        "C2 现场检查（4.0）",
        "V1 重大安全责任事故（0.0）",
    )
    top = rows[1]
    assert top[0] == "罗庄安居物业服务有限公司党支部" and top[4:8] == (5, 4, 6, 3) and top[-2] == 5


def test_api_reads_are_scoped(world, rnd, api_get):
    e = self_assess(entry_of(rnd, world.own["partyorg"]), world.users["company"])
    r = api_get("/api/v1/rating-rounds", as_="county")
    assert r.status_code == 200 and r.json()["count"] == 1
    assert api_get("/api/v1/rating-rounds", as_="heze_city").json()["count"] == 0
    assert api_get(f"/api/v1/rating-rounds/{rnd.pk}", as_="heze_city").status_code == 404
    r = api_get("/api/v1/rating-results", as_="county", all_states="true")
    assert [x["party_org_id"] for x in r.json()["results"] if not x["is_legacy"]] == [e.party_org_id]
    assert (
        api_get(f"/api/v1/rating-schemes/{rnd.scheme_id}", as_="county").json()["dimensions"][0]["name"]
        == "党建引领"
    )
    assert api_get("/api/v1/rating-results").status_code == 401
    schema = api_get("/api/v1/openapi.json").json()
    assert "/api/v1/rating-results" in schema["paths"]


def test_survey_pages_and_qr(world, client_for):
    from .test_surveys import answer_all, make_campaign

    campaign, qs = make_campaign(world, start=datetime.date.today() - datetime.timedelta(days=1))
    for i in range(5):
        answer_all(campaign, world.compound, qs, household=f"v{i}", today=datetime.date.today(), text="很好")
    page = client_for("county").get(campaign.get_absolute_url()).content.decode()
    assert "盛庄花园" in page and "十里堡" not in page
    qr = client_for("county").get(reverse("campaign_qr", args=[campaign.pk, world.compound.pk]))
    assert qr["Content-Type"] == "image/svg+xml" and b"<svg" in qr.content
    assert client_for("heze_city").get(campaign.get_absolute_url()).status_code == 404
    assert client_for("outsider").get(campaign.get_absolute_url()).status_code == 403
    # The answering page is public; without login a unit code is required.
    from django.test import Client

    anon = Client()
    url = reverse("survey_answer", args=[campaign.token, world.compound.pk])
    assert "户码" in anon.get(url).content.decode()
    r = anon.post(url, {f"q_{qs[0].pk}": "4", f"q_{qs[1].pk}": "当天"})
    assert r.status_code == 400 and "户码" in r.content.decode()


def test_party_org_page_shows_the_engine_history(world, rnd, client_for):
    through_review(world, rnd, world.own["partyorg"])
    page = client_for("county").get(world.own["partyorg"].get_absolute_url()).content.decode()
    assert "市物业行业党委" in page  # the world's typed-in 2025 record, as a legacy result
    history = client_for("county").get(reverse("org_rating_history", args=[world.own["partyorg"].pk]))
    assert "★★★★" in history.content.decode()
    assert (
        client_for("other_county")
        .get(reverse("org_rating_history", args=[world.own["partyorg"].pk]))
        .status_code
        == 404
    )
    compound = client_for("county").get(reverse("compound_rating_history", args=[world.compound.pk]))
    assert compound.status_code == 200
    assert (
        client_for("heze_city").get(reverse("compound_rating_history", args=[world.compound.pk])).status_code
        == 404
    )


def test_scheme_form_creates_from_the_example_sheet_and_refuses_bad_totals(
    world, client_for, settings, tmp_path
):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from openpyxl import load_workbook

    from apps.ratings.models import RatingScheme

    settings.MEDIA_ROOT = tmp_path
    client = client_for("city")
    form = client.get(reverse("scheme_create")).content.decode()
    assert "组织建设好" in form and "下载细则表" in form  # the example is shown, as a sheet to download
    sheet = b"".join(client.get(reverse("scheme_example_sheet")).streaming_content)
    # the official edits the sheet in Excel: A1 loses 4 points, so the dimension no longer adds up
    wb = load_workbook(io.BytesIO(sheet))
    ws = wb["细则表"]
    header = [c.value for c in ws[1]]
    code, points = header.index("编号"), header.index("满分")
    for row in ws.iter_rows(min_row=2):
        if row[code].value == "A1":
            row[points].value = 10
    edited = io.BytesIO()
    wb.save(edited)

    def upload(content):
        return SimpleUploadedFile("细则表.xlsx", content)

    data = {
        "jurisdiction": "371300",
        "subject_kind": "company_org",
        "title": "临沂市物业企业党组织星级评定办法",
        "effective_from": "2026-01-01",
        "total_points": "100",
        "star_cutoffs_text": "60,70,80,86,92",
    }
    r = client.post(reverse("scheme_create"), dict(data, structure=upload(edited.getvalue())))
    assert r.status_code == 400 and "细则满分合计 16 与维度满分 20 不一致" in r.content.decode()
    bad = dict(data, total_points="90", star_cutoffs_text="50,60,70,80,88", structure=upload(sheet))
    r = client.post(reverse("scheme_create"), bad)
    assert r.status_code in (200, 400) and "不一致" in r.content.decode()
    assert not RatingScheme.objects.filter(title=data["title"]).exists()
    r = client.post(reverse("scheme_create"), dict(data, structure=upload(sheet)))
    assert r.status_code == 302
    scheme = RatingScheme.objects.get(title=data["title"])
    assert scheme.items.count() == 18 and not scheme.is_example
    # a new version without an upload keeps the current tree; its sheet downloads
    assert client.get(reverse("scheme_sheet", args=[scheme.pk])).status_code == 200
    assert client_for("county").get(reverse("scheme_create")).status_code == 403


def test_compound_page_shows_its_service_project_ratings_contributed_by_the_engine(world, client_for):
    """The registry's compound page carries the rating engine's section (Contribution.page_panels)
    without registry knowing the engine; a role without the ratings permission sees none of it."""
    from apps.core.contributions import page_panels

    page = client_for("county").get(world.compound.get_absolute_url()).content.decode()
    assert "服务项目星级" in page and "尚未参加服务项目星级评定" in page
    sections = page_panels("registry.compound", user=world.users["county"], obj=world.compound)
    assert [s.title for s in sections] == ["服务项目星级"]
    assert page_panels("registry.compound", user=world.users["outsider"], obj=world.compound) == []
