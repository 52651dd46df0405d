"""The technician's queue: views, filters, due-time order, bulk changes, pinned query
counts; the ticket page with the device's and person's history; Today cards; sections on
the person and device pages."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from homeroom.core import roles
from homeroom.core.testing import pinned_queries
from homeroom.helpdesk import services
from homeroom.helpdesk.models import Ticket


@pytest.fixture
def queue(file_ticket, tech, users, make_user, sites):
    """Five tickets at the technician's site and one at the other site."""
    other_tech = make_user("tech2", roles.TECHNICIAN, sites=[sites[0]])
    tickets = {
        "mine": file_ticket(subject="Mine", assignee=None),
        "theirs": file_ticket(subject="Theirs"),
        "open": file_ticket(subject="Nobody's", impact=1, urgency=1),
        "done": file_ticket(subject="Done"),
        "waiting": file_ticket(subject="Waiting"),
        "south": file_ticket(actor=users[roles.DISTRICT_ADMIN], subject="South", site=sites[1]),
    }
    services.ticket_assign(actor=tech, ticket=tickets["mine"], assignee=tech)
    services.ticket_assign(actor=tech, ticket=tickets["theirs"], assignee=other_tech)
    services.ticket_set_status(actor=tech, ticket=tickets["done"], status="resolved")
    services.ticket_set_status(actor=tech, ticket=tickets["waiting"], status="waiting_on_requester")
    return tickets


def subjects(response) -> list[str]:
    return [ticket.subject for ticket in response.context["page"].object_list]


def test_queue_views(queue, tech, client_as):
    client = client_as(tech)
    assert sorted(subjects(client.get("/helpdesk/"))) == ["Mine", "Nobody's", "Theirs", "Waiting"]
    assert subjects(client.get("/helpdesk/?view=mine")) == ["Mine"]
    assert sorted(subjects(client.get("/helpdesk/?view=unassigned"))) == ["Nobody's", "Waiting"]
    assert "Done" in subjects(client.get("/helpdesk/?view=all"))
    assert "South" not in subjects(client.get("/helpdesk/?view=all"))


def test_breaching_soon_and_due_order(queue, tech, client_as):
    Ticket.objects.filter(pk=queue["theirs"].pk).update(
        resolution_due_at=timezone.now() - datetime.timedelta(minutes=5)
    )
    Ticket.objects.filter(pk=queue["mine"].pk).update(
        resolution_due_at=timezone.now() + datetime.timedelta(hours=1)
    )
    Ticket.objects.filter(pk=queue["open"].pk).update(
        resolution_due_at=timezone.now() + datetime.timedelta(days=3)
    )
    client = client_as(tech)
    response = client.get("/helpdesk/?view=breaching")
    assert subjects(response) == ["Mine"]
    assert "Due soon" in response.content.decode()
    response = client.get("/helpdesk/?view=breached")
    assert subjects(response) == ["Theirs"]
    assert "Overdue" in response.content.decode()
    # Due order: soonest first, the paused ticket (no due time) last.
    assert subjects(client.get("/helpdesk/?sort=due")) == ["Theirs", "Mine", "Nobody's", "Waiting"]


def test_queue_filters(queue, tech, client_as):
    client = client_as(tech)
    assert subjects(client.get("/helpdesk/?priority=1")) == ["Nobody's"]
    assert subjects(client.get("/helpdesk/?status=waiting_on_requester")) == ["Waiting"]
    assert subjects(client.get(f"/helpdesk/?q=%23{queue['mine'].pk}")) == ["Mine"]
    response = client.get("/helpdesk/?priority=urgent")
    assert response.status_code == 200
    assert "Ignored the filter “priority”" in response.content.decode()


def test_queue_query_count_does_not_grow_with_tickets(queue, tech, client_as, file_ticket):
    client = client_as(tech)
    client.get("/helpdesk/")
    with pinned_queries(12) as few:
        client.get("/helpdesk/")
    for n in range(10):
        services.comment_add(actor=tech, ticket=file_ticket(subject=f"More {n}"), body="On it")
    with pinned_queries(len(few.captured_queries)):
        response = client.get("/helpdesk/")
    assert len(response.context["page"].object_list) == 14


def test_bulk_assign_and_status_name_the_tickets_that_cannot_change(queue, tech, client_as):
    client = client_as(tech)
    ticked = [queue["open"].pk, queue["done"].pk, queue["south"].pk]
    response = client.post(
        "/helpdesk/bulk/",
        {"ticket": ticked, "assignee": tech.pk, "status": "in_progress"},
        follow=True,
    )
    page = response.content.decode()
    assert "Changed 1 ticket." in page
    assert f"#{queue['done'].pk}: Ticket #{queue['done'].pk} is resolved." in page
    opened = Ticket.objects.get(pk=queue["open"].pk)
    assert (opened.assignee, opened.status) == (tech, "in_progress")
    assert Ticket.objects.get(pk=queue["south"].pk).assignee is None


