"""Today leads with each role's own work; a student's Today shows their device, a loaner's
due date, what they owe, where to get help and the articles written for them."""

import datetime
import re

import pytest
import time_machine

from homeroom.core.testing import pinned_queries
from homeroom.devices import services as device_services
from homeroom.devices.models import Device, DeviceModel, Manufacturer
from homeroom.fees import services as fee_services
from homeroom.helpdesk.models import Article, HelpdeskSettings
from homeroom.people.models import Person

NOW = datetime.datetime(2026, 12, 31, 15, 0, tzinfo=datetime.UTC)


@pytest.fixture
def student(users, sites):
    """The student account, linked to a student record, with a 1:1 Chromebook, a loaner
    two days overdue and one unpaid charge; two articles for students, one for staff."""
    user = users["Student"]
    admin = users["District admin"]
    person = Person.objects.create(
        given_name="Maya", family_name="Ortiz", kind="student", primary_site=sites[0], user=user
    )
    model = DeviceModel.objects.create(
        manufacturer=Manufacturer.objects.create(name="Acer"),
        name="Chromebook 311",
        category="chromebook",
    )
    own, loaner = (
        Device.objects.create(asset_tag=tag, serial_number=tag, model=model, site=sites[0])
        for tag in ("NES-0001", "NES-LOAN-7")
    )
    with time_machine.travel(NOW - datetime.timedelta(days=20), tick=False):
        device_services.device_check_out(actor=admin, device=own, person=person)
        device_services.device_check_out(
            actor=admin,
            device=loaner,
            person=person,
            kind="loaner",
            due_at=NOW - datetime.timedelta(days=2),
        )
    reason = fee_services.reason_create(
        actor=admin, name="Cracked screen", category="device_damage", default_amount="45.00"
    )
    fee_services.charge_create(actor=admin, person=person, reason=reason)
    for title, audience in [
        ("Connect to the school Wi-Fi", "student"),
        ("Reset your password", "student"),
        ("Project the screen in your room", "teacher"),
    ]:
        Article.objects.create(
            title=title,
            slug=title.lower().replace(" ", "-"),
            summary="Pick **Homeroom-Students** and sign in.",
            body="Steps.",
            audience=audience,
        )
    return user


def cards_in_order(page: str) -> list[str]:
    return re.findall(r'<section class="card[^"]*" aria-labelledby="([\w-]+)"', page)


@time_machine.travel(NOW, tick=False)
def test_a_students_today_shows_their_device_loaner_fees_and_help(student, client_as):
    client = client_as(student)
    client.get("/")  # the first request warms the content-type cache
    with pinned_queries(17):
        page = client.get("/").content.decode()
    assert cards_in_order(page)[:3] == [
        "my-devices-heading",
        "my-fees-card-heading",
        "student-help-heading",
    ]
    assert "Acer Chromebook 311" in page and "NES-0001" in page and "1:1" in page
    assert "NES-LOAN-7" in page and "2 days overdue" in page and "Tue 29 Dec" in page
    assert "$45.00" in page and "1 charge" in page
    assert "Connect to the school Wi-Fi" in page and "Reset your password" in page
    assert "Project the screen" not in page
    assert "Pick Homeroom-Students and sign in." in page and "**" not in page
    # The district has not let students file tickets: no Get help button, and nothing to
    # search, so no search box either.
    assert 'href="/help/"' not in page
    assert 'role="search"' not in page


def test_a_student_gets_help_when_the_district_allows_student_tickets(student, client_as):
    HelpdeskSettings.objects.create(pk=1, student_tickets=True)
    page = client_as(student).get("/").content.decode()
    assert '<a class="button" href="/help/">Get help</a>' in page
    assert 'role="search"' in page  # ticket numbers


def test_students_read_the_knowledge_base_articles_written_for_them(student, client_as):
    client = client_as(student)
    listing = client.get("/kb/")
    assert listing.status_code == 200
    text = listing.content.decode()
    assert "Reset your password" in text and "Project the screen" not in text
    assert client.get("/kb/reset-your-password/").status_code == 200
    assert client.get("/kb/project-the-screen-in-your-room/").status_code == 404


def test_a_student_without_a_device_is_told_what_to_do(users, sites, client_as):
    Person.objects.create(
        given_name="Leo",
        family_name="Park",
        kind="student",
        primary_site=sites[0],
        user=users["Student"],
    )
    page = client_as(users["Student"]).get("/").content.decode()
    assert "No device is checked out to you" in page
    assert "You owe nothing" in page


@pytest.mark.parametrize(
    ("role", "first_card"),
    [
        ("Technician", "helpdesk-card-heading"),
        ("Teacher", "requests-card-heading"),
        ("Librarian", "fees-card-heading"),
        ("District admin", "helpdesk-card-heading"),
    ],
)
def test_each_roles_today_leads_with_its_own_work(role, first_card, users, client_as):
    page = client_as(users[role]).get("/").content.decode()
    cards = cards_in_order(page)
    assert cards[0] == first_card
    assert cards[-1] == "welcome-heading"
