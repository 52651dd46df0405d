"""Mail to readers, sent once the change that caused it is committed. A mail server that is
down costs a log line, never the desk's check-in."""

import logging

from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone

from homeroom.library.models import Hold, Loan

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


def send_overdue_notice(person_id: int, loan_ids: list[int]) -> int:
    """Tell a reader which of their books are overdue (one mail for all of them)."""
    from homeroom.people.models import Person

    person = Person.objects.get(pk=person_id)
    if not person.email:
        return 0
    today = timezone.localdate()
    loans = list(
        Loan.objects.filter(pk__in=loan_ids, person=person)
        .select_related("copy__title", "library")
        .order_by("due_on", "pk")
    )
    if not loans:
        return 0
    for loan in loans:
        loan.days_overdue = (today - loan.due_on).days
    count = len(loans)
    subject = (
        f"“{loans[0].copy.title.title}” is overdue at {loans[0].library.name}"
        if count == 1
        else f"{count} library books are overdue"
    )
    message = EmailMessage(
        subject=subject,
        body=render_to_string("library/mail/overdue.txt", {"person": person, "loans": loans}),
        to=[person.email],
    )
    try:
        return message.send()
    except OSError:
        logger.exception("Could not tell %s about overdue loans %s", person.email, loan_ids)
        return 0
