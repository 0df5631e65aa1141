"""The staff workbench: one page per role with its queues and counts, filters, search, export,
pagination and bulk actions; outsiders refused, every list in a bounded number of queries."""

import io

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse
from openpyxl import load_workbook

from apps.workorders import services
from apps.workorders.choices import Status
from apps.workorders.tests.helpers import at, category, fresh, submit, to_dispatched, to_resolved

MONDAY = at(2026, 3, 2)
HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def _monday():
    with time_machine.travel(MONDAY, tick=False):
        yield


def other_county_order(world, users, **kw):
    return services.workorder_submit(
        actor=users["other_county"],
        compound=world.other_compound,
        category=category(),
        description=kw.pop("description", "兰山区的诉求"),
        reporter_phone="13912345678",
        **kw,
    )


def page(client, **params):
    response = client.get(reverse("workorder_list"), params)
    assert response.status_code == 200
    return response, response.content.decode()


# ------------------------------------------------------------------ per role
@pytest.mark.parametrize(
    "persona, title, queue",
    [
        ("community", "社区工作台", "待受理"),
        ("street", "街道（镇）工作台", "全部工单"),
        ("county", "县区工作台", "全部工单"),
        ("city", "市级工作台", "全部工单"),
    ],
)
def test_each_official_gets_their_workbench(world, users, client_for, persona, title, queue):
    submit(world, users)
    _response, html = page(client_for(persona))
    assert title in html
    assert f'class="active">{queue}' in html or f'class="active alarm">{queue}' in html


def test_the_community_queues_and_counts(world, users, client_for):
    submit(world, users)
    submit(world, users)
    to_resolved(world, users)
    response, html = page(client_for("community"))
    tabs = {t["name"]: t["count"] for t in response.context["tabs"]}
    assert tabs["to_accept"] == 2 and tabs["to_callback"] == 1 and tabs["to_dispatch"] == 0
    assert "to_sign" not in tabs  # the community signs nothing: no such queue
    assert response.context["queue"] == "to_accept" and "批量受理" in html


@pytest.mark.parametrize("persona, queue", [("company", "to_sign"), ("department", "to_sign")])
def test_handling_units_start_on_their_queue(world, users, client_for, persona, queue):
    handler = world.company if persona == "company" else world.department
    order = to_dispatched(world, users, handler=handler)
    response, html = page(client_for(persona))
    assert response.context["queue"] == queue and order.tracking_code in html
    assert "to_accept" not in {t["name"] for t in response.context["tabs"]}


def test_committee_workbench(world, users, client_for):
    order = to_dispatched(world, users, handler=world.committee)
    _response, html = page(client_for("committee"))
    assert "业委会（物管会）工作台" in html and order.tracking_code in html


def test_street_sees_escalated_orders_in_its_dispatch_queue(world, users, client_for):
    order = submit(world, users)
    services.workorder_escalate(order=order, actor=users["street"], reason="overdue")
    response, html = page(client_for("street"))
    assert response.context["queue"] == "to_dispatch" and order.tracking_code in html


def test_empty_states_are_in_chinese(world, users, client_for):
    _response, html = page(client_for("community"), queue="red")
    assert "没有超期（红牌）的工单。" in html


def test_residents_go_to_their_own_list(world, users, client_for):
    response = client_for("resident").get(reverse("workorder_list"))
    assert response.status_code == 302 and response["Location"] == reverse("workorder_mine")


@pytest.mark.parametrize("persona", ["outsider"])
def test_outsiders_are_refused(world, users, client_for, persona):
    assert client_for(persona).get(reverse("workorder_list")).status_code == 403


