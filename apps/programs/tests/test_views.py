"""Pages and API: scope for every role, query counts on lists, the planner accept flow."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from apps.core.testing import COUNTY, OTHER_COUNTY
from apps.programs import services
from apps.programs.models import PairingAgreement

D = datetime.date


def _make(prog):
    county = prog.users["county"]
    from apps.core.testing import COMMUNITY

    from .conftest import _compound

    fallback = services.fallback_assign(
        compound=prog.unserved,
        company=prog.welfare,
        start_date=D(2024, 1, 1),
        actor=county,
        monthly_subsidy=Decimal("500"),
    )
    single = _compound("交通局宿舍", COMMUNITY)
    pairing = services.pairing_create(
        compound=single,
        company=prog.world.company,
        start_date=D(2025, 1, 1),
        subsidy_rate=Decimal("0.30"),
        actor=county,
    )
    pairing = services.pairing_sign(pairing=pairing, actor=prog.users["company"])
    subsidy = services.subsidy_apply(
        agreement=pairing, period=D(2025, 2, 1), amount=Decimal("100"), actor=prog.users["company"]
    )
    return {"fallback": fallback, "pairing": pairing, "subsidy": subsidy, "arrangement": fallback.arrangement}


SURFACES = {
    "arrangement": ("arrangement_list", "arrangement_detail"),
    "fallback": ("fallback_list", "fallback_detail"),
    "pairing": ("pairing_list", "pairing_detail"),
    "subsidy": ("subsidy_list", "subsidy_detail"),
}
# who sees which object (own county): True = list shows it and detail is 200
SEES = {
    "city": {"arrangement", "fallback", "pairing", "subsidy"},
    "county": {"arrangement", "fallback", "pairing", "subsidy"},
    "street": {"arrangement", "fallback", "pairing", "subsidy"},
    "community": {"arrangement", "fallback", "pairing", "subsidy"},
    "company": {"pairing", "subsidy"},  # 罗庄安居 adopts the pairing; the fallback is the welfare company's
    "other_county": set(),
    "heze_city": set(),
    "resident": set(),
    "outsider": set(),
}


@pytest.mark.parametrize("role", list(SEES))
def test_scope_of_every_page_for_every_role(prog, client_for, role, django_assert_max_num_queries):
    made = _make(prog)
    client = client_for(role)
    for key, (list_name, detail_name) in SURFACES.items():
        obj = made[key]
        detail = client.get(reverse(detail_name, args=[obj.pk]))
        expected = 200 if key in SEES[role] else 404
        assert detail.status_code == expected, (role, key, detail.status_code)
        with django_assert_max_num_queries(20):
            listing = client.get(reverse(list_name))
        if key in SEES[role]:
            assert obj.compound.name in listing.content.decode()
        else:
            assert listing.status_code in (403, 200)
            if listing.status_code == 200:
                assert obj.compound.name not in listing.content.decode()


def test_overview_shows_coverage_of_a_past_month(prog, client_for):
    _make(prog)
    client = client_for("county")
    now = client.get(reverse("programs_overview"))
    assert now.status_code == 200
    body = now.content.decode()
    assert "老旧小区物业服务覆盖率" in body and 'data-mode="fallback"' in body
    past = client.get(reverse("programs_overview"), {"month": "2023-06"})
    assert past.status_code == 200 and "2023年6月30日" in past.content.decode()
    assert client_for("outsider").get(reverse("programs_overview")).status_code == 403
    # a region outside the user's scope falls back to the own one
    other = client_for("county").get(reverse("programs_overview"), {"region": OTHER_COUNTY})
    assert "兰山区" not in other.content.decode().split("</h1>")[0]


def test_planner_accept_creates_drafts_and_company_signs(prog, client_for):
    from apps.registry.services import compound_update

    compound_update(
        compound=prog.world.compound,
        actor=None,
        data={"latitude": Decimal("35.001"), "longitude": Decimal("118.281")},
    )
    county = client_for("county")
    page = county.get(reverse("pairing_planner"))
    assert page.status_code == 200 and "沂蒙学院家属院" in page.content.decode()
    response = county.post(
        reverse("pairing_planner"),
        {
            "county": COUNTY,
            "accept": [str(prog.unserved.pk)],
            f"choice_{prog.unserved.pk}": f"{prog.world.company.pk}:0.5",  # the officer's pick
            "subsidy_rate": "0.30",
            "start_date": "2026-01-01",
            "years": "3",
        },
    )
    assert response.status_code == 302
    notes = [str(m) for m in response.wsgi_request._messages]
    assert notes == ["已生成 1 份大手牵小手协议草稿，待企业签订。"], notes
    draft = PairingAgreement.objects.get(compound=prog.unserved)
    assert (draft.status, draft.company_id, draft.distance_km) == (
        "draft",
        prog.world.company.pk,
        Decimal("0.50"),
    )
    company = client_for("company")
    assert company.post(reverse("pairing_sign", args=[draft.pk])).status_code == 302
    draft.refresh_from_db()
    assert draft.status == "signed"


def test_planner_is_refused_outside_the_county(prog, client_for):
    assert client_for("street").get(reverse("pairing_planner")).status_code == 403
    assert client_for("other_county").get(reverse("pairing_planner"), {"county": COUNTY}).status_code == 403
    assert client_for("outsider").get(reverse("pairing_planner")).status_code == 403


def test_fallback_assign_form_refuses_a_market_company_naming_the_field(prog, client_for):
    response = client_for("county").post(
        reverse("fallback_assign"),
        {"compound": prog.unserved.pk, "company": prog.world.company.pk, "start_date": "2025-01-01"},
    )
    assert response.status_code == 400
    assert "国有公益性物业企业" in response.content.decode()


# ------------------------------------------------------------ API
def test_api_lists_are_scoped_and_coverage_by_mode(prog, api_get, key_for, django_assert_max_num_queries):
    _make(prog)
    api_get("/api/v1/programs/coverage", as_="county")  # the key is made (and cached) first
    with django_assert_max_num_queries(15):
        own = api_get("/api/v1/programs/arrangements", as_="county")
    assert own.status_code == 200 and own.json()["count"] >= 2
    other = api_get("/api/v1/programs/arrangements", as_="other_county").json()["results"]
    assert [a["compound"]["name"] for a in other] == ["十里堡小区"]  # the other county's own only
    pairings = api_get("/api/v1/programs/agreements", as_="company").json()
    assert pairings["count"] == 1 and pairings["results"][0]["schedule"][0]["monthly_amount"] == "720.00"
    fallback = api_get("/api/v1/programs/agreements", as_="county", programme="fallback").json()
    assert fallback["results"][0]["monthly_subsidy"] == "500.00"
    assert api_get("/api/v1/programs/subsidies", as_="county").json()["count"] == 1
    cov = api_get("/api/v1/programs/coverage", as_="county", on="2025-06-30").json()
    assert cov["by_mode"]["fallback"] == 1 and cov["by_mode"]["pairing"] == 1
    before = api_get("/api/v1/programs/coverage", as_="county", on="2023-12-31").json()
    assert before["by_mode"]["fallback"] == 0
    assert api_get("/api/v1/programs/coverage", as_="other_county", region=COUNTY).status_code == 403
    assert api_get("/api/v1/programs/coverage").status_code == 401


def test_openapi_lists_the_programme_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {
        "/api/v1/programs/arrangements",
        "/api/v1/programs/agreements",
        "/api/v1/programs/subsidies",
        "/api/v1/programs/coverage",
    } <= set(paths)


def test_world_builder_and_compound_history_page(world, client_for):
    own, other = world.own["arrangement"], world.other["arrangement"]
    county = client_for("county")
    body = county.get(reverse("arrangement_list")).content.decode()
    assert own.get_absolute_url() in body and other.get_absolute_url() not in body
    page = county.get(reverse("compound_arrangements", args=[world.compound.pk]))
    assert page.status_code == 200 and "服务安排历史" in page.content.decode()
    assert county.get(reverse("compound_arrangements", args=[world.other_compound.pk])).status_code == 404
    assert (
        client_for("resident").get(reverse("compound_arrangements", args=[world.compound.pk])).status_code
        == 200
    )
    assert (
        client_for("outsider").get(reverse("compound_arrangements", args=[world.compound.pk])).status_code
        == 404
    )


def test_home_card_and_menu_entry(world, client_for):
    body = client_for("county").get("/").content.decode()
    assert "老旧小区物业服务覆盖率" in body and reverse("programs_overview") in body
    assert "物业覆盖" in body
    resident = client_for("resident").get("/").content.decode()
    assert "老旧小区物业服务覆盖率" not in resident


def test_company_records_collection_and_over_100_percent_is_refused(world, client_for):
    own = world.own["arrangement"]
    company = client_for("company")
    url = reverse("collection_create", args=[own.pk])
    bad = company.post(url, {"period": "2026-03-01", "amount_due": "1000", "amount_collected": "1200"})
    assert bad.status_code == 400 and "收缴率不能超过100%" in bad.content.decode()
    ok = company.post(url, {"period": "2026-03-01", "amount_due": "1000", "amount_collected": "900"})
    assert ok.status_code == 302
    assert "90.0" in company.get(reverse("arrangement_detail", args=[own.pk])).content.decode()
    assert (
        client_for("company")
        .get(reverse("collection_create", args=[world.other["arrangement"].pk]))
        .status_code
        == 404
    )
    assert client_for("street").get(url).status_code == 403


def test_pairing_outcome_offers_only_the_compound_citys_welfare_companies(prog, client_for):
    """转兜底 lists the public-welfare companies of the compound's own city, and one of another city
    posted anyway is refused naming the field, with nothing changed."""
    from apps.core.testing import HEZE

    from .conftest import _company

    heze_welfare = _company("菏泽市公益物业服务有限公司", "public_welfare", HEZE, 103)
    pairing = _make(prog)["pairing"]
    county = client_for("county")
    page = county.get(reverse("pairing_detail", args=[pairing.pk])).content.decode()
    assert prog.welfare.name in page and prog.other_welfare.name in page  # both 临沂
    assert heze_welfare.name not in page
    answer = county.post(
        reverse("pairing_outcome", args=[pairing.pk]),
        {"outcome": "fallback", "fallback_company": heze_welfare.pk},
        follow=True,
    )
    assert "兜底企业（转兜底时）" in answer.content.decode()
    pairing.refresh_from_db()
    assert pairing.outcome == ""
