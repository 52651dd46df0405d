"""Test-day mail: an incident escalated to the district test coordinators. Sent after the
change is committed; a mail server that is down costs a log line, never the escalation."""

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string

from homeroom.core import roles
from homeroom.core.templatetags.homeroom import when

logger = logging.getLogger(__name__)


def coordinators_of(incident) -> list[str]:
    """The window's site coordinators, and the test coordinators and district admins who
    work at every site; each address once."""
    from homeroom.people.models import User

    window = incident.session.window
    users = list(window.coordinators.filter(is_active=True))
    users += [
        user
        for user in User.objects.filter(
            is_active=True, groups__name__in=[roles.TEST_COORDINATOR, roles.DISTRICT_ADMIN]
        ).distinct()
        if user.sees_all_sites
    ]
    return sorted({user.email for user in users if user.email})


def incident_escalated(incident) -> int:
    addresses = coordinators_of(incident)
    if not addresses:
        return 0
    session = incident.session
    body = render_to_string(
        "testday/mail/escalated.txt",
        {
            "incident": incident,
            "session": session,
            "noticed": when(incident.noticed_at),
            "url": f"{settings.SITE_URL}{incident.get_absolute_url()}",
        },
    )
    subject = f"Escalated: {incident.get_kind_display().lower()} in {session.site}, {session.room}"
    try:
        return EmailMessage(subject=subject, body=body, to=addresses).send()
    except OSError:
        logger.warning("Could not send the escalation of incident %s", incident.pk, exc_info=True)
        return 0
