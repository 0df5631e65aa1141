"""Every form and import refuses bad input with a Chinese message naming the field; nothing is
partly saved."""

import pytest
from django.urls import reverse

from apps.core.models import Event
from apps.registry.models import Compound, Owner, PropertyCompany


def _count_all():
    return (
        Compound.objects.count(),
        PropertyCompany.objects.count(),
        Owner.objects.count(),
        Event.objects.count(),
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("credit_code", "91350100M000100Y44", "统一社会信用代码校验位不正确"),
        ("credit_code", "12345", "统一社会信用代码应为18位"),
        ("contact_phone", "2381234123", "手机号码应为以1开头的11位数字"),
    ],
)
def test_company_form_refuses_bad_identifiers(world, client_for, field, value, message):
    client = client_for("county")
    data = {"name": "新企业", "credit_code": "91350100M000100Y43", "kind": "market", "region": "371311"}
    data[field] = value
    before = _count_all()
    response = client.post(reverse("company_create"), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    label = {"credit_code": "统一社会信用代码", "contact_phone": "联系电话"}[field]
    assert f"{label}：{message}" in body  # the message names the field
    assert _count_all() == before


def test_company_form_accepts_a_valid_company_and_audits_it(world, client_for):
    client = client_for("county")
    response = client.post(
        reverse("company_create"),
        {"name": "新企业", "credit_code": "91350100m000100y43", "kind": "market", "region": "371311"},
    )
    company = PropertyCompany.objects.get(credit_code="91350100M000100Y43")
    assert response.status_code == 302 and response["Location"] == company.get_absolute_url()
    event = Event.objects.get(verb="propertycompany.create", object_id=str(company.pk))
    assert event.actor == world.users["county"]
    assert event.changes["credit_code"] == [None, "91350100M000100Y43"]
    assert event.region_code == "371311"


def test_company_form_refuses_a_region_outside_scope(world, client_for):
    """A forged field (another county's code) is refused by the scoped choice field."""
    client = client_for("county")
    before = _count_all()
    response = client.post(
        reverse("company_create"),
        {"name": "越权企业", "credit_code": "91350100M000100Y43", "kind": "market", "region": "371302"},
    )
    assert response.status_code == 400
    assert "选择一个有效的选项" in response.content.decode()
    assert _count_all() == before


COMPOUND = {
    "name": "新小区",
    "community": "371311003003",
    "households": "100",
    "total_floor_area": "9000",
    "year_built": "1995",
    "is_old": "on",
    "management_mode": "none",
    "resident_party_members": "2",
}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"total_floor_area": "0"}, "面积必须大于0"),
        ({"total_floor_area": "-5"}, "面积必须大于0"),
        ({"households": "0"}, "户数必须大于0"),
        ({"management_mode": "market"}, "必须指定服务企业"),
        ({"year_built": "1900"}, "建成年份不早于1949年"),
        ({"community": "371302001001"}, "选择一个有效的选项"),  # another county's community
    ],
)
def test_compound_form_refuses_bad_values(world, client_for, changes, message):
    client = client_for("county")
    before = _count_all()
    response = client.post(reverse("compound_create"), {**COMPOUND, **changes})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert _count_all() == before


def test_fallback_needs_a_public_welfare_company(world, client_for):
    client = client_for("county")
    response = client.post(
        reverse("compound_create"), {**COMPOUND, "management_mode": "fallback", "company": world.company.pk}
    )
    assert response.status_code == 400
    assert "兜底管理的服务企业必须是国有公益性物业企业" in response.content.decode()


def test_compound_create_assigns_the_next_code(world, client_for):
    client = client_for("county")
    response = client.post(reverse("compound_create"), COMPOUND)
    assert response.status_code == 302
    compound = Compound.objects.get(name="新小区")
    assert compound.code == "371311003003002"  # the persona world already holds ...001


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"id_number": "110105194912310021"}, "居民身份证号校验位不正确"),
        ({"id_number": "110105194902300025"}, "居民身份证号中的出生日期不存在"),
        ({"phone": "1234"}, "手机号码应为以1开头的11位数字"),
    ],
)
def test_owner_form_refuses_bad_identifiers(world, client_for, changes, message):
    client = client_for("community")
    before = _count_all()
    response = client.post(reverse("owner_create"), {"name": "孙丽", "phone": "13800001111", **changes})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert _count_all() == before


def test_owner_id_number_is_never_stored(world, client_for):
    client = client_for("community")
    response = client.post(
        reverse("owner_create"), {"name": "孙丽", "phone": "13800001111", "id_number": "11010519491231002x"}
    )
    assert response.status_code == 302
    owner = Owner.objects.get(name="孙丽")
    assert owner.id_last4 == "002X"
    assert len(owner.id_hash) == 64 and "11010519491231002X" not in owner.id_hash
    from apps.registry.services import owner_find_by_id_number

    assert list(owner_find_by_id_number("11010519491231002X")) == [owner]
    # the audit log keeps neither the number nor its hash
    event = Event.objects.get(verb="owner.create", object_id=str(owner.pk))
    assert "id_hash" not in event.changes and "11010519491231002X" not in str(event.changes)


def test_read_only_role_gets_403_on_forms(world, client_for):
    client = client_for("resident")
    assert client.get(reverse("compound_create")).status_code == 403
    assert client.get(reverse("compound_update", args=[world.compound.pk])).status_code == 403
    # ... and 404 for an object outside the scope, before any permission talk
    assert client.get(reverse("compound_update", args=[world.other_compound.pk])).status_code == 404


def test_update_records_changed_fields_on_the_timeline(world, client_for):
    client = client_for("county")
    c = world.compound
    data = {
        "name": c.name,
        "address": "盛庄街道88号",
        "households": "330",
        "total_floor_area": "36000",
        "year_built": "1998",
        "is_old": "on",
        "management_mode": "market",
        "company": world.company.pk,
        "resident_party_members": "12",
    }
    response = client.post(reverse("compound_update", args=[c.pk]), data)
    assert response.status_code == 302
    event = Event.objects.filter(verb="compound.update", object_id=str(c.pk)).get()
    assert event.changes == {"address": ["", "盛庄街道88号"], "households": [320, 330]}
    page = client.get(c.get_absolute_url()).content.decode()
    assert "户数：320 → 330" in page


@pytest.mark.parametrize(
    ("url_name", "field", "key"),
    [("building_create", "compound", "compound"), ("unit_create", "building", "building")],
)
def test_a_create_link_prefills_its_parent_and_a_posted_form_ignores_the_query(
    world, client_for, url_name, field, key
):
    """ "登记楼栋" on a compound's page opens .../new/?compound=<pk> with the compound chosen; the
    query string never overrides what the form posts."""
    parent = world.compound if key == "compound" else world.own["building"]
    client = client_for("county")
    form = client.get(f"{reverse(url_name)}?{key}={parent.pk}").context["form"]
    assert str(form.initial[field]) == str(parent.pk)
    assert field not in client.get(reverse(url_name)).context["form"].initial
    before = _count_all()
    response = client.post(f"{reverse(url_name)}?{key}={parent.pk}", {})
    assert response.status_code == 400 and _count_all() == before
    assert field in response.context["form"].errors  # the posted (empty) value, not the query's
