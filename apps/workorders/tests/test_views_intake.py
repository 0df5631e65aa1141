"""Intake and the reporter's pages: submitting from a phone (and on a resident's behalf), the
tracking code, "my whistles", the lookup by code without an account; bad input answered in
Chinese with nothing written."""

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from apps.core.models import Event
from apps.workorders.choices import Status
from apps.workorders.models import WorkOrder, WorkOrderPhoto
from apps.workorders.tests.helpers import at, category, noisy_photo, photo, submit, to_called_back

MONDAY = at(2026, 3, 2)
NEW = "/workorders/new/"


@pytest.fixture(autouse=True)
def _monday():
    with time_machine.travel(MONDAY, tick=False):
        yield


def counts():
    return WorkOrder.objects.count(), Event.objects.count(), WorkOrderPhoto.objects.count()


def form_data(world, **kw):
    data = {
        "compound": world.compound.pk,
        "category": category().pk,
        "urgency": "normal",
        "description": "3号楼东侧垃圾桶满溢三天无人清运",
    }
    data.update(kw)
    return {k: v for k, v in data.items() if v is not None}


# ------------------------------------------------------------------ the resident files
def test_the_form_is_ready_for_the_residents_compound(world, users, client_for):
    response = client_for("resident").get(NEW)
    html = response.content.decode()
    assert response.status_code == 200 and response.context["form"].single_compound == world.compound
    assert f'<div class="fixed-value">{world.compound.name}</div>' in html
    assert "罗庄1号楼" in html  # the compound's buildings, and no others
    assert "兰山1号楼" not in html
    assert "---------" not in html and "诉求人手机号" not in html  # residents file for themselves


def test_a_resident_submits_with_photos_and_gets_a_code(world, users, client_for):
    client = client_for("resident")
    data = form_data(
        world,
        building=world.own["building"].pk,
        unit=world.own["unit"].pk,
        is_anonymous="on",
        joint_owner_count="12",
        photos=[photo("a.jpg"), photo("b.png", "PNG")],
    )
    response = client.post(NEW, data)
    order = WorkOrder.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "workorder_submitted", args=[order.pk]
    )
    assert order.reporter_user == users["resident"] and order.is_anonymous and order.is_joint
    assert order.unit == world.own["unit"] and order.photos.count() == 2
    done = client.get(response["Location"]).content.decode()
    assert order.tracking_code in done and "社区应在" in done


def test_staff_file_on_a_residents_behalf(world, users, client_for):
    client = client_for("community")
    html = client.get(NEW).content.decode()
    assert "诉求人手机号" in html and "登记诉求" in html
    response = client.post(NEW, form_data(world, channel="grid", reporter_name="张三", reporter_phone=""))
    assert response.status_code == 400 and "代报诉求请填写诉求人手机号" in response.content.decode()
    response = client.post(
        NEW, form_data(world, channel="grid", reporter_name="张三", reporter_phone="13912345678")
    )
    assert response.status_code == 302
    assert WorkOrder.objects.get().channel == "grid"


def test_a_committee_member_reports_as_an_owner_and_follows_it(world, users, client_for):
    response = client_for("committee").post(NEW, form_data(world))
    order = WorkOrder.objects.get()
    assert order.reporter_user == users["committee"]
    assert response.status_code == 302
    assert response["Location"] == reverse("workorder_submitted", args=[order.pk])


@pytest.mark.parametrize("persona", ["company", "department", "outsider"])
def test_roles_that_do_not_file_are_refused(world, users, client_for, persona):
    client = client_for(persona)
    assert client.get(NEW).status_code == 403
    assert client.post(NEW, form_data(world)).status_code == 403
    assert WorkOrder.objects.count() == 0


