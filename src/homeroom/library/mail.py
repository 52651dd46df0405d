"""Mail to readers, sent once the change that caused it is committed. A mail server that is
down costs a log line, never the desk's check-in."""

import logging

from django.core.mail import EmailMessage
from django.template.loader import render_to_string

from homeroom.library.models import Hold

logger = logging.getLogger(__name__)


def send_hold_ready(hold_id: int) -> int:
    """Tell the reader a book they asked for waits on the hold shelf."""
    hold = Hold.objects.select_related("person", "title", "library", "copy").get(pk=hold_id)
    address = hold.person.email
    if not address:
        return 0
    message = EmailMessage(
        subject=f"“{hold.title.title}” is waiting for you at {hold.library.name}",
        body=render_to_string("library/mail/hold_ready.txt", {"hold": hold}),
        to=[address],
    )
    try:
        return message.send()
    except OSError:
        logger.exception("Could not tell %s that hold %s is ready", address, hold.pk)
        return 0
