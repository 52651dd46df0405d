"""Signing in and out, lockout, and changing or resetting a password, through the real pages.

django-axes is the first authentication backend, so every sign-in here goes through the
login form (as a browser would) instead of `client.login`.
"""

import re

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client

from homeroom.core import roles
from homeroom.core.models import AuditEvent
from homeroom.core.testing import PASSWORD
from homeroom.people import services

LOGIN = "/accounts/login/"
NEW_PASSWORD = "plum tricycle lantern 47"
LINK = re.compile(re.escape(settings.SITE_URL) + r"(/accounts/password/reset/[^/\s]+/[^/\s]+/)")


def sign_in(client: Client, username: str, password: str, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def is_signed_in(client: Client) -> bool:
    """Asks the site itself: the home page is for signed-in users only."""
    return client.get("/").status_code == 200


@pytest.fixture
def teacher(users):
    return users[roles.TEACHER]


@pytest.mark.django_db
def test_anonymous_home_page_redirects_to_sign_in():
    response = Client().get("/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/"


def test_sign_in_with_the_right_password(teacher):
    client = Client()
    assert not is_signed_in(client)

    response = sign_in(client, "teacher", PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert is_signed_in(client)
    assert 'class="user-name">teacher<' in client.get("/").content.decode()


def test_sign_in_follows_next(teacher):
    client = Client()

    response = client.post(
        LOGIN, {"username": "teacher", "password": PASSWORD, "next": "/profile/"}
    )

    assert response["Location"] == "/profile/"


def test_wrong_password_shows_an_error_and_keeps_the_user_out(teacher):
    client = Client()

    response = sign_in(client, "teacher", "not the password")

    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()
    assert not is_signed_in(client)


def test_turned_off_account_cannot_sign_in(users, teacher):
    services.user_update(actor=users[roles.DISTRICT_ADMIN], user=teacher, is_active=False)
    client = Client()

    response = sign_in(client, "teacher", PASSWORD)

    assert response.status_code == 200
    assert not is_signed_in(client)


def test_lockout_after_five_failures_refuses_even_the_right_password(teacher, users):
    assert settings.AXES_FAILURE_LIMIT == 5
    client = Client()
    for _ in range(4):
        response = sign_in(client, "teacher", "guess")
        assert response.status_code == 200
        assert "Too many attempts" not in response.content.decode()

    fifth = sign_in(client, "teacher", "guess")
    assert fifth.status_code == 429
    assert "Too many attempts" in fifth.content.decode()
    assert "registration/locked_out.html" in [t.name for t in fifth.templates]

    right = sign_in(client, "teacher", PASSWORD)
    assert right.status_code == 429
    assert "Too many attempts" in right.content.decode()
    assert not is_signed_in(client)

    # Failures count per username and address together: the same address can still sign
    # in as someone else, and the same username can from another address.
    other_account = Client()
    assert sign_in(other_account, "librarian", PASSWORD).status_code == 302
    other_address = Client(REMOTE_ADDR="10.20.30.40")
    assert sign_in(other_address, "teacher", PASSWORD).status_code == 302


def test_password_change_works_and_is_audited(teacher):
    client = Client()
    sign_in(client, "teacher", PASSWORD)

    response = client.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )

    assert response.status_code == 302
    assert response["Location"] == "/profile/"
    assert is_signed_in(client), "changing the password keeps this session signed in"
    event = AuditEvent.objects.get(verb="password_changed", object_id=teacher.pk)
    assert event.actor == teacher
    assert event.interface == "web"
    assert sign_in(Client(), "teacher", PASSWORD).status_code == 200  # old one refused
    assert sign_in(Client(), "teacher", NEW_PASSWORD).status_code == 302


def test_password_change_with_a_wrong_old_password_changes_nothing(teacher):
    client = Client()
    sign_in(client, "teacher", PASSWORD)

    response = client.post(
        "/accounts/password/",
        {"old_password": "nope", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 200
    assert "Your old password was entered incorrectly" in response.content.decode()
    assert not AuditEvent.objects.filter(verb="password_changed").exists()
    assert sign_in(Client(), "teacher", PASSWORD).status_code == 302


def emailed_link(message) -> str:
    found = LINK.search(message.body)
    assert found, message.body
    return found.group(1)


def set_password_with_link(client: Client, link: str, password: str):
    """Follow an emailed link the way a browser does: the confirm view first redirects to
    a URL without the token, then shows the form there."""
    response = client.get(link)
    assert response.status_code == 302
    form_url = response["Location"]
    assert form_url.endswith("/set-password/")
    page = client.get(form_url)
    assert page.status_code == 200
    assert "Choose a new password" in page.content.decode()
    return client.post(form_url, {"new_password1": password, "new_password2": password})


def test_password_reset_by_email(teacher):
    client = Client()

    response = client.post("/accounts/password/reset/", {"email": "teacher@example.org"})

    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/sent/"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["teacher@example.org"]
    link = emailed_link(mail.outbox[0])

    saved = set_password_with_link(client, link, NEW_PASSWORD)

    assert saved.status_code == 302
    assert saved["Location"] == "/accounts/password/reset/done/"
    event = AuditEvent.objects.get(verb="password_changed", object_id=teacher.pk)
    assert event.interface == "web"
    assert sign_in(Client(), "teacher", PASSWORD).status_code == 200
    assert sign_in(Client(), "teacher", NEW_PASSWORD).status_code == 302
    # The link works once.
    again = Client().get(link, follow=True)
    assert "This link no longer works" in again.content.decode()


def test_password_reset_for_an_unknown_address_sends_nothing(teacher):
    response = Client().post("/accounts/password/reset/", {"email": "nobody@example.org"})

    assert response.status_code == 302  # same answer, so addresses cannot be probed
    assert mail.outbox == []


def test_new_account_without_a_password_can_get_a_link(sites):
    newcomer = services.user_create(
        actor=None, username="newcomer", role=roles.TEACHER, email="New@Example.org"
    )
    assert not newcomer.has_usable_password()

    Client().post("/accounts/password/reset/", {"email": "new@example.org"})

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["New@example.org"]
    set_password_with_link(Client(), emailed_link(mail.outbox[0]), NEW_PASSWORD)
    assert sign_in(Client(), "newcomer", NEW_PASSWORD).status_code == 302


def test_turned_off_account_gets_no_reset_link(users, teacher):
    services.user_update(actor=users[roles.DISTRICT_ADMIN], user=teacher, is_active=False)

    Client().post("/accounts/password/reset/", {"email": "teacher@example.org"})

    assert mail.outbox == []


def test_logout_is_post_only_and_signs_out(teacher):
    client = Client()
    sign_in(client, "teacher", PASSWORD)

    assert client.get("/accounts/logout/").status_code == 405
    assert is_signed_in(client)

    response = client.post("/accounts/logout/")

    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert not is_signed_in(client)


def test_a_new_password_from_an_emailed_link_lifts_the_lockout(teacher):
    """The lockout page offers setting a new password by email as the way back in."""
    client = Client()
    for _ in range(5):
        locked = sign_in(client, "teacher", "guess")
    assert locked.status_code == 429
    assert "/accounts/password/reset/" in locked.content.decode()

    client.post("/accounts/password/reset/", {"email": "teacher@example.org"})
    set_password_with_link(client, emailed_link(mail.outbox[0]), NEW_PASSWORD)

    assert sign_in(client, "teacher", NEW_PASSWORD).status_code == 302


def test_lockout_is_not_dodged_by_spelling_the_username_differently(teacher):
    """The form strips spaces and normalises Unicode, so the lockout must count those
    spellings as the same username."""
    client = Client()
    for spelling in ["teacher", " teacher", "teacher ", "\uff54eacher", " \uff54eacher "]:
        sign_in(client, spelling, "guess")

    assert sign_in(client, "teacher", PASSWORD).status_code == 429
