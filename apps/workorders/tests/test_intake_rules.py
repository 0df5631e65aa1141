"""Every rule a whistle must satisfy, refused by the intake service itself (the page form and
the REST API only call it): an import, a command or the next adapter cannot skip one. One test
per rule, calling `services.workorder_submit` directly; nothing is written when it refuses."""

import pytest

from apps.core.errors import DomainError
from apps.workorders import services
from apps.workorders.choices import Channel
from apps.workorders.models import WorkOrder
from apps.workorders.services.intake import intake_rules
from apps.workorders.tests.helpers import category

pytestmark = pytest.mark.django_db


def file(world, users, actor="community", **kw):
    kw.setdefault("description", "楼道灯坏了一周")
    kw.setdefault("category", category())
    return services.workorder_submit(
        actor=users[actor] if actor else None, compound=kw.pop("compound", world.compound), **kw
    )


def refused(world, users, field: str | None, words: str, **kw) -> None:
    with pytest.raises(DomainError) as caught:
        file(world, users, **kw)
    assert words in caught.value.message
    if field:
        assert field in caught.value.field_errors
    assert not WorkOrder.objects.exists()


@pytest.mark.parametrize("channel", [Channel.STAFF, Channel.GRID])
def test_a_staff_or_grid_filing_needs_the_reporters_phone(world, users, channel):
    refused(world, users, "reporter_phone", "以便回访", channel=channel, reporter_phone="")


def test_no_phone_is_needed_when_anonymous_from_the_hotline_or_through_open311(world, users):
    file(world, users, channel=Channel.STAFF, is_anonymous=True)
    file(world, users, channel=Channel.HOTLINE)
    file(world, users, channel=Channel.OPEN311)
    file(world, users, actor=None, channel=Channel.HOTLINE)
    assert WorkOrder.objects.count() == 4


def test_the_phone_must_be_a_mobile_number(world, users):
    refused(world, users, "reporter_phone", "11位", channel=Channel.STAFF, reporter_phone="12345")


def test_the_description_is_required_and_bounded(world, users, settings):
    refused(world, users, "description", "请填写诉求内容", description="   ", reporter_phone="13912345678")
    settings.WORKORDER_DESCRIPTION_MAX_LENGTH = 10
    refused(world, users, None, "不能超过10字", description="很" * 11, reporter_phone="13912345678")


def test_the_category_must_be_active(world, users):
    sanitation = category()
    sanitation.is_active = False
    sanitation.save()
    refused(world, users, "category", "已停用", category=sanitation, reporter_phone="13912345678")


def test_the_urgency_must_be_known(world, users):
    refused(world, users, None, "紧急程度", urgency="panic", reporter_phone="13912345678")


def test_building_and_unit_must_belong_to_the_compound(world, users):
    from apps.registry.services import building_create

    elsewhere = building_create(
        actor=None, data={"compound": world.other_compound, "name": "1号楼", "floors": 6}
    )
    refused(world, users, "building", "不属于该小区", building=elsewhere, reporter_phone="13912345678")


def test_the_joint_owner_count_is_not_negative(world, users):
    refused(world, users, None, "不能为负数", joint_owner_count=-1, reporter_phone="13912345678")


def test_the_channel_fits_the_filer(world, users):
    refused(
        world, users, "channel", "来源渠道不正确", channel=Channel.RESIDENT_APP, reporter_phone="13912345678"
    )
    refused(world, users, None, "须注明来源渠道", actor=None, channel=Channel.STAFF)


def test_a_resident_files_for_themselves_on_the_resident_channel(world, users):
    order = file(world, users, actor="resident", channel=Channel.STAFF)
    assert order.channel == Channel.RESIDENT_APP and order.reporter_user_id == users["resident"].pk


def test_the_rules_alone_return_what_the_order_stores(world, users):
    channel, text, phone = intake_rules(
        actor=users["community"],
        compound=world.compound,
        category=category(),
        description="  灯坏了  ",
        channel=Channel.GRID,
        reporter_phone="139 1234 5678",
    )
    assert (channel, text, phone) == (Channel.GRID, "灯坏了", "13912345678")
