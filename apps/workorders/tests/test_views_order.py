"""The order page and its in-place actions: who may see it (outsiders and the wrong county get
404, read-only roles 403), every verb through the page, and every refusal — wrong state, wrong
role, a stale form, a forged unit or order — with its Chinese message and nothing changed."""

import re

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from apps.core.models import Event
from apps.workorders import services
from apps.workorders.choices import Level, Status
from apps.workorders.models import Assignment, CallBack, WorkOrder
from apps.workorders.tests.helpers import (
    at,
    fresh,
    noisy_photo,
    photo,
    submit,
    to_called_back,
    to_dispatched,
    to_resolved,
    to_signed,
)

MONDAY = at(2026, 3, 2)
HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def _monday():
    with time_machine.travel(MONDAY, tick=False):
        yield


def url(order, verb=None):
    if verb is None:
        return reverse("workorder_detail", args=[order.pk])
    return reverse("workorder_action", args=[order.pk, verb])


def post(client, order, verb, data=None, htmx=True, **extra):
    data = {"version": fresh(order).version, **(data or {})}
    return client.post(url(order, verb), data, **(HX if htmx else {}), **extra)


def buttons(page: str) -> str:
    match = re.search(r'<div class="actions">(.*?)</div>', page, re.S)
    return match.group(1) if match else ""


def events(order):
    return Event.objects.filter(
        content_type=ContentType.objects.get_for_model(WorkOrder), object_id=str(order.pk)
    )


def unchanged(order, before):
    after = fresh(order)
    return (after.status, after.version) == (before.status, before.version)


# ------------------------------------------------------------------ who sees the page
@pytest.mark.parametrize("persona", ["community", "street", "county", "city"])
def test_officials_of_the_region_see_the_order(world, users, client_for, persona):
    order = submit(world, users)
    response = client_for(persona).get(url(order))
    assert response.status_code == 200
    assert order.tracking_code in response.content.decode()


@pytest.mark.parametrize("persona", ["outsider", "other_county", "heze_city", "company", "department"])
def test_outsiders_and_the_wrong_region_get_404(world, users, client_for, persona):
    order = submit(world, users)  # not dispatched: the company and department do not see it yet
    assert client_for(persona).get(url(order)).status_code == 404
    assert client_for(persona).post(url(order, "accept"), {"note": "x"}).status_code == 404
    assert fresh(order).status == Status.SUBMITTED


def test_the_handling_unit_sees_it_once_dispatched(world, users, client_for):
    order = to_dispatched(world, users)
    actions = buttons(client_for("company").get(url(order)).content.decode())
    assert "签收" in actions and "退单" in actions
    assert "派单" not in actions  # no button for a verb the company may not apply


def test_the_reporter_gets_the_tracking_page(world, users, client_for):
    order = to_resolved(world, users)
    response = client_for("resident").get(url(order))
    assert response.status_code == 200
    assert next(t.name for t in response.templates) == "workorders/track_mine.html"
    page = response.content.decode()
    assert "请评价办理结果" in page and "已清运并消毒" in page
    assert "测试community" not in page  # no staff names on the reporter's page


def test_another_resident_does_not_see_it(world, users, client):
    from apps.accounts.services import user_create

    order = submit(world, users)
    neighbour = user_create(
        actor=None, username="t_neighbour", password="x", role="resident", compound=world.compound
    )
    client.force_login(neighbour)
    assert client.get(url(order)).status_code == 404


def test_the_page_shows_the_whole_story(world, users, client_for):
    order = to_called_back(world, users, satisfaction="dissatisfied", solved=False)
    services.workorder_reopen(order=order, actor=users["community"], note="仍有异味，请再次处理")
    page = client_for("community").get(url(order)).content.decode()
    for text in (
        "提交诉求",
        "受理（报到）",
        "派至：罗庄安居物业服务有限公司",
        "办结",
        "回访",
        "重办",
        "仍有异味",
    ):
        assert text in page, text
    assert "问题已解决：否" in page and "满意度：不满意" in page
    assert "重办" in page and "待签收" in page


