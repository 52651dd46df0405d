"""SLA due times on the site's business calendar (7:30 to 16:00, Monday to Friday, in the
district's time zone), across nights, weekends, closed days and pauses, with the clock
frozen."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from homeroom.core.models import ClosedDay
from homeroom.helpdesk import services
from homeroom.helpdesk.choices import Level, Priority, priority_for
from homeroom.helpdesk.models import Ticket

CHICAGO = ZoneInfo("America/Chicago")


def at(day: int, hour: int, minute: int = 0) -> datetime.datetime:
    """A moment in November 2026, Chicago time (the 20th is a Friday)."""
    return datetime.datetime(2026, 11, day, hour, minute, tzinfo=CHICAGO)


@pytest.fixture(autouse=True)
def chicago(settings):
    settings.TIME_ZONE = "America/Chicago"


@pytest.mark.parametrize(
    ("impact", "urgency", "priority"),
    [
        (Level.HIGH, Level.HIGH, Priority.CRITICAL),
        (Level.HIGH, Level.MEDIUM, Priority.HIGH),
        (Level.MEDIUM, Level.HIGH, Priority.HIGH),
        (Level.MEDIUM, Level.MEDIUM, Priority.MEDIUM),
        (Level.LOW, Level.HIGH, Priority.MEDIUM),
        (Level.HIGH, Level.LOW, Priority.MEDIUM),
        (Level.MEDIUM, Level.LOW, Priority.LOW),
        (Level.LOW, Level.LOW, Priority.LOW),
    ],
)
def test_priority_comes_from_impact_and_urgency(impact, urgency, priority, file_ticket):
    assert priority_for(impact, urgency) == priority
    ticket = file_ticket(impact=impact, urgency=urgency)
    assert ticket.priority == priority


def test_due_times_skip_the_night_and_the_weekend(file_ticket):
    with time_machine.travel(at(20, 15), tick=False):
        ticket = file_ticket(impact=Level.HIGH, urgency=Level.MEDIUM)
    assert ticket.priority == Priority.HIGH  # respond in 120, resolve in 510 business minutes
    # One hour on Friday afternoon, the rest from Monday's opening at 7:30.
    assert ticket.response_due_at == at(23, 8, 30)
    assert ticket.resolution_due_at == at(23, 15, 0)


def test_due_times_skip_closed_days(file_ticket, sites, users):
    ClosedDay.objects.create(
        site=sites[0],
        starts_on=datetime.date(2026, 11, 23),
        ends_on=datetime.date(2026, 11, 23),
        reason="Snow day",
    )
    with time_machine.travel(at(20, 15), tick=False):
        closed_monday = file_ticket(impact=Level.HIGH, urgency=Level.MEDIUM)
        open_monday = file_ticket(
            actor=users["District admin"], site=sites[1], impact=Level.HIGH, urgency=Level.MEDIUM
        )
    assert closed_monday.response_due_at == at(24, 8, 30)
    assert closed_monday.resolution_due_at == at(24, 15, 0)
    # The snow day was only at the first school.
    assert open_monday.response_due_at == at(23, 8, 30)


def test_waiting_on_the_requester_pauses_the_clock(file_ticket, tech, teacher):
    with time_machine.travel(at(20, 15), tick=False):
        ticket = file_ticket(impact=Level.HIGH, urgency=Level.MEDIUM)
    with time_machine.travel(at(20, 15, 30), tick=False):
        services.ticket_set_status(actor=tech, ticket=ticket, status="triaged")
        ticket = services.ticket_set_status(
            actor=tech, ticket=ticket, status="waiting_on_requester"
        )
    assert ticket.first_response_at == at(20, 15, 30)
    assert ticket.response_seconds == 30 * 60
    assert not ticket.response_breached
    assert ticket.resolution_due_at is None  # paused: no due time while it waits

    # The teacher answers on Tuesday at 10:00; the clock runs again from there.
    with time_machine.travel(at(24, 10), tick=False):
        services.comment_add(actor=teacher, ticket=ticket, body="It shows a blue screen now.")
    ticket.refresh_from_db()
    assert ticket.status == "in_progress"
    # 30 minutes used on Friday, 480 left: Tuesday 10:00-16:00 is 360, then 120 on Wednesday.
    assert ticket.resolution_due_at == at(25, 9, 30)

    with time_machine.travel(at(25, 9), tick=False):
        ticket = services.ticket_set_status(actor=tech, ticket=ticket, status="resolved")
    assert ticket.resolution_seconds == (30 + 360 + 90) * 60
    assert not ticket.resolution_breached


def test_resolving_late_marks_the_breach(file_ticket, tech):
    with time_machine.travel(at(20, 15), tick=False):
        ticket = file_ticket(impact=Level.HIGH, urgency=Level.MEDIUM)
    with time_machine.travel(at(23, 15, 1), tick=False):
        services.ticket_set_status(actor=tech, ticket=ticket, status="in_progress")
        ticket = services.ticket_set_status(actor=tech, ticket=ticket, status="resolved")
    assert ticket.response_breached  # first touched on Monday afternoon, due 8:30
    assert ticket.resolution_breached
    assert ticket.resolution_seconds == 510 * 60 + 60


def test_the_sweep_flags_open_tickets_past_their_due_times(file_ticket):
    with time_machine.travel(at(20, 15), tick=False):
        ticket = file_ticket(impact=Level.HIGH, urgency=Level.MEDIUM)
    with time_machine.travel(at(23, 8, 29), tick=False):
        call_command("helpdesk-sweep")
    ticket.refresh_from_db()
    assert not ticket.response_breached
    with time_machine.travel(at(23, 8, 31), tick=False):
        call_command("helpdesk-sweep")
    ticket.refresh_from_db()
    assert ticket.response_breached
    assert not ticket.resolution_breached
    with time_machine.travel(at(23, 15, 1), tick=False):
        call_command("helpdesk-sweep")
    assert Ticket.objects.get(pk=ticket.pk).resolution_breached
