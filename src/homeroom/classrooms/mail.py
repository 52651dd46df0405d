"""Reservation mail: the confirmation of a booking and the answer to one that waited for
approval. Sent after the change is committed; a mail server that is down costs a log line,
never the booking."""

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string

from homeroom.core.templatetags.homeroom import when

logger = logging.getLogger(__name__)


def _send(reservations, subject: str, skipped=()) -> int:
    if not reservations:
        return 0
    first = reservations[0]
    address = first.holder.email
    if not address:
        return 0
    body = render_to_string(
        "classrooms/mail/booked.txt",
        {
            "reservations": [(when(r.starts_at), r) for r in reservations],
            "first": first,
            "skipped": skipped,
            "url": f"{settings.SITE_URL}{first.get_absolute_url()}",
        },
    )
    try:
        return EmailMessage(subject=subject, body=body, to=[address]).send()
    except OSError:
        logger.warning("Could not send the mail about booking %s", first.pk, exc_info=True)
        return 0


def booked(reservations, skipped=()) -> int:
    first = reservations[0]
    waiting = first.status == "pending"
    verb = "waiting for approval" if waiting else "booked"
    count = f" ({len(reservations)} times)" if len(reservations) > 1 else ""
    return _send(reservations, f"{first.resource} {verb}{count}", skipped)


def decided(reservations) -> int:
    first = reservations[0]
    return _send(reservations, f"{first.resource}: {first.get_status_display().lower()}")