def test_anonymous_users_log_in_first(world, client):
    response = client.get(reverse("workorder_list"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_wrong_county_sees_nothing_of_ours(world, users, client_for):
    ours = submit(world, users)
    theirs = other_county_order(world, users)
    _response, html = page(client_for("other_county"), queue="all")
    assert theirs.tracking_code in html and ours.tracking_code not in html
    _response, html = page(client_for("heze_city"), queue="all")
    assert "当前范围内没有符合条件的工单。" in html


# ------------------------------------------------------------------ filters, search, export
def test_filters_and_search(world, users, client_for):
    sanitation = submit(world, users)
    parking = submit(world, users, code="parking", description="地库入口乱停车")
    closed = to_resolved(world, users)
    client = client_for("county")
    _r, html = page(client, queue="all", category=category("parking").pk)
    assert parking.tracking_code in html and sanitation.tracking_code not in html
    _r, html = page(client, queue="all", status=Status.RESOLVED)
    assert closed.tracking_code in html and parking.tracking_code not in html
    _r, html = page(client, queue="all", compound=world.compound.pk)
    assert parking.tracking_code in html
    _r, html = page(client, queue="all", q=parking.tracking_code.lower())
    assert parking.tracking_code in html and sanitation.tracking_code not in html
    _r, html = page(client, queue="all", q=str(sanitation.pk))
    assert sanitation.tracking_code in html
    _r, html = page(client, queue="all", q="地库")
    assert parking.tracking_code in html and sanitation.tracking_code not in html
    _r, html = page(client, queue="all", card="red")
    assert "当前范围内没有符合条件的工单。" in html


def test_a_forged_compound_filter_shows_no_other_county(world, users, client_for):
    theirs = other_county_order(world, users)
    _r, html = page(client_for("county"), queue="all", compound=world.other_compound.pk)
    assert theirs.tracking_code not in html


def test_htmx_filter_returns_the_table_only(world, users, client_for):
    submit(world, users)
    response = client_for("community").get(
        reverse("workorder_list"),
        {"queue": "to_accept"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="list-results",
    )
    assert response.status_code == 200 and "<html" not in response.content.decode()


def test_export_to_excel(world, users, client_for):
    order = submit(world, users)
    other_county_order(world, users)
    response = client_for("county").get(reverse("workorder_list"), {"queue": "all", "export": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.values)
    assert rows[0][:3] == ("编号", "查询码", "小区") and "选择" not in rows[0]
    assert [r[1] for r in rows[1:]] == [order.tracking_code]


def test_pagination(world, users, client_for, settings):
    settings.LIST_PAGE_SIZE = 2
    for _ in range(5):
        submit(world, users)
    _r, html = page(client_for("community"), queue="to_accept", page=3)
    assert "第 3 / 3 页" in html


@pytest.mark.parametrize("persona", ["community", "county", "company", "city"])
def test_workbench_query_count_does_not_grow_with_orders(
    world, users, client_for, persona, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(persona)
    to_dispatched(world, users)
    client.get(reverse("workorder_list"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("workorder_list"), {"queue": "all"})
    for _ in range(12):
        to_dispatched(world, users)
        submit(world, users, code="parking")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse("workorder_list"), {"queue": "all"}).status_code == 200
    assert len(few.captured_queries) <= 22, [q["sql"][:80] for q in few.captured_queries]


# ------------------------------------------------------------------ bulk actions
def bulk(client, verb, ids, **data):
    return client.post(reverse("workorder_bulk"), {"verb": verb, "ids": ids, "next": "/workorders/", **data})


def test_bulk_accept(world, users, client_for):
    a, b = submit(world, users), submit(world, users)
    theirs = other_county_order(world, users)
    client = client_for("community")
    response = bulk(client, "accept", [a.pk, b.pk, theirs.pk])
    assert response.status_code == 302 and response["Location"] == "/workorders/"
    assert fresh(a).status == fresh(b).status == Status.ACCEPTED
    assert fresh(theirs).status == Status.SUBMITTED  # forged id: refused, reported, unchanged
    text = [str(m) for m in get_messages(response.wsgi_request)]
    assert "已受理（报到） 2 件工单。" in text[0] or "已受理" in text[0]
    assert f"工单{theirs.pk}：未找到该工单，或您无权查看" in text[1]


def test_bulk_reports_each_refusal(world, users, client_for):
    a = submit(world, users)
    b = submit(world, users)
    services.workorder_accept(order=b, actor=users["community"])  # already accepted
    response = bulk(client_for("community"), "accept", [a.pk, b.pk])
    text = [str(m) for m in get_messages(response.wsgi_request)]
    assert fresh(a).status == Status.ACCEPTED
    assert any("工单当前状态为“待派单”，不能受理（报到）" in t for t in text)


def test_bulk_dispatch_in_two_steps(world, users, client_for):
    a, b = submit(world, users), submit(world, users)
    for o in (a, b):
        services.workorder_accept(order=o, actor=users["community"])
    client = client_for("community")
    step1 = client.post(reverse("workorder_bulk"), {"verb": "dispatch", "ids": [a.pk, b.pk]}, **HX)
    html = step1.content.decode()
    assert step1.status_code == 200 and f"company:{world.company.pk}" in html
    assert f"company:{world.other_company.pk}" not in html
    step2 = bulk(
        client, "dispatch", [a.pk, b.pk], handler=f"company:{world.company.pk}", instructions="统一处理"
    )
    assert step2.status_code == 302
    assert fresh(a).handler_company == fresh(b).handler_company == world.company


def test_bulk_dispatch_to_a_forged_unit_changes_nothing(world, users, client_for):
    a = submit(world, users)
    services.workorder_accept(order=a, actor=users["community"])
    response = bulk(client_for("community"), "dispatch", [a.pk], handler=f"company:{world.other_company.pk}")
    assert fresh(a).status == Status.ACCEPTED
    assert any("所选处理单位不在本工单的辖区内" in str(m) for m in get_messages(response.wsgi_request))


def test_bulk_sign_by_the_company(world, users, client_for):
    a, b = to_dispatched(world, users), to_dispatched(world, users)
    response = bulk(client_for("company"), "sign", [a.pk, b.pk])
    assert response.status_code == 302 and fresh(a).status == fresh(b).status == Status.SIGNED


def test_bulk_without_the_permission_is_403(world, users, client_for):
    a = submit(world, users)
    assert bulk(client_for("company"), "accept", [a.pk]).status_code == 403
    assert bulk(client_for("outsider"), "accept", [a.pk]).status_code == 403
    assert bulk(client_for("community"), "close", [a.pk]).status_code == 404  # not a bulk verb
    assert fresh(a).status == Status.SUBMITTED


def test_bulk_htmx_redirects(world, users, client_for):
    a = submit(world, users)
    response = client_for("community").post(
        reverse("workorder_bulk"), {"verb": "accept", "ids": [a.pk], "next": "https://evil.example/"}, **HX
    )
    assert response.status_code == 204 and response["HX-Redirect"] == "/workorders/"


@pytest.mark.parametrize("persona", ["community", "street", "company", "department", "city"])
def test_every_queue_opens_for_every_staff_role_even_when_empty(world, users, client_for, persona):
    from apps.workorders.selectors import QUEUES
    from apps.workorders.views.workbench import EMPTY

    assert set(QUEUES) <= set(EMPTY)
    client = client_for(persona)
    for queue in QUEUES:
        response = client.get(reverse("workorder_list"), {"queue": queue})
        assert response.status_code == 200, queue


def test_the_extension_queue_shows_pending_requests_to_the_desk(world, users, client_for):
    order = to_dispatched(world, users)
    services.workorder_sign(order=fresh(order), actor=users["company"])
    services.workorder_extend(order=fresh(order), actor=users["company"], days=2, reason="等配件")
    _response, html = page(client_for("community"), queue="to_approve_extension")
    assert order.tracking_code in html and "待审批延期" in html
