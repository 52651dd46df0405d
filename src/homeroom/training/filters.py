"""The training catalog's filter, shared by the page and the API."""

import datetime
from typing import Annotated

from django.db.models import Q
from ninja import Field, FilterLookup, FilterSchema

from homeroom.core.schemas import Id
from homeroom.training.choices import Topic


class SessionFilter(FilterSchema):
    topic: Topic | None = None
    site: Id | None = Field(
        None, description="Sessions for this school: meeting there, or open to it."
    )
    on_or_after: Annotated[datetime.date | None, FilterLookup("starts_at__date__gte")] = None
    on_or_before: Annotated[datetime.date | None, FilterLookup("starts_at__date__lte")] = None
    q: str | None = Field(None, description="Words of the title, the tool or the description.")

    def filter_site(self, value: int | None) -> Q:
        if not value:
            return Q()
        from homeroom.training.models import TrainingSession

        through = TrainingSession.audience_sites.through.objects
        return (
            Q(site_id=value)
            | Q(pk__in=through.filter(site_id=value).values("trainingsession_id"))
            | ~Q(pk__in=through.values("trainingsession_id"))
        )

    def filter_q(self, value: str | None) -> Q:
        if not value:
            return Q()
        found = Q()
        for word in value.split()[:8]:
            found &= (
                Q(title__icontains=word)
                | Q(tool_name__icontains=word)
                | Q(description__icontains=word)
            )
        return found


class CoachingFilter(FilterSchema):
    """The coaching list: by status (or `open`), school and words."""

    status: str | None = Field(
        None,
        description="A status (requested, accepted, scheduled, completed, declined, "
        "cancelled) or `open` for the first three.",
    )
    site: Id | None = None
    q: str | None = Field(None, description="Words of the tool, the request or the teacher.")

    def filter_status(self, value: str | None) -> Q:
        from homeroom.training.choices import OPEN_COACHING, CoachingStatus

        if not value:
            return Q()
        if value == "open":
            return Q(status__in=OPEN_COACHING)
        if value in CoachingStatus.values:
            return Q(status=value)
        return Q(pk__in=[])

    def filter_site(self, value: int | None) -> Q:
        return Q(site_id=value) if value else Q()

    def filter_q(self, value: str | None) -> Q:
        if not value:
            return Q()
        found = Q()
        for word in value.split()[:8]:
            found &= (
                Q(tool_name__icontains=word)
                | Q(details__icontains=word)
                | Q(teacher__given_name__icontains=word)
                | Q(teacher__family_name__icontains=word)
            )
        return found
