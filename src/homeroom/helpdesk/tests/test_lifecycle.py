"""The ticket lifecycle: the transition map, who may make which move, the reopen window,
the sweep's reminders and auto-close, all through the pages, the API and the command."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from homeroom.core.models import AuditEvent
from homeroom.helpdesk import services
from homeroom.helpdesk.models import HelpdeskSettings, Ticket


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        (["triaged", "waiting_on_vendor", "in_progress", "resolved", "closed"], True),
        (["in_progress", "waiting_on_requester", "in_progress", "resolved"], True),
        (["closed"], True),
        (["waiting_on_vendor"], False),
        (["triaged", "new"], False),
        (["resolved", "closed", "in_progress"], False),
        (["triaged", "closed"], False),
    ],
)
def test_moves_follow_the_transition_map(path, allowed, file_ticket, tech, api_client_as):
    ticket = file_ticket()
    client = api_client_as(tech)
    statuses = []
    for status in path:
        response = client.post(
            f"/api/v1/tickets/{ticket.pk}/status",
            {"status": status},
            content_type="application/json",
        )
        statuses.append(response.status_code)
    if allowed:
        assert statuses == [200] * len(path)
        assert Ticket.objects.get(pk=ticket.pk).status == path[-1]
    else:
        assert statuses[-1] == 409
        assert "cannot move to" in response.json()["error"]["message"]
        assert Ticket.objects.get(pk=ticket.pk).status == (path[-2] if len(path) > 1 else "new")


def test_an_illegal_move_on_the_page_is_a_message_not_an_error(file_ticket, tech, client_as):
    ticket = file_ticket()
    response = client_as(tech).post(
        f"/tickets/{ticket.pk}/status/", {"status": "waiting_on_vendor"}, follow=True
    )
    assert response.status_code == 200
    assert "it cannot move to waiting on vendor" in response.content.decode()
    assert Ticket.objects.get(pk=ticket.pk).status == "new"
    assert not AuditEvent.objects.filter(verb="status_changed").exists()


def test_a_requester_cannot_work_their_own_ticket(file_ticket, teacher, client_as):
    ticket = file_ticket()
    response = client_as(teacher).post(
        f"/tickets/{ticket.pk}/status/", {"status": "in_progress"}, follow=True
    )
    assert "Only a technician can make this change" in response.content.decode()
    assert Ticket.objects.get(pk=ticket.pk).status == "new"


def test_the_ticket_just_filed_does_not_suggest_closing_it(tech, teacher, client_as, sites):
    client = client_as(teacher)
    filed = client.post(
        "/help/new/",
        {"subject": "Projector is dim", "site": sites[0].pk, "impact": 2, "urgency": 3},
        follow=True,
    )
    page = filed.content.decode()
    assert "filed. We will email you updates." in page
    assert "Change status" not in page and filed.context["status_form"] is None
    ticket = Ticket.objects.get()
    services.ticket_set_status(actor=tech, ticket=ticket, status="waiting_on_requester")
    later = client.get(ticket.get_absolute_url())
    assert "Fixed in the meantime?" in later.content.decode()
    assert list(later.context["status_form"].fields["status"].choices) == [("closed", "Closed")]


def test_requester_reopens_within_the_window_only(file_ticket, tech, teacher, client_as):
    first, second = file_ticket(), file_ticket(subject="Keyboard sticks")
    now = timezone.now()
    with time_machine.travel(now - datetime.timedelta(days=3), tick=False):
        services.ticket_set_status(actor=tech, ticket=first, status="resolved")
    with time_machine.travel(now - datetime.timedelta(days=8), tick=False):
        services.ticket_set_status(actor=tech, ticket=second, status="resolved")
    client = client_as(teacher)
    client.post(f"/tickets/{first.pk}/status/", {"status": "in_progress"})
    response = client.post(f"/tickets/{second.pk}/status/", {"status": "in_progress"}, follow=True)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == "in_progress"
    assert first.reopen_count == 1
    assert first.resolved_at is None
    assert first.resolution_due_at is not None
    assert second.status == "resolved"
    assert "more than 7 days ago" in response.content.decode()


def test_sweep_reminds_then_closes_a_silent_ticket(
    file_ticket, tech, teacher, capsys, django_capture_on_commit_callbacks
):
    HelpdeskSettings.objects.update_or_create(
        pk=1, defaults={"remind_after_hours": 48, "auto_close_after_hours": 120}
    )
    start = timezone.now()
    ticket = file_ticket()
    with time_machine.travel(start, tick=False):
        services.ticket_set_status(actor=tech, ticket=ticket, status="waiting_on_requester")
    mail.outbox.clear()

    with time_machine.travel(start + datetime.timedelta(hours=47), tick=False):
        call_command("helpdesk-sweep")
    assert mail.outbox == []
    with (
        time_machine.travel(start + datetime.timedelta(hours=49), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        call_command("helpdesk-sweep")
        call_command("helpdesk-sweep")
    assert [m.to for m in mail.outbox] == [[teacher.email]]
    assert "Still need help?" in mail.outbox[0].subject
    assert Ticket.objects.get(pk=ticket.pk).status == "waiting_on_requester"

    with time_machine.travel(start + datetime.timedelta(hours=121), tick=False):
        call_command("helpdesk-sweep")
    ticket.refresh_from_db()
    assert ticket.status == "closed"
    assert ticket.closed_at == start + datetime.timedelta(hours=121)
    event = AuditEvent.objects.filter(verb="status_changed").first()
    assert event.actor is None
    assert "without a reply" in event.message
    assert "closed 1 without a reply" in capsys.readouterr().out


def test_an_answer_from_the_requester_stops_the_auto_close(file_ticket, tech, teacher):
    start = timezone.now()
    ticket = file_ticket()
    with time_machine.travel(start, tick=False):
        services.ticket_set_status(actor=tech, ticket=ticket, status="waiting_on_requester")
    with time_machine.travel(start + datetime.timedelta(hours=50), tick=False):
        services.comment_add(actor=teacher, ticket=ticket, body="Still broken.")
    with time_machine.travel(start + datetime.timedelta(hours=200), tick=False):
        call_command("helpdesk-sweep")
    assert Ticket.objects.get(pk=ticket.pk).status == "in_progress"


def test_sweep_closes_resolved_tickets_after_the_reopen_window(file_ticket, tech):
    start = timezone.now()
    ticket = file_ticket()
    with time_machine.travel(start, tick=False):
        services.ticket_set_status(actor=tech, ticket=ticket, status="resolved")
    with time_machine.travel(start + datetime.timedelta(days=6), tick=False):
        call_command("helpdesk-sweep")
    assert Ticket.objects.get(pk=ticket.pk).status == "resolved"
    with time_machine.travel(start + datetime.timedelta(days=7, minutes=1), tick=False):
        call_command("helpdesk-sweep")
    assert Ticket.objects.get(pk=ticket.pk).status == "closed"
