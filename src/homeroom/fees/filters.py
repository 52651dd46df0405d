"""The fees list's filter, shared by the page and the API."""

from typing import Annotated

from django.db.models import Q
from ninja import FilterLookup, FilterSchema

from homeroom.core.schemas import Id
from homeroom.fees.choices import UNPAID_STATUSES, ChargeStatus, FeeCategory


class ChargeFilter(FilterSchema):
    site: Annotated[Id | None, FilterLookup("site_id")] = None
    status: ChargeStatus | None = None
    unpaid: bool | None = None
    reason: Annotated[Id | None, FilterLookup("reason_id")] = None
    category: Annotated[FeeCategory | None, FilterLookup("reason__category")] = None
    person: Annotated[Id | None, FilterLookup("person_id")] = None
    q: str | None = None

    def filter_unpaid(self, value: bool | None) -> Q:
        if value is None:
            return Q()
        unpaid = Q(status__in=UNPAID_STATUSES)
        return unpaid if value else ~unpaid

    def filter_q(self, value: str | None) -> Q:
        """A person's name, local id (a badge scan) or the charge's number."""
        if not value:
            return Q()
        value = value.strip()
        words = value.split()
        by_name = Q()
        for word in words:
            by_name &= (
                Q(person__family_name__istartswith=word)
                | Q(person__given_name__istartswith=word)
                | Q(person__preferred_given_name__istartswith=word)
            )
        found = by_name | Q(person__identifier=value)
        if value.isdigit():
            found |= Q(pk=int(value))
        return found
