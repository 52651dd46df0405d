"""Personal API tokens: made and revoked on the profile page, used against the API."""

import hashlib
import re

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client

from homeroom.core import roles
from homeroom.core.models import AuditEvent
from homeroom.people import services
from homeroom.people.models import ApiToken

SHOWN_KEY = re.compile(r'id="new-token"[^>]*value="(hr_[^"]+)"')


@pytest.fixture
def teacher(users):
    return users[roles.TEACHER]


def create_token(client: Client, name: str = "Inventory script") -> str:
    """Create a token on the profile page and return the key the page shows."""
    response = client.post("/profile/tokens/", {"name": name})
    assert response.status_code == 302
    assert response["Location"] == "/profile/"
    page = client.get("/profile/").content.decode()
    found = SHOWN_KEY.search(page)
    assert found, "the new token is shown on the profile page"
    return found.group(1)


def api_me(key: str):
    return Client(headers={"Authorization": f"Bearer {key}"}).get("/api/v1/me")


def assert_unauthenticated(response):
    assert response.status_code == 401
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "fields"}
    assert body["error"]["code"] == "unauthenticated"
    assert body["error"]["message"]
    assert body["error"]["fields"] == {}


def every_stored_text() -> str:
    """Every text column of every table, as one string, to look for a secret in."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            description = connection.introspection.get_table_description(cursor, table)
            columns = ", ".join(connection.ops.quote_name(column.name) for column in description)
            cursor.execute(f"SELECT {columns} FROM {connection.ops.quote_name(table)}")
            found += [str(value) for row in cursor.fetchall() for value in row]
    return "\n".join(found)


def test_token_is_shown_once_and_only_its_hash_is_stored(teacher, client_as):
    client = client_as(teacher)

    key = create_token(client)

    assert key.startswith("hr_")
    assert key not in client.get("/profile/").content.decode()
    token = ApiToken.objects.get(user=teacher)
    assert token.name == "Inventory script"
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert token.prefix == key[:8]
    assert "Inventory script" in client.get("/profile/").content.decode()
    assert key not in every_stored_text()
    for session in Session.objects.all():
        assert key not in str(session.get_decoded())


def test_token_authenticates_api_calls(teacher, client_as, sites):
    key = create_token(client_as(teacher))

    response = api_me(key)

    assert response.status_code == 200
    me = response.json()
    assert me["username"] == "teacher"
    assert me["roles"] == [roles.TEACHER]
    assert me["site_ids"] == [sites[0].pk]
    assert ApiToken.objects.get(user=teacher).last_used_at is not None


def test_revoked_token_is_refused(teacher, client_as):
    client = client_as(teacher)
    key = create_token(client)
    token = ApiToken.objects.get(user=teacher)
    assert api_me(key).status_code == 200

    response = client.post(f"/profile/tokens/{token.pk}/revoke/")

    assert response.status_code == 302
    assert "Revoked the API token" in client.get("/profile/").content.decode()
    assert_unauthenticated(api_me(key))


def test_token_create_and_revoke_are_audited(teacher, client_as):
    client = client_as(teacher)
    create_token(client, name="Label printer")
    token = ApiToken.objects.get(user=teacher)
    client.post(f"/profile/tokens/{token.pk}/revoke/")

    created = AuditEvent.objects.get(verb="token_created", object_id=teacher.pk)
    revoked = AuditEvent.objects.get(verb="token_revoked", object_id=teacher.pk)
    for event in (created, revoked):
        assert event.actor == teacher
        assert event.interface == "web"
        assert "Label printer" in event.message
        assert token.prefix in event.message


def test_revoking_twice_audits_once(teacher, client_as):
    client = client_as(teacher)
    create_token(client)
    token = ApiToken.objects.get(user=teacher)

    client.post(f"/profile/tokens/{token.pk}/revoke/")
    client.post(f"/profile/tokens/{token.pk}/revoke/")

    assert AuditEvent.objects.filter(verb="token_revoked").count() == 1


def test_a_token_needs_a_name(teacher, client_as):
    client = client_as(teacher)

    response = client.post("/profile/tokens/", {"name": ""}, follow=True)

    assert "Give the token a name" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_token_pages_are_post_only(teacher, client_as):
    client = client_as(teacher)
    key = create_token(client)
    token = ApiToken.objects.get(user=teacher)

    assert client.get("/profile/tokens/").status_code == 405
    assert client.get(f"/profile/tokens/{token.pk}/revoke/").status_code == 405
    assert api_me(key).status_code == 200


def test_cannot_revoke_someone_elses_token(users, teacher, client_as):
    key = create_token(client_as(teacher))
    token = ApiToken.objects.get(user=teacher)

    # Not even a district admin, on the profile page: it revokes only your own tokens.
    for role in (roles.LIBRARIAN, roles.DISTRICT_ADMIN):
        response = client_as(users[role]).post(f"/profile/tokens/{token.pk}/revoke/")
        assert response.status_code == 404

    token.refresh_from_db()
    assert token.revoked_at is None
    assert api_me(key).status_code == 200
    assert not AuditEvent.objects.filter(verb="token_revoked").exists()


def test_token_of_a_turned_off_account_is_refused(users, teacher, client_as):
    key = create_token(client_as(teacher))
    assert api_me(key).status_code == 200

    services.user_update(actor=users[roles.DISTRICT_ADMIN], user=teacher, is_active=False)

    assert_unauthenticated(api_me(key))


@pytest.mark.parametrize(
    "authorization",
    ["Bearer hr_not-a-real-token", "Bearer ", "Token abc", "Bearer " + "x" * 500],
)
def test_garbage_token_is_refused(users, authorization):
    response = Client(headers={"Authorization": authorization}).get("/api/v1/me")

    assert_unauthenticated(response)


def test_no_credentials_is_refused(db):
    assert_unauthenticated(Client().get("/api/v1/me"))


def test_token_hash_is_not_accepted_as_a_token(teacher, client_as):
    create_token(client_as(teacher))
    token = ApiToken.objects.get(user=teacher)

    assert_unauthenticated(api_me(token.key_hash))
