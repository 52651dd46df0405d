"""The SLA clock of a ticket: targets per priority, due times from the site's business
calendar, and the pauses while the ticket waits on the requester or a vendor (or sits
resolved, until the requester reopens it)."""

import datetime

from homeroom.core.calendar import BusinessCalendar, calendar_for
from homeroom.helpdesk.choices import Priority
from homeroom.helpdesk.models import SlaTarget, Ticket

# Business minutes (a school day is 7:30 to 16:00, 510 minutes) when no target is set.
DEFAULT_TARGETS: dict[int, tuple[int, int]] = {
    Priority.CRITICAL: (30, 240),
    Priority.HIGH: (120, 510),
    Priority.MEDIUM: (240, 3 * 510),
    Priority.LOW: (510, 5 * 510),
}
# The queue warns about tickets whose resolution falls due within this much wall time.
DUE_SOON = datetime.timedelta(hours=4)


def targets() -> dict[int, tuple[int, int]]:
    """(response, resolution) business minutes per priority."""
    found = dict(DEFAULT_TARGETS)
    for target in SlaTarget.objects.all():
        found[target.priority] = (target.response_minutes, target.resolution_minutes)
    return found


def pauses_of(ticket: Ticket) -> list[tuple[datetime.datetime, datetime.datetime | None]]:
    return [
        (
            datetime.datetime.fromisoformat(paused),
            datetime.datetime.fromisoformat(resumed) if resumed else None,
        )
        for paused, resumed in ticket.sla_pauses
    ]


def pause(ticket: Ticket, at: datetime.datetime) -> None:
    if not ticket.sla_pauses or ticket.sla_pauses[-1][1] is not None:
        ticket.sla_pauses = [*ticket.sla_pauses, [at.isoformat(), None]]


def resume(ticket: Ticket, at: datetime.datetime) -> None:
    if ticket.sla_pauses and ticket.sla_pauses[-1][1] is None:
        ticket.sla_pauses = [*ticket.sla_pauses[:-1], [ticket.sla_pauses[-1][0], at.isoformat()]]


def refresh_due_times(
    ticket: Ticket,
    *,
    calendar: BusinessCalendar | None = None,
    minutes: dict[int, tuple[int, int]] | None = None,
) -> None:
    """Set the response and resolution due times from the ticket's priority, its site's
    calendar and its pauses; a due time is None while an open pause holds the clock."""
    calendar = calendar or calendar_for(ticket.site_id)
    response, resolution = (minutes or targets())[ticket.priority]
    pauses = pauses_of(ticket)
    ticket.response_due_at = calendar.add(ticket.created_at, response * 60, pauses)
    ticket.resolution_due_at = calendar.add(ticket.created_at, resolution * 60, pauses)


def business_seconds(ticket: Ticket, until: datetime.datetime) -> int:
    return calendar_for(ticket.site_id).elapsed(ticket.created_at, until, pauses_of(ticket))


def sla_state(ticket: Ticket, now: datetime.datetime) -> str:
    """What the queue shows: breached, due soon, paused, on track, or met/missed once done."""
    if not ticket.is_open:
        return "missed" if ticket.resolution_breached else "met"
    if ticket.resolution_breached or ticket.response_breached:
        return "breached"
    due = ticket.resolution_due_at
    if due is None:
        return "paused"
    response_late = (
        ticket.first_response_at is None
        and ticket.response_due_at is not None
        and ticket.response_due_at <= now
    )
    if due <= now or response_late:
        return "breached"
    if due - now <= DUE_SOON:
        return "due soon"
    return "on track"
