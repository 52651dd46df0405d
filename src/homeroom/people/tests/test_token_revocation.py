"""A new password or a turned-off account revokes the account's API tokens: whoever knew the
old password may have made one, and it must not outlive the password."""

import re

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client

from homeroom.core import roles
from homeroom.core.models import AuditEvent
from homeroom.core.testing import PASSWORD
from homeroom.people import services

NEW_PASSWORD = "plum tricycle lantern 47"


@pytest.fixture
def teacher(users):
    return users[roles.TEACHER]


@pytest.fixture
def keys(teacher, users):
    """Two tokens of the teacher's, and one of another account's that must keep working."""
    _, first = services.token_create(actor=teacher, user=teacher, name="Inventory script")
    _, second = services.token_create(actor=teacher, user=teacher, name="Nightly sync")
    librarian = users[roles.LIBRARIAN]
    _, other = services.token_create(actor=librarian, user=librarian, name="Catalog")
    for key in (first, second, other):
        assert api_me(key).status_code == 200
    return [first, second], other


def api_me(key: str):
    return Client(headers={"Authorization": f"Bearer {key}"}).get("/api/v1/me")


def assert_revoked(keys, teacher, actor, because: str):
    mine, other = keys
    assert [api_me(key).status_code for key in mine] == [401, 401]
    assert api_me(other).status_code == 200
    events = AuditEvent.objects.filter(verb="token_revoked", object_id=teacher.pk)
    assert sorted(event.message for event in events) == [
        f"API token “Inventory script” ({mine[0][:8]}…), because {because}",
        f"API token “Nightly sync” ({mine[1][:8]}…), because {because}",
    ]
    assert {event.actor for event in events} == {actor}


def signed_in(username: str) -> Client:
    client = Client()
    response = client.post("/accounts/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_changing_the_password_revokes_the_tokens(teacher, keys):
    client = signed_in("teacher")

    response = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )

    assert response.status_code == 200
    assert "Your API tokens (2) were revoked" in response.content.decode()
    assert_revoked(keys, teacher, teacher, "the password was changed")


def test_a_password_change_refused_keeps_the_tokens(teacher, keys):
    client = signed_in("teacher")

    client.post(
        "/accounts/password/",
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert [api_me(key).status_code for key in keys[0]] == [200, 200]
    assert not AuditEvent.objects.filter(verb="token_revoked").exists()


def test_resetting_the_password_by_email_revokes_the_tokens(teacher, keys):
    client = Client()
    client.post("/accounts/password/reset/", {"email": "teacher@example.org"})
    [message] = mail.outbox
    link = re.search(
        re.escape(settings.SITE_URL) + r"(/accounts/password/reset/\S+/)", message.body
    )
    assert link, message.body

    form_url = client.get(link.group(1))["Location"]
    saved = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert saved.status_code == 302
    assert_revoked(keys, teacher, teacher, "the password was changed")


def test_turning_the_account_off_revokes_the_tokens_for_good(teacher, keys, users, client_as):
    admin = users[roles.DISTRICT_ADMIN]
    admin_client = client_as(admin)
    form = {
        "first_name": teacher.first_name,
        "last_name": teacher.last_name,
        "email": teacher.email,
        "role": roles.TEACHER,
        "sites": [site.pk for site in teacher.sites.all()],
    }

    assert admin_client.post(f"/users/{teacher.pk}/edit/", form).status_code == 302
    assert_revoked(keys, teacher, admin, "the account was turned off")

    # Turning it back on does not bring the tokens back.
    admin_client.post(f"/users/{teacher.pk}/edit/", {**form, "is_active": "on"})
    assert [api_me(key).status_code for key in keys[0]] == [401, 401]


def test_a_password_set_in_the_django_admin_revokes_the_tokens(teacher, keys, users, client_as):
    admin = users[roles.DISTRICT_ADMIN]

    response = client_as(admin).post(
        f"/admin/people/user/{teacher.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "set_usable_password": "true"},
    )

    assert response.status_code == 302
    assert_revoked(keys, teacher, admin, "the password was changed")
    assert AuditEvent.objects.filter(
        verb="password_changed", object_id=teacher.pk, message="Changed in the Django admin"
    ).exists()


def test_turning_the_account_off_in_the_django_admin_revokes_the_tokens(
    teacher, keys, users, client_as
):
    admin = users[roles.DISTRICT_ADMIN]
    page = client_as(admin)
    form = {
        "username": teacher.username,
        "first_name": teacher.first_name,
        "last_name": teacher.last_name,
        "email": teacher.email,
        "groups": list(teacher.groups.values_list("pk", flat=True)),
        "sites": [site.pk for site in teacher.sites.all()],
        "date_joined_0": teacher.date_joined.date().isoformat(),
        "date_joined_1": "08:00:00",
    }

    response = page.post(f"/admin/people/user/{teacher.pk}/change/", form)

    assert response.status_code == 302, response.content.decode()[:2000]
    teacher.refresh_from_db()
    assert not teacher.is_active
    assert_revoked(keys, teacher, admin, "the account was turned off")
