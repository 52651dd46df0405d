"""Training mail: a seat or a waitlist place, a seat that opened up, a cancelled session,
the reminder the day before and a coaching visit scheduled. Sent after the change is
committed; a mail server that is down costs a log line, never the sign-up."""

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string

from homeroom.core.templatetags.homeroom import when

logger = logging.getLogger(__name__)


def address_of(person) -> str:
    if person.email:
        return person.email
    user = getattr(person, "user", None)
    return user.email if user is not None and user.is_active else ""


def _send(subject: str, template: str, context: dict, person) -> int:
    session = context["session"]
    context = {
        "when": when(session.starts_at),
        "url": f"{settings.SITE_URL}{session.get_absolute_url()}",
        **context,
    }
    return _deliver(subject, template, context, person)


def _deliver(subject: str, template: str, context: dict, person) -> int:
    address = address_of(person)
    if not address:
        return 0
    body = render_to_string(f"training/mail/{template}", {"person": person, **context})
    try:
        return EmailMessage(subject=subject, body=body, to=[address]).send()
    except OSError:
        logger.exception("Could not send “%s” to %s", subject, address)
        return 0


def signed_up(signup, position: int = 0) -> int:
    session = signup.session
    if position:
        subject = f"You are number {position} on the waitlist: {session.title}"
    else:
        subject = f"You have a seat: {session.title}, {when(session.starts_at)}"
    return _send(
        subject,
        "signed_up.txt",
        {"session": session, "signup": signup, "position": position},
        signup.person,
    )


def promoted(signup) -> int:
    session = signup.session
    return _send(
        f"A seat opened up for you: {session.title}, {when(session.starts_at)}",
        "promoted.txt",
        {"session": session, "signup": signup},
        signup.person,
    )


def session_cancelled(session, people) -> int:
    return sum(
        _send(
            f"Cancelled: {session.title}, {when(session.starts_at)}",
            "session_cancelled.txt",
            {"session": session},
            person,
        )
        for person in people
    )


def reminder(signup) -> int:
    session = signup.session
    return _send(
        f"Tomorrow: {session.title}, {when(session.starts_at)}",
        "reminder.txt",
        {"session": session, "signup": signup},
        signup.person,
    )


def visit_scheduled(coaching, moved: bool = False) -> int:
    """Tell the teacher when the coach is coming (or that the visit moved)."""
    start = "Your coaching visit moved" if moved else "Coaching visit scheduled"
    return _deliver(
        f"{start}: {coaching.tool_name}, {when(coaching.visit_at)}",
        "visit_scheduled.txt",
        {
            "coaching": coaching,
            "moved": moved,
            "when": when(coaching.visit_at),
            "url": f"{settings.SITE_URL}{coaching.get_absolute_url()}",
        },
        coaching.teacher,
    )