def test_bulk_needs_a_choice(queue, tech, client_as):
    response = client_as(tech).post("/helpdesk/bulk/", {"ticket": [queue["open"].pk]}, follow=True)
    assert "Choose someone to assign to" in response.content.decode()


def test_ticket_page_shows_history_beside_it(
    file_ticket, tech, teacher, chromebook, student_person, client_as
):
    # The technician files for the teacher: a teacher names only students they teach.
    about = {"device": chromebook, "affected_person": student_person}
    about |= {"actor": tech, "requester": teacher}
    earlier = file_ticket(subject="Keyboard sticks", **about)
    services.comment_add(actor=tech, ticket=earlier, body="Replaced keys", is_internal=True)
    ticket = file_ticket(subject="Cracked screen", **about)
    page = client_as(tech).get(f"/tickets/{ticket.pk}/").content.decode()
    assert "NES-0001: history" in page
    assert "Keyboard sticks" in page
    assert "Maya Ortiz: other tickets" in page
    teacher_page = client_as(teacher).get(f"/tickets/{earlier.pk}/").content.decode()
    assert "Replaced keys" not in teacher_page
    assert "NES-0001: history" not in teacher_page


def test_today_cards(queue, tech, teacher, client_as):
    tech_today = client_as(tech).get("/").content.decode()
    assert "1 open assigned to you" in tech_today
    assert "2 unassigned" in tech_today
    assert "Overdue tickets" not in tech_today
    teacher_today = client_as(teacher).get("/").content.decode()
    assert "My tickets" in teacher_today
    assert "Waiting" in teacher_today


def test_today_keeps_breaching_soon_apart_from_the_breached(queue, tech, client_as):
    now = timezone.now()
    soon = now + datetime.timedelta(hours=1)
    # Due in an hour; due in an hour but its first reply is late; an hour late; flagged
    # late by the sweep although its due time moved on.
    Ticket.objects.filter(pk=queue["mine"].pk).update(resolution_due_at=soon)
    Ticket.objects.filter(pk=queue["theirs"].pk).update(
        resolution_due_at=soon, response_due_at=now - datetime.timedelta(minutes=1)
    )
    Ticket.objects.filter(pk=queue["open"].pk).update(
        resolution_due_at=now - datetime.timedelta(hours=1)
    )
    Ticket.objects.filter(pk=queue["south"].pk).update(resolution_breached=True)
    waiting = Ticket.objects.get(pk=queue["waiting"].pk)
    Ticket.objects.filter(pk=waiting.pk).update(resolution_breached=True)
    response = client_as(tech).get("/")
    cards = dict(response.context["cards"])
    queue_card = cards["helpdesk/cards/queue.html"]
    assert [t.subject for t in queue_card["breaching"]] == ["Mine"]
    assert queue_card["breaching_count"] == 1
    late = cards["helpdesk/cards/breached.html"]
    assert [t.subject for t in late["tickets"]] == ["Nobody's", "Theirs", "Waiting"]
    assert late["count"] == 3
    page = response.content.decode()
    assert "1 breaching soon" in page and "Overdue tickets" in page


def test_person_and_device_pages_list_their_tickets(
    file_ticket, tech, chromebook, student_person, client_as
):
    file_ticket(
        actor=tech, subject="Won't charge", device=chromebook, affected_person=student_person
    )
    client = client_as(tech)
    person_page = client.get(f"/people/{student_person.pk}/").content.decode()
    assert "Won&#x27;t charge" in person_page or "Won't charge" in person_page
    assert f"/help/new/?person={student_person.pk}" in person_page


def test_technician_files_on_behalf_of_a_teacher(tech, teacher, client_as, sites):
    response = client_as(tech).post(
        "/help/new/",
        {
            "subject": "Doc camera dead",
            "site": sites[0].pk,
            "impact": 2,
            "urgency": 1,
            "on_behalf_of": teacher.email,
        },
    )
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert (ticket.requester, ticket.filed_by, ticket.priority) == (teacher, tech, 2)


def test_device_page_lists_its_tickets_with_a_report_link(file_ticket, tech, chromebook, client_as):
    file_ticket(subject="Hinge loose", device=chromebook)
    page = client_as(tech).get(f"/devices/{chromebook.pk}/").content.decode()
    assert "Hinge loose" in page
    assert f"/help/?device={chromebook.pk}" in page
    assert "Report a problem" in page


def test_ticket_page_and_my_tickets_query_counts_do_not_grow(file_ticket, tech, teacher, client_as):
    ticket = file_ticket()
    for n in range(2):
        services.comment_add(actor=tech, ticket=ticket, body=f"Reply {n}")
    tech_client, teacher_client = client_as(tech), client_as(teacher)
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as captured:
            tech_client.get(f"/tickets/{ticket.pk}/")
            teacher_client.get("/help/mine/")
        counts.append(len(captured.captured_queries))
        for n in range(6):
            services.comment_add(actor=teacher, ticket=ticket, body=f"More {n}")
            file_ticket(subject=f"Another {n}")
    assert counts[0] == counts[1]
