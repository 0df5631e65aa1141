"""Scope for every role: which personas see the 罗庄 (own) and 兰山 (other) objects on the pages and
the API, and who is refused."""

import pytest

pytestmark = pytest.mark.django_db

# persona → (sees own, sees other) per surface; None = refused (403 on lists)
LEDGER = {
    "city": (True, True),
    "county": (True, False),
    "street": (True, False),
    "community": (True, False),
    "company": (True, False),
    "committee": (True, False),
    "department": (True, False),
    "resident": None,
    "other_county": (False, True),
    "heze_city": (False, False),
    "outsider": None,
}
RECOVERIES = {**LEDGER, "company": None}
CENTRES = {**LEDGER, "department": None, "resident": (True, False)}

SURFACES = {
    "publicspace": ("/spaces/", LEDGER, "name"),
    "recoverycase": ("/spaces/recoveries/", RECOVERIES, "occupant_name"),
    "servicecentre": ("/spaces/centres/", CENTRES, "name"),
}


@pytest.mark.parametrize("surface", list(SURFACES))
@pytest.mark.parametrize("persona", list(LEDGER))
def test_pages_scoped_for_every_role(sworld, client_for, surface, persona):
    url, matrix, attr = SURFACES[surface]
    own, other = sworld.own[surface], sworld.other[surface]
    c = client_for(persona)
    r = c.get(url)
    expected = matrix[persona]
    if expected is None:
        assert r.status_code == 403
        assert c.get(own.get_absolute_url()).status_code in (403, 404)
        return
    html = r.content.decode()
    assert (getattr(own, attr) in html, getattr(other, attr) in html) == expected
    assert c.get(own.get_absolute_url()).status_code == (200 if expected[0] else 404)
    assert c.get(other.get_absolute_url()).status_code == (200 if expected[1] else 404)


API = {
    "publicspace": ("/api/v1/spaces/spaces", LEDGER),
    "recoverycase": ("/api/v1/spaces/recoveries", RECOVERIES),
}


@pytest.mark.parametrize("surface", list(API))
@pytest.mark.parametrize("persona", [p for p in LEDGER if p != "outsider"])
def test_api_scoped_for_every_role(sworld, api_get, surface, persona):
    url, matrix = API[surface]
    r = api_get(url, as_=persona)
    expected = matrix[persona]
    if expected is None:
        assert r.status_code == 403
        return
    ids = {row["id"] for row in r.json()["results"]}
    assert (sworld.own[surface].pk in ids, sworld.other[surface].pk in ids) == expected


def test_api_refuses_anonymous(sworld, client):
    assert client.get("/api/v1/spaces/spaces").status_code == 401
    assert client.get(f"/api/v1/spaces/rooms/{sworld.own['room'].pk}/availability").status_code == 401
