from django import template

from homeroom.helpdesk import selectors
from homeroom.helpdesk.markdown import plain_text
from homeroom.helpdesk.rules import FILES_TICKETS

register = template.Library()


@register.inclusion_tag("helpdesk/sections/device_tickets.html", takes_context=True)
def device_tickets(context, device):
    """The Tickets section of a device's page, with its “Report a problem” link."""
    user = context["request"].user
    allowed = FILES_TICKETS.allows(user)
    tickets = selectors.tickets_for(user).filter(device=device).order_by("-created_at")[:10]
    return {"device": device, "allowed": allowed, "tickets": tickets if allowed else []}


@register.filter
def excerpt(markdown_text: str, length: int = 200) -> str:
    """Plain words from markdown, for a list: `{{ article.summary|excerpt:160 }}`."""
    return plain_text(markdown_text or "", length)
