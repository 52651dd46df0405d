from typing import Annotated

from ninja import FilterLookup, FilterSchema


class UserFilter(FilterSchema):
    q: Annotated[
        str | None,
        FilterLookup(
            [
                "username__icontains",
                "first_name__icontains",
                "last_name__icontains",
                "email__icontains",
            ]
        ),
    ] = None
    role: Annotated[str | None, FilterLookup("groups__name")] = None
    active: Annotated[bool | None, FilterLookup("is_active")] = None
