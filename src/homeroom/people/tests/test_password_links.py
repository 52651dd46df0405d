"""Password-reset mails: their link comes from HOMEROOM_SITE_URL, and an address or a
client can ask for only a few an hour, with one answer whether or not an account exists."""

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone

from homeroom.core import roles

RESET = "/accounts/password/reset/"
TOO_MANY = "Too many links were asked for this address or from this network"


@pytest.fixture
def teacher(users):
    return users[roles.TEACHER]


def ask(email: str, address: str = "10.1.1.1", **extra):
    return Client(REMOTE_ADDR=address, **extra).post(RESET, {"email": email})


def test_the_link_uses_the_site_url_whatever_host_the_request_names(teacher, settings):
    settings.SITE_URL = "https://homeroom.district.example"
    settings.ALLOWED_HOSTS = ["homeroom.district.example", "evil.example"]

    response = ask("teacher@example.org", HTTP_HOST="evil.example")

    assert response.status_code == 302
    [message] = mail.outbox
    assert "https://homeroom.district.example/accounts/password/reset/" in message.body
    assert "evil.example" not in message.body


def test_an_admins_invitation_uses_the_site_url_too(users, client_as, settings):
    settings.SITE_URL = "https://homeroom.district.example"
    settings.ALLOWED_HOSTS = ["evil.example"]
    admin = client_as(users[roles.DISTRICT_ADMIN])
    teacher = users[roles.TEACHER]

    admin.post(f"/users/{teacher.pk}/password-link/", HTTP_HOST="evil.example")

    [message] = mail.outbox
    assert "https://homeroom.district.example/accounts/password/reset/" in message.body
    assert "evil.example" not in message.body


def test_an_address_gets_three_mails_an_hour(teacher):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for n in range(3):
            assert ask("teacher@example.org", f"10.1.1.{n}").status_code == 302
        refused = ask("Teacher@Example.org", "10.1.1.9")

        assert refused.status_code == 429
        assert TOO_MANY in refused.content.decode()
        assert len(mail.outbox) == 3

        clock.shift(3601)
        assert ask("teacher@example.org").status_code == 302
        assert len(mail.outbox) == 4


def test_the_limit_answers_alike_for_an_address_without_an_account(teacher):
    for _ in range(3):
        assert ask("nobody@example.org").status_code == 302
    refused = ask("nobody@example.org")

    assert refused.status_code == 429
    assert TOO_MANY in refused.content.decode()
    assert mail.outbox == []


def test_one_client_cannot_mail_everyone(teacher, settings):
    settings.PASSWORD_LINKS_PER_CLIENT = 5
    for n in range(5):
        assert ask(f"someone{n}@example.org", "10.9.9.9").status_code == 302

    assert ask("teacher@example.org", "10.9.9.9").status_code == 429
    assert mail.outbox == []
    assert ask("teacher@example.org", "10.9.9.10").status_code == 302, "others still can"
    assert len(mail.outbox) == 1


def test_behind_the_proxy_the_client_is_the_address_the_proxy_saw(teacher, settings):
    settings.BEHIND_PROXY = True
    settings.PASSWORD_LINKS_PER_CLIENT = 2
    proxy = "127.0.0.1"
    for n in range(2):
        sent = ask(f"someone{n}@example.org", proxy, HTTP_X_FORWARDED_FOR="1.2.3.4, 10.0.0.5")
        assert sent.status_code == 302

    assert ask("x@example.org", proxy, HTTP_X_FORWARDED_FOR="10.0.0.5").status_code == 429
    assert ask("x@example.org", proxy, HTTP_X_FORWARDED_FOR="10.0.0.6").status_code == 302
