"""Repairs and loaners started from a ticket's page and a device's page."""

import pytest
from django.core.exceptions import ValidationError

from homeroom.core import roles
from homeroom.core.models import AuditEvent
from homeroom.devices.models import Assignment
from homeroom.helpdesk import services as helpdesk_services
from homeroom.helpdesk.models import Ticket
from homeroom.repairs import services
from homeroom.repairs.models import Loaner, RepairOrder
from homeroom.repairs.tests.conftest import make_device


@pytest.fixture
def ticket(school_monday, sites, checked_out, students):
    return Ticket.objects.create(
        site=sites[0],
        subject="Screen cracked in the backpack",
        device=checked_out,
        affected_person=students[0],
    )


def test_a_repair_and_a_loaner_from_a_ticket(ticket, loaners, students, tech, client_as):
    client = client_as(tech)
    page = client.get(ticket.get_absolute_url()).content.decode()
    assert f"/repairs/new/?ticket={ticket.pk}" in page and "Give a loaner" in page

    form = client.get(f"/repairs/new/?ticket={ticket.pk}")
    assert form.context["form"].initial["scan"] == "NES-0001"
    assert "From ticket" in form.content.decode()
    client.post(
        f"/repairs/new/?ticket={ticket.pk}",
        {"scan": "NES-0001", "problem": ticket.subject, "kind": "in_house", "ticket": ticket.pk},
    )
    repair = RepairOrder.objects.get()
    assert repair.ticket == ticket and repair.person == students[0]

    given = client.post(f"/repairs/tickets/{ticket.pk}/loaner/", follow=True).content.decode()
    assert "✓ Loaner LOAN-1 checked out to Student1 Test" in given
    loaner = Loaner.objects.get()
    assert loaner.ticket == ticket and loaner.repair == repair
    again = client.post(f"/repairs/tickets/{ticket.pk}/loaner/", follow=True).content.decode()
    assert "already has a loaner out: LOAN-1" in again
    assert Assignment.objects.filter(kind="loaner").count() == 1


def test_a_ticket_loaner_without_a_repair_or_a_free_device(ticket, tech, client_as):
    client = client_as(tech)
    none_free = client.post(f"/repairs/tickets/{ticket.pk}/loaner/", follow=True)
    assert "No loaner is free at North Elementary" in none_free.content.decode()
    Ticket.objects.filter(pk=ticket.pk).update(affected_person=None)
    nobody = client.post(f"/repairs/tickets/{ticket.pk}/loaner/", follow=True)
    assert "The ticket names no student" in nobody.content.decode()
    assert not Loaner.objects.exists()


def test_the_device_page_opens_a_repair_or_shows_the_open_one(devices, tech, client_as):
    client = client_as(tech)
    page = client.get(devices[0].get_absolute_url()).content.decode()
    assert f"/repairs/new/?device={devices[0].pk}" in page
    repair = services.repair_open(actor=tech, device=devices[0], problem="Screen")
    page = client.get(devices[0].get_absolute_url()).content.decode()
    assert f"{repair.number}: open" in page and "/repairs/new/?device=" not in page


def test_the_persons_page_lists_their_repairs_and_loaner(checked_out, loaners, tech, client_as):
    repair = services.repair_open(actor=tech, device=checked_out, problem="Cracked screen")
    services.loaner_issue(actor=tech, person=None, repair=repair)
    page = client_as(tech).get(repair.person.get_absolute_url()).content.decode()
    assert f"{repair.number}</a> · NES-0001 · Cracked screen" in page
    assert "loaner LOAN-1 due" in page


def test_a_repair_from_a_ticket_takes_the_ticket_and_each_page_shows_the_other(
    ticket, loaners, tech, client_as
):
    client = client_as(tech)
    assert (ticket.status, ticket.assignee) == ("new", None)
    client.post(
        f"/repairs/new/?ticket={ticket.pk}",
        {"scan": "NES-0001", "problem": ticket.subject, "kind": "in_house", "ticket": ticket.pk},
    )
    repair = RepairOrder.objects.get()
    ticket.refresh_from_db()
    assert (ticket.status, ticket.assignee) == ("in_progress", tech)

    ticket_page = client.get(ticket.get_absolute_url()).content.decode()
    assert f'href="{repair.get_absolute_url()}">{repair.number}: open</a>' in ticket_page
    assert f"/repairs/new/?ticket={ticket.pk}" not in ticket_page
    repair_page = client.get(repair.get_absolute_url()).content.decode()
    assert f'href="{ticket.get_absolute_url()}">{ticket}</a>' in repair_page

    # The loaner given from the ticket shows there too, and a second one is not offered.
    client.post(f"/repairs/tickets/{ticket.pk}/loaner/")
    ticket_page = client.get(ticket.get_absolute_url()).content.decode()
    assert "Loaner LOAN-1, due back" in ticket_page and "Give a loaner" not in ticket_page


def test_a_repair_leaves_a_ticket_someone_else_has_with_them(
    ticket, tech, make_user, sites, client_as
):
    colleague = make_user("tech2", roles.TECHNICIAN, sites=[sites[0]])
    helpdesk_services.ticket_assign(actor=tech, ticket=ticket, assignee=colleague)
    helpdesk_services.ticket_set_status(actor=tech, ticket=ticket, status="triaged")
    services.repair_open(actor=tech, device=ticket.device, problem="Screen", ticket=ticket)
    ticket.refresh_from_db()
    assert (ticket.status, ticket.assignee) == ("in_progress", colleague)
    events = AuditEvent.objects.filter(content_type__model="ticket", object_id=ticket.pk)
    assert events.filter(message__startswith="R-").exists()


def test_a_repair_cannot_name_a_ticket_of_another_school(ticket, sites, users, chromebook_model):
    admin = users[roles.DISTRICT_ADMIN]
    elsewhere = make_device(sites[1], chromebook_model, "SHS-0001")
    with pytest.raises(ValidationError, match="is at North Elementary; SHS-0001 is at South"):
        services.repair_open(actor=admin, device=elsewhere, problem="Screen", ticket=ticket)
    assert not RepairOrder.objects.exists()


def test_a_repair_opened_through_the_api_from_a_ticket_is_for_the_tickets_student(
    school_monday, sites, devices, students, tech, api_client_as
):
    ticket = Ticket.objects.create(
        site=sites[0], subject="Hinge broke", device=devices[1], affected_person=students[2]
    )
    response = api_client_as(tech).post(
        "/api/v1/repairs",
        {"device_id": devices[1].pk, "problem": "Hinge", "ticket_id": ticket.pk},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert RepairOrder.objects.get().person == students[2]
    ticket.refresh_from_db()
    assert (ticket.status, ticket.assignee) == ("in_progress", tech)
