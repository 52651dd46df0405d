"""Outgoing help-desk mail, sent through Django's mail backend (EMAIL_BACKEND in settings)
once the change that caused it is committed. A mail server that is down costs a log line,
never the technician's change."""

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse

from homeroom.helpdesk.choices import Satisfaction
from homeroom.helpdesk.models import Comment, Ticket
from homeroom.people.models import User

logger = logging.getLogger(__name__)
RATING_SALT = "homeroom.helpdesk.satisfaction"
RATING_MAX_AGE = 60 * 60 * 24 * 60


def rating_token(ticket: Ticket) -> str:
    return signing.dumps(ticket.pk, salt=RATING_SALT, compress=True)


def ticket_from_rating_token(token: str) -> int | None:
    try:
        return int(signing.loads(token, salt=RATING_SALT, max_age=RATING_MAX_AGE))
    except (signing.BadSignature, ValueError, TypeError):
        return None


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def site_technicians(ticket: Ticket) -> list[User]:
    """Technicians who work at the ticket's site (named in their account's sites)."""
    return list(
        User.objects.filter(is_active=True, sites=ticket.site_id)
        .filter(
            Q(groups__permissions__codename="work_ticket")
            | Q(user_permissions__codename="work_ticket")
        )
        .exclude(email="")
        .distinct()
    )


def _addresses(users: Iterable, *, leave_out=None) -> list[str]:
    seen = []
    for user in users:
        if user is None or not user.email or not user.is_active:
            continue
        if leave_out is not None and user.pk == leave_out.pk:
            continue
        if user.email not in seen:
            seen.append(user.email)
    return seen


def _send(subject: str, template: str, context: dict, to: list[str]) -> int:
    if not to:
        return 0
    body = render_to_string(f"helpdesk/mail/{template}", context)
    sent = 0
    for address in to:
        message = EmailMessage(subject=subject, body=body, to=[address])
        try:
            sent += message.send()
        except OSError:
            logger.exception("Could not send “%s” to %s", subject, address)
    return sent


def _context(ticket: Ticket, **extra) -> dict:
    return {"ticket": ticket, "url": absolute(ticket.get_absolute_url()), **extra}


def _load(ticket_id: int) -> Ticket:
    return Ticket.objects.select_related("site", "requester", "assignee").get(pk=ticket_id)


def send_new_ticket(ticket_id: int) -> None:
    ticket = _load(ticket_id)
    _send(
        f"We got your request #{ticket.pk}: {ticket.subject}",
        "new_ticket_requester.txt",
        _context(ticket),
        _addresses([ticket.requester]),
    )
    workers = [ticket.assignee] if ticket.assignee else site_technicians(ticket)
    _send(
        f"New ticket #{ticket.pk} at {ticket.site}: {ticket.subject}",
        "new_ticket_technician.txt",
        _context(ticket),
        _addresses(workers, leave_out=ticket.filed_by),
    )


def send_public_reply(comment_id: int) -> None:
    comment = Comment.objects.select_related("ticket", "author").get(pk=comment_id)
    ticket = _load(comment.ticket_id)
    watchers = list(ticket.watchers.all())
    if comment.author_id is not None and comment.author_id == ticket.requester_id:
        workers = [ticket.assignee] if ticket.assignee else site_technicians(ticket)
        to = _addresses([*workers, *watchers], leave_out=comment.author)
    else:
        to = _addresses([ticket.requester, *watchers], leave_out=comment.author)
    _send(
        f"Re: #{ticket.pk} {ticket.subject}",
        "public_reply.txt",
        _context(ticket, comment=comment),
        to,
    )


def send_resolved(ticket_id: int) -> None:
    ticket = _load(ticket_id)
    token = rating_token(ticket)
    ratings = [
        (label, absolute(reverse("helpdesk:rate", args=[token, value])))
        for value, label in reversed(Satisfaction.choices)
    ]
    _send(
        f"Resolved: #{ticket.pk} {ticket.subject}",
        "resolved.txt",
        _context(ticket, ratings=ratings),
        _addresses([ticket.requester, *ticket.watchers.all()]),
    )


def send_reminder(ticket_id: int, close_in_hours: int) -> None:
    ticket = _load(ticket_id)
    _send(
        f"Still need help? #{ticket.pk} {ticket.subject}",
        "reminder.txt",
        _context(ticket, close_in_hours=close_in_hours),
        _addresses([ticket.requester]),
    )
