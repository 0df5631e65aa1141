"""Creating and revoking API clients: the management command and the admin."""

import io

import pytest
from django.core.management import CommandError, call_command

from apps.api.models import ApiClient

pytestmark = pytest.mark.django_db


def test_command_prints_the_key_once(client, world):
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "create_api_client",
        "临沂12345热线",
        "--role",
        "city",
        "--scope",
        "371300",
        "--days",
        "30",
        stdout=out,
        stderr=err,
    )
    key = out.getvalue().strip()
    assert key.startswith("rp_") and "密钥只显示这一次" in err.getvalue()
    row = ApiClient.objects.get(name="临沂12345热线")
    assert round((row.expires_at - row.created_at).total_seconds() / 86400) == 30
    assert client.get("/api/v1/compounds", HTTP_AUTHORIZATION=f"Bearer {key}").json()["count"] == 2


@pytest.mark.parametrize(
    "args, message",
    [
        (["--role", "county", "--scope", "000000"], "不存在"),
        (["--role", "county", "--scope", "371300"], "县区"),
        (["--role", "county", "--scope", "371311", "--days", "0"], "有效天数"),
    ],
)
def test_command_refuses_bad_input_in_chinese(world, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("create_api_client", "热线", *args, stdout=io.StringIO(), stderr=io.StringIO())
    assert not ApiClient.objects.exists()


def test_command_refuses_an_unknown_role(world):
    with pytest.raises(CommandError):
        call_command(
            "create_api_client", "热线", "--role", "mayor", "--scope", "371311", stderr=io.StringIO()
        )


@pytest.fixture
def admin_client_(client, db, world):
    from apps.accounts.models import User

    admin = User.objects.create_superuser("root", "root@example.com", "pw-Strong-2026")
    client.force_login(admin)
    return client


def test_admin_creates_a_client_and_shows_the_key_once(admin_client_, world):
    response = admin_client_.post(
        "/admin/api/apiclient/add/",
        {"name": "区住建局数据平台", "role": "county", "scope_code": "371311", "days": "90", "note": ""},
        follow=True,
    )
    assert response.status_code == 200
    shown = [str(m) for m in response.context["messages"]]
    key = next(m.split("：", 1)[1] for m in shown if "只显示这一次" in m)
    row = ApiClient.objects.get(name="区住建局数据平台")
    assert row.key_prefix == key[3:11]
    assert admin_client_.get(f"/admin/api/apiclient/{row.pk}/change/").status_code == 200
    assert admin_client_.get("/admin/api/apiclient/").status_code == 200


def test_admin_refuses_a_bad_scope(admin_client_, world):
    response = admin_client_.post(
        "/admin/api/apiclient/add/", {"name": "x", "role": "county", "scope_code": "999999", "days": "90"}
    )
    assert response.status_code == 200 and "不存在" in response.content.decode()
    assert not ApiClient.objects.exists()


def test_admin_revokes(admin_client_, world):
    from apps.api.services import api_client_create

    row, _ = api_client_create(actor=None, name="热线", role="county", scope_code="371311")
    admin_client_.post("/admin/api/apiclient/", {"action": "revoke", "_selected_action": [row.pk]})
    row.refresh_from_db()
    assert row.revoked_at is not None
