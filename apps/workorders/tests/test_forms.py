"""Bad input gives a clear Chinese error and changes nothing: non-image or oversized photos,
empty descriptions, unknown or out-of-scope compounds, transitions out of order, forged fields."""

from pathlib import Path

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.utils.datastructures import MultiValueDict

from apps.core.errors import DomainError, ForbiddenError
from apps.core.models import Event
from apps.workorders import forms, services
from apps.workorders.choices import Status
from apps.workorders.models import WorkOrder, WorkOrderPhoto
from apps.workorders.tests.helpers import (
    at,
    category,
    fresh,
    noisy_photo,
    photo,
    submit,
    to_dispatched,
    to_signed,
)


@pytest.fixture(autouse=True)
def _monday():
    with time_machine.travel(at(2026, 3, 2), tick=False):
        yield


def media_files(settings) -> set:
    root = Path(settings.MEDIA_ROOT)
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def intake(users, world, who="resident", files=(), **data):
    base = {
        "compound": world.compound.pk,
        "category": category().pk,
        "urgency": "normal",
        "description": "楼道灯坏了一周",
        "reporter_phone": "13912345678",
        "channel": "staff",
    }
    base.update(data)
    return forms.WorkOrderSubmitForm(base, MultiValueDict({"photos": list(files)}), user=users[who])


def assert_nothing_changed(before_counts):
    assert (WorkOrder.objects.count(), Event.objects.count(), WorkOrderPhoto.objects.count()) == before_counts


def counts():
    return WorkOrder.objects.count(), Event.objects.count(), WorkOrderPhoto.objects.count()


def test_a_valid_intake_runs_the_service(world, users):
    form = intake(users, world, files=[photo()])
    assert form.is_valid(), form.errors
    order = forms.run(form)
    assert (
        order.status == Status.SUBMITTED
        and order.photos.count() == 1
        and order.reporter_user == users["resident"]
    )
    staff = intake(users, world, who="community", reporter_name="张三", channel="grid")
    assert staff.is_valid(), staff.errors
    order = forms.run(staff)
    assert (
        order.channel == "grid" and order.reporter_name == "张三" and order.created_by == users["community"]
    )