# ------------------------------------------------------------------ bad input
BAD = [
    ({"description": "   "}, "请填写诉求内容"),
    ({"compound": "999999"}, "所选小区不存在或不在您的辖区内"),
    ({"compound": "abc"}, "所选小区不存在或不在您的辖区内"),
    ({"category": "999999"}, "所选分类不存在或已停用"),
    ({"urgency": "panic"}, "选择一个有效的选项"),
    ({"building": "999999"}, "所选楼栋不存在"),
    (
        {"photos": [SimpleUploadedFile("a.jpg", b"not an image", content_type="image/jpeg")]},
        "不是有效的图片文件",
    ),
    (
        {"photos": [SimpleUploadedFile("a.exe", b"MZ\x90\x00", content_type="image/png")]},
        "不是有效的图片文件",
    ),
    ({"photos": [photo(f"{i}.jpg") for i in range(7)]}, "最多上传6张照片，您选择了7张"),
    ({"joint_owner_count": "-3"}, "确保该值大于或等于0"),
]


@pytest.mark.parametrize("bad, message", BAD)
def test_bad_input_is_refused_and_nothing_is_written(world, users, client_for, settings, bad, message):
    before = counts()
    response = client_for("resident").post(NEW, form_data(world, **bad))
    assert response.status_code == 400
    assert message in response.content.decode(), message
    assert counts() == before


def test_another_compound_is_refused(world, users, client_for):
    before = counts()
    response = client_for("resident").post(NEW, form_data(world, compound=world.other_compound.pk))
    assert response.status_code == 400 and "所选小区不存在或不在您的辖区内" in response.content.decode()
    response = client_for("resident").post(NEW, form_data(world, building=world.other["building"].pk))
    assert response.status_code == 400 and "所选楼栋不存在" in response.content.decode()
    assert counts() == before


def test_an_oversized_photo(world, users, client_for, settings):
    settings.WORKORDER_PHOTO_MAX_BYTES = 50_000
    before = counts()
    response = client_for("resident").post(NEW, form_data(world, photos=[noisy_photo()]))
    assert response.status_code == 400 and "超过49KB，请压缩后再上传" in response.content.decode()
    assert counts() == before


def test_places_lists_buildings_and_units_inside_the_scope(world, users, client_for):
    client = client_for("community")
    html = client.get(reverse("workorder_places"), {"compound": world.compound.pk}).content.decode()
    assert "罗庄1号楼" in html and html.startswith('<option value="">不填</option>')
    html = client.get(reverse("workorder_places"), {"building": world.own["building"].pk}).content.decode()
    assert "101" in html
    assert client.get(reverse("workorder_places"), {"compound": world.other_compound.pk}).status_code == 404
    html = client.get(reverse("workorder_places"), {"building": world.other["building"].pk}).content.decode()
    assert "101" not in html
    assert (
        client_for("company").get(reverse("workorder_places"), {"compound": world.compound.pk}).status_code
        == 403
    )


# ------------------------------------------------------------------ my whistles, tracking by code
def test_my_whistles_lists_only_mine(world, users, client_for, django_assert_max_num_queries):
    mine = submit(world, users)
    staff_filed = submit(world, users, actor="community", reporter_phone="13912345678")
    client = client_for("resident")
    client.get(reverse("workorder_mine"))
    with django_assert_max_num_queries(8):
        html = client.get(reverse("workorder_mine")).content.decode()
    assert mine.tracking_code in html and staff_filed.tracking_code not in html


def test_my_whistles_empty_state(world, users, client_for):
    html = client_for("resident").get(reverse("workorder_mine")).content.decode()
    assert "您还没有反映过问题" in html and "我要吹哨" in html


def test_lookup_by_code_without_an_account(world, users, client):
    order = to_called_back(world, users)
    response = client.get(reverse("workorder_track"), {"code": order.tracking_code.lower()})
    html = response.content.decode()
    assert response.status_code == 200 and "已回访待结案" in html
    assert order.description not in html and "测试" not in html  # no content, names or photos
    assert "/workorders/photos/" not in html
    response = client.get(reverse("workorder_track"), {"code": "ABCDEFGHJK"})
    assert response.status_code == 404 and "没有找到该查询码对应的诉求" in response.content.decode()


