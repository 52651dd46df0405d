import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from ninja import Field, ModelSchema, Schema
from pydantic import AfterValidator, PlainSerializer, WithJsonSchema

from homeroom.core.choices import RoomKind, SiteType
from homeroom.core.models import ClosedDay, Room, Site
from homeroom.core.numbers import LARGEST_ID, integer_range, largest_amount

# An object's id in a path, a filter or a body: larger ones cannot be in the database.
Id = Annotated[int, Field(ge=1, le=LARGEST_ID)]


def amount_of(model, name: str, *, least: Decimal | None = None):
    """A money amount that fits the model's decimal column (and is `least` or more)."""
    field = model._meta.get_field(name)
    largest = largest_amount(model, name)
    return Annotated[
        Decimal,
        Field(
            ge=-largest if least is None else least,
            le=largest,
            max_digits=field.max_digits,
            decimal_places=field.decimal_places,
        ),
    ]


def count_of(model, name: str, *, least: int | None = None):
    """A whole number that fits the model's integer column, `least` or more."""
    low, high = integer_range(model, name)
    return Annotated[int, Field(ge=low if least is None else max(low, least), le=high)]


def _local(value: datetime.time) -> datetime.time:
    if value.tzinfo is not None:
        raise ValueError("Give the school's local time without a zone, e.g. 07:30.")
    return value


# A wall-clock time at the school, sent and answered as "HH:MM" (seconds allowed on input).
LocalTime = Annotated[
    datetime.time,
    AfterValidator(_local),
    PlainSerializer(lambda value: value.strftime("%H:%M"), return_type=str),
    WithJsonSchema({"type": "string", "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$"}),
]


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
    site_id: Id
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
    opens_at: LocalTime
    closes_at: LocalTime
    description: str


class HoursIn(Schema):
    """New school hours; for a site, `use_district_hours: true` drops its own hours."""

    use_district_hours: bool = False
    school_days: list[Weekday] = Field(default_factory=list)
    opens_at: LocalTime | None = None
    closes_at: LocalTime | None = None


class ClosedDayOut(ModelSchema):
    site_id: int | None

    class Meta:
        model = ClosedDay
        fields = ["id", "starts_on", "ends_on", "reason"]


class ClosedDayIn(Schema):
    site_id: Id | None = Field(None, description="Leave out for the whole district.")
    starts_on: datetime.date
    ends_on: datetime.date | None = Field(None, description="Leave out for a single day.")
    reason: str = Field(..., max_length=200)
