"""Training in the browser: a teacher takes the last seat of an AI-literacy session and a
colleague is waitlisted, the presenter scans the teacher's badge at the door and the
teacher downloads the certificate; a teacher asks for help in class and the coach accepts,
schedules (the teacher gets the mail) and logs the visit."""

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from homeroom.core import roles
from homeroom.core.demo import DEMO_PASSWORD
from homeroom.people import services as people_services
from homeroom.people.models import Person, User
from homeroom.training import services
from homeroom.training.models import CoachingRequest, SignUp

from .conftest import check_page, log_in

pytestmark = pytest.mark.browser


def _colleague(school) -> User:
    """A second teacher at the demo teacher's school with an account and a staff record."""
    account = people_services.user_create(
        actor=None,
        username="teacher2",
        first_name="Sam",
        last_name="Okoro",
        role=roles.TEACHER,
        password=DEMO_PASSWORD,
        sites=[school],
        email="sam.okoro@riverside.example.org",
    )
    Person.objects.create(
        kind="teacher",
        given_name="Sam",
        family_name="Okoro",
        primary_site=school,
        identifier="T-OKORO",
        user=account,
    )
    return account


def _switch(page, username: str, next: str) -> None:
    page.context.clear_cookies()
    log_in(page, username, next=next)


def test_last_seat_waitlist_badge_scan_and_certificate(page, demo):
    teacher = Person.objects.get(user__username="teacher")
    if not teacher.identifier:
        teacher.identifier = "T-NATARAJAN"
        teacher.save(update_fields=["identifier"])
    school = teacher.primary_site
    tech = User.objects.get(username="tech")
    _colleague(school)
    starts = timezone.now() + datetime.timedelta(minutes=30)
    session = services.session_create(
        actor=tech,
        title="AI literacy: your first prompts",
        topic="ai_literacy",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=1, minutes=30),
        capacity=2,
        credit_hours=Decimal("1.50"),
        presenter=tech,
        room=school.rooms.filter(kind="library").first(),
    )
    other = Person.objects.filter(primary_site=school, kind="teacher", user=None).first()
    services.signup_create(actor=tech, session=session, person=other)
    url = f"/training/sessions/{session.pk}/"

    log_in(page, "teacher", next="/training/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Training sessions")
    check_page(page, "training-catalog")
    page.get_by_role("link", name="AI literacy: your first prompts").click()
    expect(page.locator(".facts")).to_contain_text("2 seats, 1 taken")
    check_page(page, "training-session")
    page.get_by_role("button", name="Sign up").click()
    expect(page.locator(".flash")).to_contain_text("You have a seat")
    expect(page.get_by_text("You have a seat", exact=True)).to_be_visible()
    check_page(page, "training-session-seat")

    _switch(page, "teacher2", url)
    check_page(page, "training-session-full")
    page.get_by_role("button", name="Join the waitlist").click()
    expect(page.locator(".flash")).to_contain_text("number 1 on the waitlist")
    check_page(page, "training-session-waitlisted")
    statuses = dict(SignUp.objects.filter(session=session).values_list("person__pk", "status"))
    assert statuses[teacher.pk] == "confirmed" and list(statuses.values()).count("waitlisted") == 1

    _switch(page, "tech", url)
    check_page(page, "training-session-presenter")
    expect(page.get_by_role("heading", name="Signed up (2 of 2)")).to_be_visible()
    page.get_by_role("link", name="Take attendance").click()
    check_page(page, "training-attendance")
    scan = page.get_by_label("Staff badge")
    scan.fill(teacher.identifier)
    scan.press("Enter")
    expect(page.locator(".scan-result")).to_contain_text(f"{teacher} is here")
    expect(scan).to_be_focused()
    check_page(page, "training-attendance-scanned")

    _switch(page, "teacher", url)
    check_page(page, "training-session-attended")
    link = page.get_by_role("link", name="Download the certificate")
    certificate = page.request.get(link.get_attribute("href"))
    assert certificate.ok and certificate.headers["content-type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(certificate.body())).pages)
    assert str(teacher) in text and "AI literacy: your first prompts" in text and "1.5" in text
    page.goto("/training/mine/")
    expect(page.get_by_role("heading", name="Hours by school year")).to_be_visible()
    check_page(page, "training-mine")


def test_a_teacher_asks_for_help_and_the_coach_schedules_and_logs_it(page, demo, smtp_server):
    teacher = Person.objects.get(user__username="teacher")
    teacher.email = "priya.natarajan@riverside.example.org"
    teacher.save(update_fields=["email"])
    room = teacher.primary_site.rooms.filter(kind="classroom").order_by("number").first()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    log_in(page, "teacher", next="/training/coaching/")
    check_page(page, "coaching-mine")
    page.get_by_role("link", name="Ask for help in class").first.click()
    check_page(page, "coaching-ask")
    page.get_by_label("Tool or app").fill("Flipgrid")
    page.get_by_label("Room").select_option(label=f"{room.site.name}, {room}")
    page.get_by_label("Date").fill(tomorrow.isoformat())
    page.get_by_label("Time").fill("10:15")
    page.get_by_label("What would help?").fill("First lesson with Flipgrid in period 3.")
    page.get_by_role("button", name="Send the request").click()
    expect(page.locator(".flash")).to_contain_text("A coach will accept it")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Asked for")
    check_page(page, "coaching-asked")
    coaching = CoachingRequest.objects.filter(teacher=teacher).latest("pk")
    assert coaching.tool_name == "Flipgrid" and coaching.status == "requested"

    _switch(page, "tech", "/training/coaching/")
    check_page(page, "coaching-queue")
    page.locator(f'a[href="{coaching.get_absolute_url()}"]').click()
    check_page(page, "coaching-request")
    page.get_by_role("button", name="Accept: I will coach this").click()
    expect(page.locator(".flash")).to_contain_text("you are the coach")
    check_page(page, "coaching-accepted")
    page.get_by_role("link", name="Schedule the visit").click()
    check_page(page, "coaching-schedule")
    page.get_by_label("Date").fill(tomorrow.isoformat())
    page.get_by_label("Time").fill("10:15")
    page.get_by_role("button", name="Schedule it").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Visit scheduled")
    check_page(page, "coaching-scheduled")
    [mail] = smtp_server.to(teacher.email)
    assert mail["Subject"].startswith("Coaching visit scheduled: Flipgrid")

    page.get_by_role("link", name="Log the visit").click()
    check_page(page, "coaching-log")
    page.get_by_label("Goal").fill("Students post a first video")
    page.get_by_label("Side-by-side").check()
    page.get_by_label("What was done").fill("Set up the topic together, stayed for the lesson.")
    page.get_by_label("Next step").fill("Moderate the comments")
    page.get_by_role("button", name="Save the log").click()
    expect(page.locator(".flash")).to_contain_text("Logged the visit")
    expect(page.get_by_role("heading", level=1)).to_contain_text(re.compile("Visited"))
    check_page(page, "coaching-logged")
    coaching.refresh_from_db()
    assert coaching.status == "completed" and coaching.logs.get().next_step

    _switch(page, "teacher", f"/people/{teacher.pk}/")
    section = page.locator("section", has=page.get_by_role("heading", name="Help in class"))
    expect(section).to_contain_text("Flipgrid")
    check_page(page, "person-help-in-class")