def test_lookup_is_rate_limited(world, users, client):
    from apps.workorders.views import intake

    for _ in range(int(intake.TRACK_RATE.split("/")[0])):
        client.get(reverse("workorder_track"), {"code": "ABCDEFGHJK"})
    response = client.get(reverse("workorder_track"), {"code": "ABCDEFGHJK"})
    assert response.status_code == 429 and "查询过于频繁" in response.content.decode()


def test_the_reporter_is_sent_to_their_page(world, users, client_for):
    order = submit(world, users)
    response = client_for("resident").get(reverse("workorder_track"), {"code": order.tracking_code})
    assert response.status_code == 302 and response["Location"] == order.get_absolute_url()


def test_rejected_order_tells_the_reason(world, users, client_for):
    from apps.workorders import services

    order = submit(world, users)
    services.workorder_reject(
        order=order, actor=users["community"], reason="属于家庭内部维修，不属于公共事务"
    )
    html = client_for("resident").get(order.get_absolute_url()).content.decode()
    assert "不予受理：属于家庭内部维修" in html
    assert WorkOrder.objects.get(pk=order.pk).status == Status.REJECTED


def test_a_large_scope_searches_compounds_instead_of_listing_them(world, users, client_for, monkeypatch):
    from apps.workorders.views import intake

    monkeypatch.setattr(intake, "COMPOUND_SELECT_MAX", 0)
    client = client_for("county")
    html = client.get(NEW).content.decode()
    assert 'id="id_compound_q"' in html and world.compound.name not in html  # nothing listed up front
    options = reverse("workorder_compound_options")
    found = client.get(options, {"compound_q": world.compound.name[:3]}).content.decode()
    assert f'<option value="{world.compound.pk}">' in found and "请选择" in found
    outside = client.get(options, {"q": world.other_compound.name}).content.decode()
    assert f'value="{world.other_compound.pk}"' not in outside and "没有名称" in outside
    assert (
        "没有名称、编码或地址含“不存在的小区”的小区"
        in client.get(options, {"q": "不存在的小区"}).content.decode()
    )
    # the whole scope still validates, and a failed post keeps the chosen compound on the page
    response = client.post(NEW, form_data(world, description="", reporter_phone="13912345678"))
    assert response.status_code == 400
    assert f'<option value="{world.compound.pk}" selected>' in response.content.decode()
    response = client.post(NEW, form_data(world, reporter_phone="13912345678"))
    assert response.status_code == 302 and WorkOrder.objects.get().compound == world.compound
    response = client.post(
        NEW, form_data(world, compound=world.other_compound.pk, reporter_phone="13912345678")
    )
    assert response.status_code == 400 and "所选小区不存在或不在您的辖区内" in response.content.decode()
    assert client_for("company").get(options, {"q": "小区"}).status_code == 403


def test_a_whistle_is_one_transaction_of_few_queries(
    world, users, client_for, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    """Intake is the hottest write: session, user and permissions, the compound, then the order, its audit event, the inbox rows (one INSERT) and the rollup upserts, all in
    the order's transaction; nothing but e-mail and SMS is left for after commit."""
    from apps.notifications.models import Notification

    client = client_for("resident")
    data = form_data(world)
    client.post(NEW, data)  # fills the per-process caches (deadline rules, calendar)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        # session, user, permissions, compound (the category is the process's copy); the order,
        # its event, the recipients, the inbox rows, the rollup upserts (one statement on
        # PostgreSQL, three on SQLite); and the savepoint of the order's transaction (its
        # BEGIN/COMMIT outside tests)
        with django_assert_max_num_queries(11 if connection.vendor == "postgresql" else 13):
            response = client.post(NEW, data)
        order = WorkOrder.objects.latest("id")
        assert response.status_code == 302
        assert Notification.objects.filter(link=order.get_absolute_url()).count() == 2
    with django_assert_max_num_queries(0):
        for callback in callbacks:
            callback()
