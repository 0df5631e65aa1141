"""The list pages of the region, party and committee ledgers link to their imports, for the roles
that may import them only."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

LEDGERS = [
    ("city", "region_list", "regions", "行政区划"),
    ("county", "partyorg_list", "partyorgs", "党组织"),
    ("county", "instructor_list", "instructors", "党建指导员"),
    ("street", "secretary_list", "secretaries", "红领书记"),
    ("community", "committee_list", "committees", "业主委员会及委员"),
]


@pytest.mark.parametrize("persona,list_name,ledger,title", LEDGERS)
def test_list_page_links_to_the_import_and_the_import_page_opens(
    world, client_for, persona, list_name, ledger, title
):
    client = client_for(persona)
    page = client.get(reverse(list_name)).content.decode()
    assert "批量导入" in page
    start = client.get(reverse(list_name.replace("_list", "_import")), follow=True)
    assert start.status_code == 200 and title in start.content.decode()
    assert reverse("import_template", args=[ledger]) in start.content.decode()
    assert title in client.get(reverse("import_index")).content.decode()


@pytest.mark.parametrize(
    "persona,list_name",
    [("county", "region_list"), ("community", "partyorg_list"), ("company", "committee_list")],
)
def test_roles_that_cannot_import_see_no_import_button(world, client_for, persona, list_name):
    response = client_for(persona).get(reverse(list_name))
    assert response.status_code == 200
    assert "批量导入" not in response.content.decode()
