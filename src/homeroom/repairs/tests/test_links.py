"""Repairs and loaners started from a ticket's page and a device's page."""

import pytest

from homeroom.devices.models import Assignment
from homeroom.helpdesk.models import Ticket
from homeroom.repairs import services
from homeroom.repairs.models import Loaner, RepairOrder


@pytest.fixture
def ticket(sites, checked_out, students):
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
