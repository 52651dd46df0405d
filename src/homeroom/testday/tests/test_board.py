"""The live board and incidents: a Chromebook locks up mid-test, the technician logs it
from the board on a phone, swaps the student to a spare (the failed device gets a ticket),
and the incident is resolved or escalated."""

import datetime
import html

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from homeroom.core import roles
from homeroom.core.models import AuditEvent
from homeroom.core.testing import pinned_queries
from homeroom.helpdesk.models import Ticket
from homeroom.testday import services
from homeroom.testday.models import DeviceSwap, Incident


def test_a_frozen_chromebook_is_logged_from_the_board_and_swapped(
    frozen, testing, users, client_as
):
    session, maya = testing["session"], testing["maya"]
    tech = client_as(users[roles.TECHNICIAN])
    board = tech.get("/testday/board/")
    assert board.status_code == 200
    assert "1 testing now" in board.text and f"Log an incident in {session.room}" in board.text
    form = tech.get(f"/testday/sessions/{session.pk}/incidents/new/")
    assert form.status_code == 200
    done = tech.post(
        f"/testday/sessions/{session.pk}/incidents/new/",
        {
            "kind": "device_froze",
            "student": maya.pk,
            "noticed": "08:55",
            "description": "Screen froze on item 12.",
            "action_taken": "Moved to a spare.",
            "swap_to": "NES-0003",
            "testing_resumed": "yes",
        },
        follow=True,
    )
    page = html.unescape(done.text)
    assert "Logged: device froze in 102. Maya Ortiz now tests on NES-0003." in page
    incident = Incident.objects.get()
    assert incident.device.asset_tag == "NES-0001" and incident.testing_resumed is True
    assert incident.noticed_at == timezone.make_aware(datetime.datetime(2027, 4, 12, 8, 55))
    swap = DeviceSwap.objects.get()
    assert (swap.from_device.asset_tag, swap.to_device.asset_tag) == ("NES-0001", "NES-0003")
    maya.refresh_from_db()
    assert maya.device.asset_tag == "NES-0003"
    # The failed device has a ticket, linked from the incident.
    ticket = Ticket.objects.get()
    assert ticket.device.asset_tag == "NES-0001" and incident.ticket_id == ticket.pk
    assert AuditEvent.objects.filter(object_id=incident.pk, verb="created").exists()
    board = tech.get("/testday/board/", headers={"HX-Request": "true"})
    assert board.text.lstrip().startswith('<div id="board"')
    assert "1 open incident" in board.text and "1 swap" in board.text


def test_an_incident_is_resolved_and_escalated(
    frozen, testing, users, client_as, coordinator, mailoutbox, django_capture_on_commit_callbacks
):
    incident = services.incident_log(
        actor=coordinator, session=testing["session"], kind="network", description="Wi-Fi down"
    )
    tech = client_as(users[roles.TECHNICIAN])
    with django_capture_on_commit_callbacks(execute=True):
        tech.post(f"/testday/incidents/{incident.pk}/escalate/")
    # The district's test coordinators hear of it: the district admin sees every site.
    [message] = mailoutbox
    assert message.to == [users[roles.DISTRICT_ADMIN].email]
    assert "Network outage at North Elementary, room 102" in message.body
    assert "Wi-Fi down" in message.body and f"/testday/incidents/{incident.pk}/" in message.body
    again = tech.post(f"/testday/incidents/{incident.pk}/escalate/", follow=True)
    assert "This incident is already escalated." in again.text
    tech.post(
        f"/testday/incidents/{incident.pk}/resolve/",
        {"action_taken": "Access point restarted.", "testing_resumed": "yes"},
    )
    incident.refresh_from_db()
    assert incident.escalated_at and incident.resolved_at and incident.testing_resumed
    assert incident.action_taken == "Access point restarted."
    page = tech.get(incident.get_absolute_url()).text
    assert "Resolved" in page and "Escalated" in page


def test_bad_incidents_and_swaps_change_nothing(frozen, testing, users, coordinator, client_as):
    session, maya, leo = testing["session"], testing["maya"], testing["leo"]
    tech = users[roles.TECHNICIAN]
    with pytest.raises(ValidationError):
        services.device_swap(actor=tech, entry=maya, scan="NES-0002")  # Leo's device
    with pytest.raises(ValidationError):
        services.device_swap(actor=tech, entry=maya, scan="NES-0001")  # the same one
    with pytest.raises(ValidationError):
        services.incident_log(
            actor=tech,
            session=session,
            kind="other",
            noticed_at=timezone.now() + datetime.timedelta(hours=1),
        )
    with pytest.raises(ValidationError):
        services.incident_log(actor=tech, session=session, kind="bogus")
    with pytest.raises(PermissionDenied):
        services.incident_log(actor=users[roles.TEACHER], session=session, kind="other")
    page = client_as(tech).post(
        f"/testday/sessions/{session.pk}/incidents/new/",
        {"kind": "device_froze", "swap_to": "NES-0003"},
    )
    assert "Choose the student to move to the spare." in page.text
    assert not Incident.objects.exists() and not DeviceSwap.objects.exists()
    maya.refresh_from_db()
    leo.refresh_from_db()
    assert (maya.device.asset_tag, leo.device.asset_tag) == ("NES-0001", "NES-0002")
    # A teacher who does not run the session cannot open its incident form.
    assert (
        client_as(users[roles.TEACHER])
        .get(f"/testday/sessions/{session.pk}/incidents/new/")
        .status_code
        == 404
    )


def test_the_board_reads_on_a_phone_and_costs_the_same(
    frozen, testing, make_session, users, client_as, coordinator
):
    client = client_as(users[roles.TECHNICIAN])
    client.get("/testday/board/")
    with pinned_queries(7) as first:
        client.get("/testday/board/", headers={"HX-Request": "true"})
    for n in range(3):
        session = make_session(title=f"More {n}")
        services.incident_log(actor=coordinator, session=session, kind="power")
    with pinned_queries(len(first.captured_queries)):
        page = client.get("/testday/board/", headers={"HX-Request": "true"})
    assert page.text.count("Log an incident in") == 4
    # Tomorrow's sessions are not on today's board.
    assert "every 20s" in client.get("/testday/board/").text