# ------------------------------------------------------------------ the verbs, through the page
def test_accept_and_dispatch_in_place(world, users, client_for):
    order = submit(world, users)
    client = client_for("community")
    form = client.get(url(order, "accept"), **HX)
    assert form.status_code == 200 and 'name="version"' in form.content.decode()
    response = post(client, order, "accept", {"note": "已报到"})
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#order" and "已受理" in response.content.decode()
    assert fresh(order).status == Status.ACCEPTED

    form = client.get(url(order, "dispatch"), **HX).content.decode()
    assert (
        "罗庄安居物业服务有限公司" in form and "兰山宜家物业服务有限公司" not in form
    )  # units in scope only
    response = post(
        client, order, "dispatch", {"handler": f"company:{world.company.pk}", "instructions": "请处理"}
    )
    assert response.status_code == 200 and "已派单至“罗庄安居物业服务有限公司”" in response.content.decode()
    assert fresh(order).handler_company == world.company


def test_sign_return_and_dispatch_again(world, users, client_for):
    order = to_dispatched(world, users)
    company = client_for("company")
    assert post(company, order, "return", {"reason": ""}).status_code == 400  # a reason is required
    response = post(company, order, "return", {"reason": "属于供水管线，非物业职责"})
    assert response.status_code == 200 and fresh(order).status == Status.ACCEPTED
    community = client_for("community")
    post(community, order, "dispatch", {"handler": f"department:{world.department.pk}"})
    assert fresh(order).handler_department == world.department


def test_resolve_with_photos_then_callback_and_close(world, users, client_for):
    order = to_signed(world, users)
    response = post(
        client_for("company"), order, "resolve", {"note": "已清运", "photos": [photo(), photo("b.jpg")]}
    )
    assert response.status_code == 200 and fresh(order).photos.filter(stage="resolution").count() == 2
    community = client_for("community")
    data = {"reached": "1", "contacted": "1", "solved": "1", "satisfaction": "basic", "note": "居民认可"}
    assert post(community, order, "callback", data).status_code == 200
    assert post(community, order, "close").status_code == 200
    assert fresh(order).status == Status.CLOSED


def test_the_reporter_rates_on_their_page(world, users, client_for):
    order = to_resolved(world, users)
    client = client_for("resident")
    bad = post(client, order, "callback", {"contacted": "1", "solved": "1"}, htmx=False)
    assert bad.status_code == 400 and "请选择满意度" in bad.content.decode()
    assert not CallBack.objects.filter(order=order).exists()
    good = post(
        client, order, "callback", {"contacted": "1", "solved": "1", "satisfaction": "satisfied"}, htmx=False
    )
    assert good.status_code == 302 and good["Location"] == url(order)
    cb = CallBack.objects.get(order=order)
    assert cb.by_reporter and cb.satisfaction == "satisfied"
    assert "您的评价" in client.get(url(order)).content.decode()


def test_reopen_escalate_merge_reject(world, users, client_for):
    community = client_for("community")
    order = to_called_back(world, users, satisfaction="dissatisfied", solved=False)
    assert post(community, order, "reopen", {"note": "请返工"}).status_code == 200
    assert fresh(order).rework_count == 1

    order = submit(world, users)
    assert (
        post(client_for("street"), order, "escalate", {"reason": "overdue", "note": "督办"}).status_code
        == 200
    )
    assert fresh(order).level == Level.STREET

    community = client_for("community")  # one test client: log the community in again
    target, duplicate = submit(world, users), submit(world, users)
    response = post(community, duplicate, "merge", {"target": target.tracking_code})
    assert response.status_code == 200 and fresh(duplicate).merged_into_id == target.pk

    order = submit(world, users)
    assert post(community, order, "reject", {"reason": "不属于物业管理范围"}).status_code == 200
    assert fresh(order).status == Status.REJECTED


def test_a_non_htmx_post_redirects_with_a_message(world, users, client_for):
    order = submit(world, users)
    client = client_for("community")
    response = post(client, order, "accept", htmx=False)
    assert response.status_code == 302
    assert "已受理" in client.get(response["Location"]).content.decode()


