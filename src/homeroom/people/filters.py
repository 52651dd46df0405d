from typing import Annotated

from django.db.models import Q
from ninja import FilterLookup, FilterSchema

from homeroom.core.schemas import Id
from homeroom.people.choices import ClassType, EnrollmentRole, PersonKind
from homeroom.people.search import name_key, prefix


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
    site: Annotated[Id | None, FilterLookup("primary_site_id")] = None
    kind: PersonKind | None = None
    grade: str | None = None
    active: Annotated[bool | None, FilterLookup("is_active")] = None
    homeroom: Annotated[Id | None, FilterLookup("homeroom_id")] = None
    q: str | None = None

    def filter_q(self, value: str | None) -> Q:
        """Every word must start a name (family or the name they go by) or the username,
        or be the local id."""
        condition = Q()
        for word in (value or "").split():
            key = name_key(word)
            condition &= (
                (prefix("family_key", key) if key else Q(pk__in=[]))
                | (prefix("given_key", key) if key else Q(pk__in=[]))
                | prefix("username", word.lower())
                | Q(identifier=word)
            )
        return condition


class ClassFilter(FilterSchema):
    site: Annotated[Id | None, FilterLookup("site_id")] = None
    class_type: ClassType | None = None
    active: Annotated[bool | None, FilterLookup("is_active")] = None
    term: Annotated[Id | None, FilterLookup("terms__id")] = None
    q: Annotated[str | None, FilterLookup(["title__icontains", "class_code__icontains"])] = None


class EnrollmentFilter(FilterSchema):
    school_class: Annotated[Id | None, FilterLookup("school_class_id")] = None
    person: Annotated[Id | None, FilterLookup("person_id")] = None
    role: EnrollmentRole | None = None
    active: Annotated[bool | None, FilterLookup("is_active")] = None
