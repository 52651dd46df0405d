import datetime
import email
import email.policy
import socket
from decimal import Decimal

import pytest
from django.utils import timezone

from homeroom.core import roles
from homeroom.people.models import Person
from homeroom.training import services

# Sessions in these tests are dated from this moment; the clock is frozen there.
NOW = datetime.datetime(2026, 10, 5, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)
    return NOW


@pytest.fixture
def tech(users):
    return users[roles.TECHNICIAN]


@pytest.fixture
def teacher(users):
    return users[roles.TEACHER]


@pytest.fixture
def staff(sites, users):
    """Staff records: the teacher's and the librarian's (linked to their accounts) and three
    more teachers without accounts, each with a badge number."""
    people = {}
    for key, user in (("teacher", users[roles.TEACHER]), ("librarian", users[roles.LIBRARIAN])):
        people[key] = Person.objects.create(
            kind="teacher" if key == "teacher" else "staff",
            given_name=key.title(),
            family_name="Staff",
            email=f"{key}.person@example.org",
            identifier=f"S-{key}",
            primary_site=sites[0],
            user=user,
        )
    for n in range(1, 4):
        people[f"t{n}"] = Person.objects.create(
            kind="teacher",
            given_name=f"Teacher{n}",
            family_name="Other",
            email=f"t{n}@example.org",
            identifier=f"S-{n}",
            primary_site=sites[0],
        )
    return people


@pytest.fixture
def make_session(sites, tech):
    def make(**fields):
        actor = fields.pop("actor", tech)
        starts = fields.pop("starts_at", timezone.now() + datetime.timedelta(days=2))
        values = {
            "title": "AI literacy: a first look",
            "topic": "ai_literacy",
            "starts_at": starts,
            "ends_at": starts + datetime.timedelta(hours=2),
            "capacity": 2,
            "credit_hours": Decimal("2.00"),
            "presenter": tech,
            "room": sites[0].rooms.get(number="101"),
            **fields,
        }
        return services.session_create(actor=actor, **values)

    return make


class Mailbox:
    """What a real SMTP server received, each message parsed."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((envelope.rcpt_tos, message))
        return "250 Message accepted"

    def to(self, address: str) -> list:
        return [message for rcpt, message in self.messages if address in rcpt]


@pytest.fixture
def mailbox(settings):
    """A real SMTP server (aiosmtpd) on a free port, behind Django's SMTP backend."""
    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS, settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD = False, "", ""
    try:
        yield box
    finally:
        controller.stop()