# ------------------------------------------------------------------ refusals: message, nothing changed
def test_transition_out_of_order(world, users, client_for):
    order = submit(world, users)
    before = fresh(order)
    response = post(client_for("community"), order, "close")
    assert response.status_code == 400
    assert "工单当前状态为“待受理”，不能结案" in response.content.decode()
    assert unchanged(order, before) and events(order).count() == 1
    # ... and the GET of the form says so too, without a form.
    page = client_for("community").get(url(order, "close"), **HX)
    assert (
        page.status_code == 400
        and "不能结案" in page.content.decode()
        and "<form" not in page.content.decode()
    )


def test_wrong_role_is_403(world, users, client_for):
    order = to_dispatched(world, users)
    before = fresh(order)
    response = post(client_for("county"), order, "sign")  # the county sees it but is no handling unit
    assert response.status_code == 403 and "您没有签收的权限" in response.content.decode()
    response = post(client_for("company"), order, "dispatch", {"handler": f"company:{world.company.pk}"})
    assert response.status_code == 403
    assert unchanged(order, before)


def test_read_only_role_cannot_act(world, users, client_for):
    order = to_called_back(world, users)
    before = fresh(order)
    response = post(client_for("committee"), order, "close")  # the committee sees nothing here
    assert response.status_code == 404
    response = post(client_for("company"), order, "close")  # the company sees it, may not close
    assert response.status_code == 403 and "您没有结案的权限" in response.content.decode()
    assert unchanged(order, before)


def test_somebody_else_acted_first(world, users, client_for):
    order = submit(world, users)
    stale = fresh(order).version
    services.workorder_accept(order=fresh(order), actor=users["community"])
    response = client_for("community").post(url(order, "accept"), {"version": stale}, **HX)
    assert response.status_code == 409
    assert "该工单已被他人处理或状态已变化，请刷新后重试。" in response.content.decode()
    assert events(order).filter(verb="workorder.accept").count() == 1


def test_forged_unit_outside_the_scope(world, users, client_for):
    order = submit(world, users)
    services.workorder_accept(order=order, actor=users["community"])
    before = fresh(order)
    for forged in (
        f"company:{world.other_company.pk}",
        f"department:{world.other['department'].pk}",
        "company:999999",
        "x",
    ):
        response = post(client_for("community"), order, "dispatch", {"handler": forged})
        assert response.status_code == 400, forged
        assert "所选处理单位不在本工单的辖区内" in response.content.decode()
    assert unchanged(order, before) and not Assignment.objects.filter(order=order).exists()


def test_forged_order_id_outside_the_scope(world, users, client_for):
    other = services.workorder_submit(
        actor=users["other_county"],
        compound=world.other_compound,
        category=fresh(submit(world, users)).category,
        description="兰山区的诉求",
        reporter_phone="13912345678",
    )
    before = fresh(other)
    response = post(client_for("community"), other, "accept")
    assert response.status_code == 404 and unchanged(other, before)


def test_merge_into_an_order_outside_the_scope(world, users, client_for):
    order = submit(world, users)
    other = services.workorder_submit(
        actor=users["other_county"],
        compound=world.other_compound,
        category=order.category,
        description="兰山区的诉求",
        reporter_phone="13912345678",
    )
    before = fresh(order)
    response = post(client_for("community"), order, "merge", {"target": other.tracking_code})
    assert response.status_code == 400 and "未找到该工单，或您无权查看" in response.content.decode()
    assert unchanged(order, before)


def test_resolve_refuses_bad_photos_and_changes_nothing(world, users, client_for, settings):
    settings.WORKORDER_PHOTO_MAX_BYTES = 50_000
    order = to_signed(world, users)
    before = fresh(order)
    client = client_for("company")
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("伪装.jpg", b"%PDF-1.4 not an image", content_type="image/jpeg")
    cases = [
        ({"note": "已清运", "photos": [fake]}, "不是有效的图片文件"),
        ({"note": "已清运", "photos": [noisy_photo()]}, "超过49KB"),
        ({"note": "已清运"}, "该类诉求办结时须上传现场照片"),
        ({"note": "", "photos": [photo()]}, "请填写办理情况"),
    ]
    for data, message in cases:
        response = post(client, order, "resolve", data)
        assert response.status_code == 400
        assert message in response.content.decode(), message
    assert unchanged(order, before) and not order.photos.filter(stage="resolution").exists()


