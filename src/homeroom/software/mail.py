"""Mail of the Apps module: a request decided, and an agreement about to expire. Sent after
the change is committed; a mail server that is down costs a log line, never the change."""

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


def _deliver(subject: str, template: str, context: dict, address: str) -> int:
    if not address:
        return 0
    body = render_to_string(f"software/mail/{template}", {"site_url": settings.SITE_URL, **context})
    try:
        return EmailMessage(subject=subject, body=body, to=[address]).send()
    except OSError:
        logger.exception("Could not send “%s” to %s", subject, address)
        return 0


def request_decided(tool_request, tool) -> int:
    user = tool_request.requested_by
    if not user.is_active:
        return 0
    label = tool.get_decision_display() if tool is not None else "Decided"
    return _deliver(
        f"{tool_request.tool_name}: {label.lower()}",
        "request_decided.txt",
        {"request": tool_request, "tool": tool, "user": user},
        user.email,
    )


def agreement_expiring(review, days: int) -> int:
    tool = review.tool
    user = tool.owner or review.reviewer
    if user is None or not user.is_active:
        return 0
    return _deliver(
        f"The privacy agreement for {tool.name} expires in {days} days",
        "agreement_expiring.txt",
        {"review": review, "tool": tool, "user": user, "days": days},
        user.email,
    )
