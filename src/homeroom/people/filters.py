from typing import Annotated

from django.db.models import Q
from ninja import FilterLookup, FilterSchema

from homeroom.people.choices import ClassType, EnrollmentRole, PersonKind


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


class PersonFilter(FilterSchema):
    site: Annotated[int | None, FilterLookup("primary_site_id")] = None
    kind: PersonKind | None = None
    grade: str | None = None
    active: Annotated[bool | None, FilterLookup("is_active")] = None
    homeroom: Annotated[int | None, FilterLookup("homeroom_id")] = None
    q: str | None = None

    def filter_q(self, value: str | None) -> Q:
        """Every word must match a name, the username, the email or the local id."""
        condition = Q()
        for word in (value or "").split():
            condition &= (
                Q(given_name__icontains=word)
                | Q(family_name__icontains=word)
                | Q(preferred_given_name__icontains=word)
                | Q(username__icontains=word)
                | Q(email__icontains=word)
                | Q(identifier=word)
            )
        return condition


class ClassFilter(FilterSchema):
    site: Annotated[int | None, FilterLookup("site_id")] = None
    class_type: ClassType | None = None
    active: Annotated[bool | None, FilterLookup("is_active")] = None
    term: Annotated[int | None, FilterLookup("terms__id")] = None
    q: Annotated[str | None, FilterLookup(["title__icontains", "class_code__icontains"])] = None


class EnrollmentFilter(FilterSchema):
    school_class: Annotated[int | None, FilterLookup("school_class_id")] = None
    person: Annotated[int | None, FilterLookup("person_id")] = None
    role: EnrollmentRole | None = None
    active: Annotated[bool | None, FilterLookup("is_active")] = None