def test_unknown_verb_is_404(world, users, client_for):
    order = submit(world, users)
    assert client_for("community").get(url(order, "delete")).status_code == 404


# ------------------------------------------------------------------ reporter data and photos
def test_reporter_shown_masked_and_revealed_with_a_log(world, users, client_for):
    order = submit(world, users, is_anonymous=True)
    page = client_for("community").get(url(order)).content.decode()
    assert "匿名反映" in page and "测试resident" not in page
    response = client_for("community").get(reverse("workorder_reporter", args=[order.pk]), **HX)
    assert response.status_code == 200 and "测试resident" in response.content.decode()
    assert Event.objects.filter(verb="workorder.view_pii", object_id=str(order.pk)).count() == 1
    services.workorder_accept(order=order, actor=users["community"])
    services.workorder_dispatch(order=order, actor=users["community"], handler=world.company)
    # An anonymous reporter stays hidden from the company.
    assert client_for("company").get(reverse("workorder_reporter", args=[order.pk])).status_code == 403
    assert "查看完整信息" not in client_for("company").get(url(order)).content.decode()


def test_photos_are_served_only_inside_the_scope(world, users, client_for):
    order = submit(world, users, photo_files=[photo()])
    p = order.photos.get()
    photo_url = reverse("workorder_photo", args=[p.pk])
    for persona in ("resident", "community", "county"):
        response = client_for(persona).get(photo_url)
        assert response.status_code == 200, persona
        assert response["Content-Type"] == "image/jpeg" and "private" in response["Cache-Control"]
        assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"
    for persona in ("other_county", "heze_city", "company", "outsider"):
        assert client_for(persona).get(photo_url).status_code == 404, persona
    assert p.file.url not in client_for("community").get(url(order)).content.decode()  # no public media URL


def test_photos_via_nginx_when_configured(world, users, client_for, settings):
    settings.MEDIA_ACCEL_REDIRECT = True
    p = submit(world, users, photo_files=[photo()]).photos.get()
    response = client_for("community").get(reverse("workorder_photo", args=[p.pk]))
    assert response["X-Accel-Redirect"] == f"/media/{p.file.name}"


def test_detail_query_count_is_bounded(world, users, client_for, django_assert_max_num_queries):
    order = to_called_back(world, users)
    client = client_for("community")
    client.get(url(order))
    with django_assert_max_num_queries(16):  # 12 measured: the order, its records, the timeline
        assert client.get(url(order)).status_code == 200


def test_required_fields_are_named_in_chinese(world, users, client_for):
    order = to_resolved(world, users)
    response = post(client_for("community"), order, "callback", {})
    assert response.status_code == 400 and "请选择是否联系上诉求人" in response.content.decode()
    assert not CallBack.objects.filter(order=order).exists()


# ---------------------------------------------------------------- the resident's journey (issue 13 item 6)
def test_the_reporter_sees_their_own_rating_comment_and_the_box_is_not_a_call_back_record(
    world, users, client_for
):
    order = to_resolved(world, users)
    client = client_for("resident")
    page = client.get(url(order)).content.decode()
    assert "您的意见（选填）" in page and "回访记录" not in page
    data = {"contacted": "1", "solved": "1", "satisfaction": "basic", "note": "清运及时，但楼道还有异味"}
    assert post(client, order, "callback", data, htmx=False).status_code == 302
    page = client.get(url(order)).content.decode()
    assert "您的意见：清运及时，但楼道还有异味" in page


def test_after_the_community_called_back_the_inbox_does_not_ask_for_a_rating(world, users, client_for):
    from apps.notifications.models import Notification

    order = to_called_back(world, users)
    resident = users["resident"]
    titles = list(Notification.objects.filter(recipient=resident).values_list("title", flat=True))
    assert not any("请评价" in t for t in titles), titles
    assert any(t.startswith("社区已回访（满意），评价已结束") for t in titles), titles
    page = client_for("resident").get(url(order)).content.decode()
    assert "请评价办理结果" not in page and "社区已回访，评价已结束" in page


def test_the_category_list_does_not_repeat_the_urgency(world, users, client_for):
    from apps.workorders.models import Category

    names = list(Category.objects.values_list("name", flat=True))
    assert "紧急" not in names and "安全隐患与险情" in names
