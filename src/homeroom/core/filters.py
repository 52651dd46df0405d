"""List filters. Each list's filter is defined once here and used by its page and its API."""

from typing import Annotated

from ninja import FilterLookup, FilterSchema
from pydantic import ValidationError

from homeroom.core.choices import AuditInterface, AuditVerb, RoomKind


class RoomFilter(FilterSchema):
    site: int | None = None
    kind: RoomKind | None = None
    active: Annotated[bool | None, FilterLookup("is_active")] = None
    q: Annotated[str | None, FilterLookup(["number__icontains", "name__icontains"])] = None


class AuditFilter(FilterSchema):
    interface: AuditInterface | None = None
    verb: AuditVerb | None = None
    q: Annotated[str | None, FilterLookup(["object_repr__icontains", "actor_name__icontains"])] = (
        None
    )


def filter_from_query(filter_class: type[FilterSchema], query) -> tuple[FilterSchema, list[str]]:
    """Build a filter from a page's query string. Unusable values are dropped and reported,
    so a hand-edited URL shows a message instead of an error page."""
    values = {key: value for key, value in query.items() if key in filter_class.model_fields}
    values = {key: value for key, value in values.items() if value != ""}
    try:
        return filter_class(**values), []
    except ValidationError as error:
        bad = {str(problem["loc"][0]) for problem in error.errors()}
        kept = {key: value for key, value in values.items() if key not in bad}
        return filter_class(**kept), [
            f"Ignored the filter “{name}”: not a valid value." for name in sorted(bad)
        ]
