"""Scope is enforced for every model on every surface: list, search, detail, admin and export.

Every installed app declares its surfaces (contribution.scope_surfaces) and adds one object of
each model on each side of the persona world (contribution.world). The persona world has one
object of each model in 罗庄区 ("own" for the county persona) and one
in 兰山区 ("other"). A county official sees the first and never the second; a Linyi city
official sees both; a Heze official sees neither; an outsider is refused.
"""

import io
import operator

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from apps.core.contributions import scope_surfaces

# key → (list url name or None, detail url name or None, admin "app/model", text shown for the
# object), from every installed app's contribution.scope_surfaces: a new app's models join here.
SURFACES = {
    key: (s.list_url, s.detail_url, s.admin, operator.attrgetter(s.text))
    for key, s in scope_surfaces().items()
}

LISTED = [k for k, v in SURFACES.items() if v[0]]
DETAILED = [k for k, v in SURFACES.items() if v[1]]


def _list_url(key, obj):
    url = reverse(SURFACES[key][0])
    if key == "community":  # the region list is long: search for the object itself
        return f"{url}?q={obj.code}"
    return url


@pytest.mark.parametrize("key", LISTED)
def test_list_shows_own_scope_only(world, client_for, key):
    client = client_for("county")
    own, other = world.own[key], world.other[key]
    text = SURFACES[key][3]
    body = client.get(_list_url(key, own)).content.decode()
    assert text(own) in body
    assert own.get_absolute_url() in body
    other_body = client.get(_list_url(key, other)).content.decode()
    assert other.get_absolute_url() not in other_body


@pytest.mark.parametrize("key", LISTED)
def test_search_never_reaches_outside_scope(world, client_for, key):
    client = client_for("county")
    other = world.other[key]
    query = other.code if key == "community" else SURFACES[key][3](other)
    response = client.get(reverse(SURFACES[key][0]), {"q": query})
    assert response.status_code == 200
    body = response.content.decode()
    assert other.get_absolute_url() not in body
    assert "共 0 条" in body


@pytest.mark.parametrize("key", LISTED)
def test_export_shows_own_scope_only(world, client_for, key):
    client = client_for("county")
    own, other = world.own[key], world.other[key]
    url = _list_url(key, own)
    response = client.get(url + ("&" if "?" in url else "?") + "export=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    cells = {str(c) for row in wb.worksheets[0].iter_rows(values_only=True) for c in row if c is not None}
    blob = "\n".join(cells)
    assert SURFACES[key][3](own) in blob
    assert SURFACES[key][3](other) not in blob


@pytest.mark.parametrize("key", DETAILED)
def test_detail_own_is_shown_other_is_404(world, client_for, key):
    client = client_for("county")
    name = SURFACES[key][1]
    assert client.get(reverse(name, args=[world.own[key].pk])).status_code == 200
    assert client.get(reverse(name, args=[world.other[key].pk])).status_code == 404


@pytest.mark.parametrize("key", DETAILED)
def test_outsider_and_other_city_get_404_on_detail(world, client_for, key):
    name = SURFACES[key][1]
    for persona in ("outsider", "heze_city"):
        client = client_for(persona)
        assert client.get(reverse(name, args=[world.own[key].pk])).status_code == 404


@pytest.mark.parametrize("key", LISTED)
def test_outsider_is_refused_lists(world, client_for, key):
    assert client_for("outsider").get(reverse(SURFACES[key][0])).status_code == 403


@pytest.mark.parametrize("key", [k for k, v in SURFACES.items() if v[2]])
def test_admin_is_scoped(world, client_for, key):
    client = client_for("county")
    app_model = SURFACES[key][2].replace("/", "_")
    changelist = client.get(reverse(f"admin:{app_model}_changelist"))
    if changelist.status_code == 403:
        pytest.skip("the county role has no admin access to this model")
    assert changelist.status_code == 200
    own, other = world.own[key], world.other[key]
    assert client.get(reverse(f"admin:{app_model}_change", args=[own.pk])).status_code == 200
    # Django's admin answers an object outside the queryset with a redirect and "does not exist".
    response = client.get(reverse(f"admin:{app_model}_change", args=[other.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")


def test_city_official_sees_both_counties(world, client_for):
    body = client_for("city").get(reverse("compound_list")).content.decode()
    assert world.compound.name in body and world.other_compound.name in body
    body = client_for("heze_city").get(reverse("compound_list")).content.decode()
    assert world.compound.name not in body and world.other_compound.name not in body


@pytest.mark.parametrize("persona", ["company", "committee", "resident"])
def test_organisation_personas_see_their_compound_only(world, client_for, persona):
    client = client_for(persona)
    assert client.get(reverse("compound_detail", args=[world.compound.pk])).status_code == 200
    assert client.get(reverse("compound_detail", args=[world.other_compound.pk])).status_code == 404


@pytest.mark.parametrize(
    "url_name",
    [
        "compound_list",
        "company_list",
        "partyorg_list",
        "secretary_list",
        "committee_list",
        "owner_list",
        "department_list",
        "instructor_list",
    ],
)
def test_list_query_count_is_bounded(world, client_for, django_assert_max_num_queries, url_name):
    client = client_for("city")
    client.get(reverse(url_name))  # warm the session and content-type caches
    with django_assert_max_num_queries(16):
        assert client.get(reverse(url_name)).status_code == 200
