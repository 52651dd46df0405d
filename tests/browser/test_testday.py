"""Test day in the browser: the coordinator schedules a session for a class in a lab, binds
devices by scanning, sees one not ready and why, and opens its ticket; on the test day the
technician logs an incident from the board on a phone-width page, swaps the device, and the
irregularity report opens with the incident's fields."""

import io

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from homeroom.core import roles
from homeroom.core.demo import DEMO_PASSWORD
from homeroom.core.models import Room
from homeroom.devices.models import Device
from homeroom.helpdesk.models import Ticket
from homeroom.people import services as people_services
from homeroom.people.models import SchoolClass, User
from homeroom.testday import selectors
from homeroom.testday.models import DeviceSwap, Incident, TestingWindow

from .conftest import PHONE, check_page, log_in

pytestmark = pytest.mark.browser


def _account(username: str, role: str, school) -> None:
    people_services.user_create(
        actor=None,
        username=username,
        first_name=username.title(),
        last_name="Tester",
        role=role,
        password=DEMO_PASSWORD,
        sites=[school],
        email=f"{username}@riverside.example.org",
    )


def test_a_session_bound_by_scanning_then_an_incident_from_the_board(page, demo):
    today = timezone.localdate()
    window = TestingWindow.objects.get(starts_on__lte=today, ends_on__gte=today)
    school = window.sites.order_by("name").first()
    lab = Room.objects.filter(site=school, kind="lab").order_by("number").first()
    school_class = SchoolClass.objects.filter(site=school, enrollments__role="student").first()
    _account("coord", roles.TEST_COORDINATOR, school)
    _account("techie", roles.TECHNICIAN, school)
    admin = User.objects.get(username="admin")
    ready = [
        device
        for device, verdict in selectors.device_verdicts(admin, window, timezone.now(), site=school)
        if verdict.state == "ready" and device["model__category"] == "chromebook"
    ]
    good, old, spare = (Device.objects.get(pk=device["pk"]) for device in ready[-3:])
    Device.objects.filter(pk=old.pk).update(os_version="110.0.5481.1")

    log_in(page, "coord", next=f"/testday/sessions/new/?window={window.pk}")
    check_page(page, "testday-session-new")
    page.get_by_label("Title").fill("Grade 4 ELA, lab")
    page.get_by_label("Date").fill(today.isoformat())
    page.get_by_label("Starts at").fill("13:00")
    page.get_by_label("Ends at").fill("15:00")
    page.get_by_label("Room").select_option(label=f"{school.name}, {lab}")
    page.get_by_label("Test administrators").select_option(
        label=str(User.objects.get(username="coord"))
    )
    page.get_by_role("button", name="Schedule it").click()
    expect(page.locator(".flash")).to_contain_text("Add its students next")
    check_page(page, "testday-session-scheduled")
    page.get_by_label("A class").select_option(label=str(school_class))
    page.get_by_role("button", name="Add them").click()
    expect(page.locator(".flash")).to_contain_text("Added")
    check_page(page, "testday-session-students")

    scans = page.get_by_placeholder("Scan a device")
    scans.nth(0).fill(good.asset_tag)
    scans.nth(0).press("Enter")
    expect(page.locator(".flash")).to_contain_text("Ready.")
    check_page(page, "testday-session-bound")
    scans = page.get_by_placeholder("Scan a device")
    scans.nth(1).fill(old.serial_number)
    scans.nth(1).press("Enter")
    expect(page.locator(".flash")).to_contain_text("Not ready: ChromeOS 110 is too old")
    check_page(page, "testday-session-not-ready")

    page.goto(f"/testday/windows/{window.pk}/readiness/?site={school.pk}")
    expect(page.get_by_text("ChromeOS 110 is too old").first).to_be_visible()
    check_page(page, "testday-readiness")
    page.get_by_role("button", name="Open tickets for what a technician must fix").click()
    expect(page.locator(".flash")).to_contain_text("Opened")
    check_page(page, "testday-readiness-tickets")
    assert Ticket.objects.filter(device=old).exists()

    page.context.clear_cookies()
    page.set_viewport_size(PHONE)
    log_in(page, "techie", next="/testday/board/")
    check_page(page, "testday-board-phone")
    card = page.locator("li.card", has_text="Grade 4 ELA, lab")
    card.get_by_role("link", name=f"Log an incident in {lab}").click()
    check_page(page, "testday-incident-new")
    student = (
        selectors.roster(selectors.sessions_for(admin).get(title="Grade 4 ELA, lab"))
        .exclude(device=None)
        .first()
    )
    page.get_by_label("What happened").select_option("device_froze")
    page.get_by_label("Student").select_option(value=str(student.pk))
    page.get_by_label("Description").fill("The screen froze on item 7.")
    page.get_by_label("Swap to a spare").fill(spare.asset_tag)
    page.get_by_role("button", name="Log it").click()
    expect(page.locator(".flash")).to_contain_text(f"now tests on {spare.asset_tag}")
    check_page(page, "testday-incident")
    incident = Incident.objects.get(description="The screen froze on item 7.")
    assert DeviceSwap.objects.filter(incident=incident, to_device=spare).exists()

    link = page.get_by_role("link", name="Irregularity report (PDF)")
    report = page.request.get(link.get_attribute("href"))
    assert report.ok and report.headers["content-type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(report.body())).pages)
    text = " ".join(text.split())
    assert "Testing irregularity report" in text and "Device froze" in text
    assert "The screen froze on item 7." in text and school.name in text
