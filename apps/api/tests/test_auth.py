"""API keys: hashed at rest, Bearer header, expiry, revocation, last use; the session as the other way in."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from apps.api.models import ApiClient
from apps.api.services import api_client_create, api_client_revoke

pytestmark = pytest.mark.django_db


def call(client, key, path="/api/v1/compounds"):
    return client.get(path, HTTP_AUTHORIZATION=f"Bearer {key}")


def test_key_is_stored_only_as_prefix_and_digest(world):
    client, key = api_client_create(actor=None, name="12345热线", role="county", scope_code="371311")
    assert key.startswith("rp_") and len(key) == 51
    row = ApiClient.objects.get(pk=client.pk)
    assert key not in str(row.__dict__) and row.key_prefix == key[3:11] and len(row.key_hash) == 64
    assert row.user.role == "county" and row.user.region_id == "371311"
    assert not row.user.has_usable_password()
    assert row.expires_at - timezone.now() > datetime.timedelta(days=364)
    from apps.core.models import Event

    event = Event.objects.get(verb="apiclient.create")
    assert "key_hash" not in event.changes


def test_valid_key_reads_and_records_last_use(client, world):
    api_client, key = api_client_create(actor=None, name="热线", role="county", scope_code="371311")
    response = call(client, key)
    assert response.status_code == 200
    assert [r["name"] for r in response.json()["results"]] == ["盛庄花园"]
    api_client.refresh_from_db()
    assert api_client.last_used_at is not None


@pytest.mark.parametrize(
    "header, code",
    [
        ("Bearer rp_00000000" + "x" * 40, "token_invalid"),
        ("Bearer nonsense", "token_invalid"),
        ("Token abc", "token_invalid"),
        ("Bearer ", "token_invalid"),
    ],
)
def test_bad_keys_are_401(client, world, header, code):
    response = client.get("/api/v1/compounds", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response.json()["code"] == code
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_wrong_secret_with_a_real_prefix_is_refused(client, world):
    _, key = api_client_create(actor=None, name="热线", role="county", scope_code="371311")
    forged = key[:-4] + ("AAAA" if not key.endswith("AAAA") else "BBBB")
    assert call(client, forged).json()["code"] == "token_invalid"


def test_expired_key_is_401(client, world):
    _, key = api_client_create(actor=None, name="热线", role="county", scope_code="371311", days=1)
    assert call(client, key).status_code == 200
    with time_machine.travel(timezone.now() + datetime.timedelta(days=2)):
        response = call(client, key)
    assert response.status_code == 401 and response.json()["code"] == "token_expired"


def test_revoked_key_is_401_at_once(client, world, users):
    api_client, key = api_client_create(actor=None, name="热线", role="county", scope_code="371311")
    assert call(client, key).status_code == 200
    api_client_revoke(client=api_client, actor=users["city"])
    response = call(client, key)
    assert response.status_code == 401 and response.json()["code"] == "token_revoked"
    api_client.user.refresh_from_db()
    assert api_client.user.is_active is False


def test_revoking_twice_is_a_conflict(world):
    from apps.core.errors import ConflictError

    api_client, _ = api_client_create(actor=None, name="热线", role="county", scope_code="371311")
    api_client_revoke(client=api_client, actor=None)
    with pytest.raises(ConflictError):
        api_client_revoke(client=api_client, actor=None)


def test_a_bad_key_is_not_rescued_by_a_session(client_for):
    client = client_for("county")
    assert client.get("/api/v1/compounds").status_code == 200
    assert client.get("/api/v1/compounds", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401


def test_anonymous_is_401(client, world):
    response = client.get("/api/v1/compounds")
    assert response.status_code == 401 and response.json()["code"] == "not_authenticated"
    assert client.get(f"/api/v1/compounds/{world.compound.pk}").status_code == 401


@pytest.mark.parametrize(
    "role, scope, field",
    [
        ("mayor", "371311", "role"),
        ("county", "999999", "scope"),
        ("county", "371311003", "scope"),  # a street code for a county role
        ("company", "999999", "scope"),
        ("resident", "", "scope"),
    ],
)
def test_client_creation_refuses_bad_role_or_scope(world, role, scope, field):
    from apps.core.errors import DomainError

    with pytest.raises(DomainError) as caught:
        api_client_create(actor=None, name="x", role=role, scope_code=scope)
    assert field in caught.value.field_errors
    assert not ApiClient.objects.exists()


def test_organisation_scopes_by_id_or_code(world):
    company, _ = api_client_create(
        actor=None, name="企业", role="company", scope_code=world.company.credit_code
    )
    assert company.user.company_id == world.company.pk
    resident, _ = api_client_create(actor=None, name="居民", role="resident", scope_code=world.compound.code)
    assert resident.user.compound_id == world.compound.pk
    dept, _ = api_client_create(
        actor=None, name="部门", role="department", scope_code=str(world.department.pk)
    )
    assert dept.user.department_id == world.department.pk
