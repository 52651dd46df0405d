import datetime
from enum import StrEnum

from ninja import Field, ModelSchema, Schema

from homeroom.core.choices import RoomKind, SiteType
from homeroom.core.models import ClosedDay, Room, Site


class SiteOut(ModelSchema):
    class Meta:
        model = Site
        fields = ["id", "name", "code", "type", "address", "phone", "is_active"]


class SiteIn(Schema):
    name: str
    code: str
    type: SiteType = SiteType.ELEMENTARY
    address: str = ""
    phone: str = ""
    is_active: bool = True


class RoomOut(ModelSchema):
    site_id: int

    class Meta:
        model = Room
        fields = ["id", "number", "name", "kind", "floor", "is_active"]


class RoomIn(Schema):
    site_id: int
    number: str
    name: str = ""
    kind: RoomKind = RoomKind.CLASSROOM
    floor: str = ""
    is_active: bool = True


class Weekday(StrEnum):
    MONDAY = "monday"
    TUESDAY = "tuesday"
    WEDNESDAY = "wednesday"
    THURSDAY = "thursday"
    FRIDAY = "friday"
    SATURDAY = "saturday"
    SUNDAY = "sunday"


WEEKDAYS = list(Weekday)


class CalendarOut(Schema):
    """The school hours a site's help desk clock runs on, and whether they are the
    district's (no site: the district default)."""

    site_id: int | None
    uses_district_hours: bool
    school_days: list[Weekday]
    opens_at: datetime.time
    closes_at: datetime.time
    description: str


class HoursIn(Schema):
    """New school hours; for a site, `use_district_hours: true` drops its own hours."""

    use_district_hours: bool = False
    school_days: list[Weekday] = Field(default_factory=list)
    opens_at: datetime.time | None = None
    closes_at: datetime.time | None = None


class ClosedDayOut(ModelSchema):
    site_id: int | None

    class Meta:
        model = ClosedDay
        fields = ["id", "starts_on", "ends_on", "reason"]


class ClosedDayIn(Schema):
    site_id: int | None = Field(None, description="Leave out for the whole district.")
    starts_on: datetime.date
    ends_on: datetime.date | None = Field(None, description="Leave out for a single day.")
    reason: str = Field(..., max_length=200)
