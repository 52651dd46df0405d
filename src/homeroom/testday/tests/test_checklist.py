"""The pre-test checklist of a session, and the one click that opens help-desk tickets for
the devices a technician must fix before a window."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from homeroom.core import roles
from homeroom.helpdesk.models import Ticket
from homeroom.testday import services
from homeroom.testday.models import SessionCheck


def test_the_checklist_is_ticked_with_who_and_when(
    frozen, make_session, users, client_as, coordinator
):
    session = make_session(proctors=[users[roles.TECHNICIAN]])
    tech = client_as(users[roles.TECHNICIAN])
    url = f"/testday/sessions/{session.pk}/check/"
    tech.post(url, {"item": "charged"})
    tech.post(url, {"item": "spares"})
    tech.post(url, {"item": "spares", "done": "0"})  # untick: the spares went elsewhere
    [check] = SessionCheck.objects.all()
    assert check.item == "charged" and check.done_by == users[roles.TECHNICIAN]
    page = tech.get(session.get_absolute_url()).text
    assert "✓ Done</span> Devices charged" in page and "To do</span> Spares in the room" in page
    refused = tech.post(url, {"item": "coffee"}, follow=True)
    assert "Not an item of the checklist." in refused.text
    with pytest.raises(PermissionDenied):
        services.check_tick(actor=users[roles.TEACHER], session=session, item="seating")
    assert SessionCheck.objects.count() == 1


def test_one_click_opens_a_ticket_per_device_a_technician_must_fix(
    frozen, fleet, testing_ou, make_window, coordinator, users, client_as, sites
):
    window = make_window()
    fleet()  # ready
    old_os = fleet(os_version="110.0")
    fleet(org_unit_path="/Students/Grade4")  # an org-unit move, done in bulk: no ticket
    expired = fleet(model=fleet.models["old"])
    fleet(status="in_repair")  # already has its repair
    client = client_as(coordinator)
    url = f"/testday/windows/{window.pk}/tickets/"
    page = client.get(f"/testday/windows/{window.pk}/readiness/")
    assert "Open tickets for what a technician must fix" in page.text
    done = client.post(url, {"site": sites[0].pk}, follow=True)
    assert "Opened 2 tickets for North Elementary." in done.text
    assert {t.device for t in Ticket.objects.all()} == {old_os, expired}
    assert "ChromeOS 110 is too old" in Ticket.objects.get(device=old_os).description
    again = client.post(url, {"site": sites[0].pk}, follow=True)
    assert "No device needs a new ticket." in again.text and Ticket.objects.count() == 2
    bad = client.post(url, {"site": sites[1].pk}, follow=True)
    assert "Choose one of the window&#x27;s schools." in bad.text
    with pytest.raises(PermissionDenied):
        services.readiness_tickets(actor=coordinator, window=window, site=sites[1])
    with pytest.raises(ValidationError):  # the district admin works there; it does not test
        services.readiness_tickets(actor=users[roles.DISTRICT_ADMIN], window=window, site=sites[1])
    assert client_as(users[roles.STUDENT]).post(url, {"site": sites[0].pk}).status_code == 403
