"""The ticket queue's filter, shared by the queue page and the API."""

from typing import Annotated

from django.db.models import Q
from ninja import FilterLookup, FilterSchema

from homeroom.core.schemas import Id
from homeroom.helpdesk.choices import OPEN_STATUSES, Priority, TicketStatus


class TicketFilter(FilterSchema):
    site: Annotated[Id | None, FilterLookup("site_id")] = None
    status: TicketStatus | None = None
    open: bool | None = None
    priority: Priority | None = None
    assignee: Annotated[Id | None, FilterLookup("assignee_id")] = None
    unassigned: bool | None = None
    requester: Annotated[Id | None, FilterLookup("requester_id")] = None
    device: Annotated[Id | None, FilterLookup("device_id")] = None
    person: Annotated[Id | None, FilterLookup("affected_person_id")] = None
    issue_type: Annotated[Id | None, FilterLookup("issue_type_id")] = None
    breached: bool | None = None
    q: str | None = None

    def filter_open(self, value: bool | None) -> Q:
        if value is None:
            return Q()
        is_open = Q(status__in=OPEN_STATUSES)
        return is_open if value else ~is_open

    def filter_unassigned(self, value: bool | None) -> Q:
        if value is None:
            return Q()
        return Q(assignee__isnull=value)

    def filter_breached(self, value: bool | None) -> Q:
        if value is None:
            return Q()
        breached = Q(response_breached=True) | Q(resolution_breached=True)
        return breached if value else ~breached

    def filter_q(self, value: str | None) -> Q:
        """A ticket number (“1234” or “#1234”) or words of the subject."""
        if not value:
            return Q()
        value = value.strip()
        number = value.lstrip("#")
        if number.isdigit():
            return Q(pk=int(number))
        return Q(subject__icontains=value)