@pytest.mark.parametrize(
    ("files", "message"),
    [
        (
            [SimpleUploadedFile("a.jpg", b"this is not an image at all", content_type="image/jpeg")],
            "不是有效的图片",
        ),
        ([SimpleUploadedFile("a.jpg", b"", content_type="image/jpeg")], "空文件"),
        (
            [SimpleUploadedFile("fake.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, content_type="image/png")],
            "不是有效的图片",
        ),
        ([photo(f"{i}.jpg") for i in range(7)], "最多上传6张"),
    ],
)
def test_bad_photos_are_refused(world, users, settings, files, message):
    before, stored = counts(), media_files(settings)
    form = intake(users, world, files=files)
    assert not form.is_valid()
    assert message in str(form.errors["photos"])
    assert_nothing_changed(before)
    assert media_files(settings) == stored


def test_oversized_and_unsupported_photos(world, users, settings):
    settings.WORKORDER_PHOTO_MAX_BYTES = 1000
    big = noisy_photo()
    form = intake(users, world, files=[big])
    assert not form.is_valid() and "超过" in str(form.errors["photos"])
    settings.WORKORDER_PHOTO_MAX_BYTES = 5 * 1024 * 1024
    bmp = photo("x.bmp", "BMP")
    form = intake(users, world, files=[bmp])
    assert not form.is_valid() and "格式（BMP）不支持" in str(form.errors["photos"])


def test_the_service_refuses_bad_photos_too(world, users):
    before = counts()
    with pytest.raises(DomainError, match="不是有效的图片"):
        submit(world, users, photo_files=[SimpleUploadedFile("a.jpg", b"GIF89a-nope")])
    assert_nothing_changed(before)


@pytest.mark.parametrize("description", ["", "   ", "\n\t"])
def test_empty_description(world, users, description):
    before = counts()
    form = intake(users, world, description=description)
    assert not form.is_valid() and "请填写诉求内容" in str(form.errors["description"])
    with pytest.raises(DomainError, match="请填写诉求内容"):
        submit(world, users, description=description)
    assert_nothing_changed(before)


def test_unknown_or_out_of_scope_compound(world, users):
    before = counts()
    for value in (999999, world.other_compound.pk, "abc"):
        form = intake(users, world, who="community", compound=value)
        assert not form.is_valid() and "所选小区不存在或不在您的辖区内" in str(form.errors["compound"])
    form = intake(users, world, who="resident", compound=world.other_compound.pk)
    assert not form.is_valid() and "compound" in form.errors
    with pytest.raises(Http404):
        services.workorder_submit(
            actor=users["resident"], compound=world.other_compound, category=category(), description="x"
        )
    with pytest.raises(ForbiddenError):
        services.workorder_submit(
            actor=users["company"], compound=world.compound, category=category(), description="x"
        )
    assert_nothing_changed(before)


def test_staff_intake_needs_a_phone_to_call_back(world, users):
    form = intake(users, world, who="community", reporter_phone="")
    assert not form.is_valid() and "以便回访" in str(form.errors["reporter_phone"])
    form = intake(users, world, who="community", reporter_phone="12345")
    assert not form.is_valid() and "11位" in str(form.errors["reporter_phone"])
    assert intake(users, world, who="community", reporter_phone="", is_anonymous="on").is_valid()


def test_building_must_belong_to_the_compound(world, users):
    from apps.registry.services import building_create

    elsewhere = building_create(
        actor=None, data={"compound": world.other_compound, "name": "1号楼", "floors": 6}
    )
    form = intake(users, world, building=elsewhere.pk)
    assert not form.is_valid() and "不属于该小区" in str(form.errors["building"])


def test_transition_out_of_order_is_a_form_error(world, users):
    order = submit(world, users)
    form = forms.SignForm({}, order=order, user=users["community"])
    assert not form.is_valid()
    assert "权限" in str(form.errors)
    form = forms.DispatchForm(
        {"handler": f"company:{world.company.pk}"}, order=order, user=users["community"]
    )
    assert not form.is_valid() and "工单当前状态为“待受理”，不能派单" in str(form.errors["__all__"])
    assert fresh(order).version == order.version


def test_forged_handler_is_refused(world, users):
    order = submit(world, users)
    services.workorder_accept(order=order, actor=users["community"])
    for forged in (f"company:{world.other_company.pk}", "department:999999", "company:abc", "anything"):
        form = forms.DispatchForm({"handler": forged}, order=order, user=users["community"])
        assert not form.is_valid() and "不在本工单的辖区内" in str(form.errors["handler"])
    form = forms.DispatchForm({}, order=order, user=users["community"])
    assert (
        form.fields["handler"].initial == f"company:{world.company.pk}"
    )  # the category's default: the company
    form = forms.DispatchForm(
        {"handler": f"department:{world.department.pk}", "instructions": "请住建局处理"},
        order=order,
        user=users["community"],
    )
    assert form.is_valid(), form.errors
    forms.run(form)
    assert fresh(order).handler_department == world.department


def test_run_turns_a_lost_race_into_a_form_error(world, users):
    order = to_dispatched(world, users)
    form = forms.SignForm({"note": "收到"}, order=fresh(order), user=users["company"])
    assert form.is_valid()
    services.workorder_sign(order=order, actor=users["company"])  # somebody else was faster
    assert forms.run(form) is None
    assert "已被他人处理" in str(form.errors["__all__"])


def test_resolve_and_callback_forms(world, users):
    order = to_signed(world, users)
    form = forms.ResolveForm({"note": "已修复"}, order=order, user=users["company"])
    assert not form.is_valid() and "须上传现场照片" in str(form.errors["photos"])
    form = forms.ResolveForm(
        {"note": "已修复"}, MultiValueDict({"photos": [photo()]}), order=order, user=users["company"]
    )
    assert form.is_valid(), form.errors
    forms.run(form)
    form = forms.CallbackForm({"reached": "1"}, order=fresh(order), user=users["community"])
    assert not form.is_valid() and {"contacted", "solved", "satisfaction"} <= set(form.errors)
    form = forms.CallbackForm(
        {"contacted": "1", "solved": "1", "satisfaction": "satisfied"},
        order=fresh(order),
        user=users["resident"],
    )
    assert "reached" not in form.fields and form.is_valid(), form.errors
    callback = forms.run(form)
    assert callback.by_reporter and callback.reached


def test_merge_form_finds_the_target_in_scope(world, users):
    target, dup = submit(world, users), submit(world, users)
    form = forms.MergeForm({"target": target.tracking_code.lower()}, order=dup, user=users["community"])
    assert form.is_valid(), form.errors
    assert form.cleaned_data["target"] == target
    assert not forms.MergeForm({"target": "ZZZZZZZZZZ"}, order=dup, user=users["community"]).is_valid()
    assert not forms.MergeForm({"target": str(dup.pk)}, order=dup, user=users["community"]).is_valid()


def test_every_verb_has_a_form():
    from apps.workorders.choices import VERBS

    assert set(forms.VERB_FORMS) == set(VERBS) - {"submit"}
