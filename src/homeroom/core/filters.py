"""List filters. Each list's filter is defined once here and used by its page and its API."""

import datetime
from typing import Annotated

from django.contrib import messages
from django.db.models import Q
from ninja import Field, FilterLookup, FilterSchema
from pydantic import ValidationError

from homeroom.core.choices import AuditInterface, AuditVerb, RoomKind
from homeroom.core.schemas import Id


class RoomFilter(FilterSchema):
    site: Id | None = None
    kind: RoomKind | None = None
    active: Annotated[bool | None, FilterLookup("is_active")] = None
    q: Annotated[str | None, FilterLookup(["number__icontains", "name__icontains"])] = None


class AuditFilter(FilterSchema):
    interface: AuditInterface | None = None
    verb: AuditVerb | None = None
    q: Annotated[str | None, FilterLookup(["object_repr__icontains", "actor_name__icontains"])] = (
        None
    )


class ClosedDayFilter(FilterSchema):
    site: Id | None = Field(
        None, description="Closed days that apply to this site: its own and the district's."
    )
    on_or_after: Annotated[datetime.date | None, FilterLookup("ends_on__gte")] = None
    on_or_before: Annotated[datetime.date | None, FilterLookup("starts_on__lte")] = None

    def filter_site(self, value: int | None) -> Q:
        return Q(site__isnull=True) | Q(site_id=value) if value else Q()


def filtered(request, filter_class: type[FilterSchema], queryset, *, site_field: str = ""):
    """A list's filter built from the query string, applied to `queryset`, which is then
    narrowed to the site picked in the site switcher (through `site_field`). Unusable values
    are dropped with a message, so a hand-edited URL never gives an error page."""
    values = {
        key: value
        for key, value in request.GET.items()
        if key in filter_class.model_fields and value != ""
    }
    try:
        list_filter = filter_class(**values)
    except ValidationError as error:
        bad = {str(problem["loc"][0]) for problem in error.errors()}
        for name in sorted(bad):
            messages.warning(request, f"Ignored the filter “{name}”: not a valid value.")
        list_filter = filter_class(**{k: v for k, v in values.items() if k not in bad})
    queryset = list_filter.filter(queryset)
    if site_field and request.current_site is not None:
        queryset = queryset.filter(**{site_field: request.current_site})
    return list_filter, queryset
