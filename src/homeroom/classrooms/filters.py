"""The classrooms lists' filters, shared by the pages and the API."""

import datetime

from django.db.models import Q
from django.utils import timezone
from ninja import Field, FilterSchema

from homeroom.classrooms.choices import ReservationStatus, ResourceKind, TaskStatus
from homeroom.core.schemas import Id


def _words(value: str | None, *fields: str) -> Q:
    found = Q()
    for word in (value or "").split()[:8]:
        either = Q()
        for field in fields:
            either |= Q(**{f"{field}__icontains": word})
        found &= either
    return found


class ClassroomResourceFilter(FilterSchema):
    site: Id | None = None
    kind: ResourceKind | None = None
    q: str | None = Field(None, max_length=200, description="Words of the name.")

    def filter_site(self, value: int | None) -> Q:
        return Q(site_id=value) if value else Q()

    def filter_kind(self, value: str | None) -> Q:
        return Q(kind=value) if value else Q()

    def filter_q(self, value: str | None) -> Q:
        return _words(value, "name", "description")


class ClassroomReservationFilter(FilterSchema):
    resource: Id | None = None
    site: Id | None = None
    status: ReservationStatus | None = None
    mine: bool | None = Field(None, description="Only the caller's own bookings.")
    upcoming: bool | None = Field(None, description="Only bookings that have not ended.")

    def filter_resource(self, value: int | None) -> Q:
        return Q(resource_id=value) if value else Q()

    def filter_site(self, value: int | None) -> Q:
        return Q(resource__site_id=value) if value else Q()

    def filter_status(self, value: str | None) -> Q:
        return Q(status=value) if value else Q()

    def filter_mine(self, value: bool | None) -> Q:
        # Applied by the caller with the user (see `apply`).
        return Q()

    def filter_upcoming(self, value: bool | None) -> Q:
        return Q(ends_at__gte=timezone.now()) if value else Q()

    def apply(self, reservations, user):
        reservations = self.filter(reservations)
        return reservations.filter(holder=user) if self.mine else reservations


class MaintenanceTaskFilter(FilterSchema):
    site: Id | None = None
    status: TaskStatus | None = None
    due_by: datetime.date | None = Field(None, description="Due on or before this day.")
    q: str | None = Field(None, max_length=200, description="Asset tag, room or plan.")

    def filter_site(self, value: int | None) -> Q:
        return Q(site_id=value) if value else Q()

    def filter_status(self, value: str | None) -> Q:
        return Q(status=value) if value else Q()

    def filter_due_by(self, value: datetime.date | None) -> Q:
        return Q(due_on__lte=value) if value else Q()

    def filter_q(self, value: str | None) -> Q:
        return _words(value, "device__asset_tag", "room__number", "plan__name")
