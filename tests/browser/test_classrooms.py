"""Classrooms in the browser: a teacher books a cart for periods 2-3 every Tuesday, a
colleague is refused one of those Tuesdays with who holds it, and a technician on a
phone-width page completes a projector's maintenance, a failed step opening a ticket."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from homeroom.classrooms import services
from homeroom.classrooms.models import AVDetails, MaintenanceTask, Reservation, Resource
from homeroom.core import roles
from homeroom.core.calendar import calendar_for
from homeroom.core.demo import DEMO_PASSWORD
from homeroom.devices.models import Device, DeviceModel, Manufacturer
from homeroom.helpdesk.models import Ticket
from homeroom.people import services as people_services
from homeroom.people.models import Person, User

from .conftest import PHONE, check_page, log_in

pytestmark = pytest.mark.browser


def _open_tuesday(school) -> datetime.date:
    """The first Tuesday from a week ahead on which the school is open."""
    school_days = calendar_for(school)
    day = timezone.localdate() + datetime.timedelta(days=7)
    day += datetime.timedelta(days=(1 - day.weekday()) % 7)
    while not school_days.is_school_day(day):
        day += datetime.timedelta(weeks=1)
    return day


def test_a_cart_booked_every_tuesday_a_clash_refused_and_a_projector_task_done(page, demo):
    teacher = User.objects.get(username="teacher")
    school = Person.objects.get(user=teacher).primary_site
    cart = Resource.objects.get(site=school, name="Chromebook cart 2")
    tuesday = _open_tuesday(school)
    until = tuesday + datetime.timedelta(weeks=3)
    people_services.user_create(
        actor=None,
        username="teacher2",
        first_name="Sam",
        last_name="Okoro",
        role=roles.TEACHER,
        password=DEMO_PASSWORD,
        sites=[school],
    )

    log_in(page, "teacher", next="/classrooms/")
    check_page(page, "classrooms-reserve")
    page.get_by_role("link", name="Book Chromebook cart 2").click()
    check_page(page, "classrooms-book")
    page.get_by_label("Show the periods of").fill(tuesday.isoformat())
    page.get_by_role("button", name="Show").click()
    check_page(page, "classrooms-book-day")
    page.get_by_label("Period 2 ·").check()
    page.get_by_label("Period 3 ·").check()
    page.get_by_label("Every week until").fill(until.isoformat())
    page.get_by_role("button", name="Book it").click()
    expect(page.get_by_text("Chromebook cart 2 booked")).to_be_visible()
    check_page(page, "classrooms-booking")
    # The demo's own weekly bookings of the cart have their purpose; this series has none.
    booked = Reservation.objects.filter(resource=cart, holder=teacher, purpose="")
    assert booked.count() >= 1 and len({r.series for r in booked}) == 1
    assert all(r.periods == "Periods 2\N{EN DASH}3" for r in booked)
    assert {timezone.localtime(r.starts_at).weekday() for r in booked} == {1}

    page.context.clear_cookies()
    log_in(page, "teacher2", next=f"/classrooms/resources/{cart.pk}/reserve/?day={tuesday}")
    check_page(page, "classrooms-book-refused-form")
    page.get_by_label("Period 3 ·").check()
    page.get_by_role("button", name="Book it").click()
    expect(page.get_by_text("is already booked")).to_be_visible()
    expect(page.get_by_text("by Priya Natarajan")).to_be_visible()
    check_page(page, "classrooms-book-refused")
    assert not Reservation.objects.filter(holder__username="teacher2").exists()

    projector = _projector_due(school)
    page.context.clear_cookies()
    page.set_viewport_size(PHONE)
    log_in(page, "tech", next="/classrooms/maintenance/")
    check_page(page, "classrooms-maintenance")
    page.locator(".filters-fold > summary").click()  # on a phone the filters fold away
    page.get_by_label("Asset tag, room or plan").fill(projector.asset_tag)
    row = page.get_by_role("row").filter(has_text="Projector filter and sound")
    page.wait_for_url(f"**q={projector.asset_tag}**")
    expect(row).to_have_count(1)
    check_page(page, "classrooms-maintenance-filtered")
    row.get_by_role("link", name=projector.asset_tag).click()
    check_page(page, "classrooms-task")
    page.get_by_role("group", name="Test the speakers").get_by_label("Failed").check()
    page.get_by_label("Lamp hours now").fill("2140")
    page.get_by_label("Minutes spent").fill("15")
    page.get_by_role("button", name="Complete the task").click()
    expect(page.get_by_text("1 ticket opened")).to_be_visible()
    check_page(page, "classrooms-maintenance-done")
    task = MaintenanceTask.objects.get(device=projector, plan__name="Projector filter and sound")
    assert task.status == "done" and task.minutes_spent == 15
    ticket = Ticket.objects.get(pk=task.ticket_ids[0])
    assert ticket.device == projector and "Test the speakers" in ticket.subject
    assert AVDetails.objects.get(device=projector).lamp_hours == 2140


def _projector_due(school) -> Device:
    """A ceiling projector in one of the school's classrooms and its cleaning plan, due."""
    admin = User.objects.get(username="admin")
    model = DeviceModel.objects.create(
        manufacturer=Manufacturer.objects.get_or_create(name="Epson")[0],
        name="PowerLite 680 (browser test)",
        category="projector",
    )
    room = school.rooms.filter(kind="classroom").order_by("number").first()
    projector = Device.objects.create(
        asset_tag="MG-PJ-0104", serial_number="PJBROWSER1", model=model, site=school, home_room=room
    )
    services.av_update(actor=admin, device=projector, lamp_hours=2100, lamp_life=3500)
    services.plan_create(
        actor=admin,
        name="Projector filter and sound",
        site=school,
        target="model",
        device_model=model,
        every=3,
        unit="months",
        checklist=["Clean the dust filter", "Test the speakers"],
        starts_on=timezone.localdate(),
    )
    services.generate_tasks()
    return projector
