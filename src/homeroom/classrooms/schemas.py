import datetime

from ninja import Field, Schema
from pydantic import AwareDatetime

from homeroom.classrooms.choices import (
    InspectionState,
    ItemResult,
    ReservationStatus,
    ResourceKind,
    TaskStatus,
)
from homeroom.core.schemas import Id, LocalTime


class ClassroomResourceOut(Schema):
    id: int
    site_id: int
    site: str = Field(alias="site.name")
    kind: ResourceKind
    name: str
    room_id: int | None
    device_id: int | None
    description: str
    needs_approval: bool
    max_minutes: int | None
    advance_days: int | None
    is_active: bool


class ClassroomResourceFields(Schema):
    room_id: Id | None = None
    device_id: Id | None = Field(None, description="The cart or equipment in the device list.")
    description: str = Field("", max_length=2000)
    needs_approval: bool = False
    max_minutes: int | None = Field(None, ge=1, le=60 * 24 * 31)
    advance_days: int | None = Field(None, ge=0, le=3660)
    is_active: bool = True


class ClassroomResourceIn(ClassroomResourceFields):
    site_id: Id
    kind: ResourceKind
    name: str = Field(min_length=1, max_length=200)


class ClassroomResourcePatch(ClassroomResourceFields):
    """Only the fields sent change; a resource stays at its school."""

    kind: ResourceKind = Field(None, description="Leave out to keep it.")
    name: str = Field(None, min_length=1, max_length=200, description="Leave out to keep it.")


class ClassroomReservationOut(Schema):
    id: int
    resource_id: int
    resource: str = Field(alias="resource.name")
    holder_id: int
    holder: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    periods: str
    purpose: str
    status: ReservationStatus
    series: str | None

    @staticmethod
    def resolve_holder(obj) -> str:
        return obj.holder.get_full_name() or obj.holder.get_username()

    @staticmethod
    def resolve_series(obj) -> str | None:
        return str(obj.series) if obj.series else None


class ClassroomReservationIn(Schema):
    """Book by periods (`day` and `period_ids`) or by time (`starts_at`, `ends_at`);
    `repeat_until` repeats it weekly, skipping the days the school is closed."""

    resource_id: Id
    day: datetime.date | None = None
    period_ids: list[Id] = Field(default_factory=list, max_length=20)
    starts_at: AwareDatetime | None = None
    ends_at: AwareDatetime | None = None
    repeat_until: datetime.date | None = None
    purpose: str = Field("", max_length=200)


class ClassroomReservationStatusIn(Schema):
    status: ReservationStatus
    whole_series: bool = False


class BellPeriodOut(Schema):
    id: int
    name: str
    starts_at: LocalTime
    ends_at: LocalTime


class BellPeriodIn(Schema):
    name: str = Field(min_length=1, max_length=40)
    starts_at: LocalTime
    ends_at: LocalTime


class BellScheduleIn(Schema):
    """A day type of a school; its periods replace any it had."""

    site_id: Id
    name: str = Field(min_length=1, max_length=100)
    weekdays: list[int] = Field(
        min_length=1, max_length=7, description="0 for Monday to 6 for Sunday."
    )
    periods: list[BellPeriodIn] = Field(min_length=1, max_length=30)


class BellScheduleOut(Schema):
    id: int
    site_id: int
    name: str
    weekdays: list[int]
    periods: list[BellPeriodOut]

    @staticmethod
    def resolve_periods(obj) -> list:
        return list(obj.periods.all())


class AVDetailsOut(Schema):
    device_id: int
    asset_tag: str = Field(alias="device.asset_tag")
    firmware: str
    mount: str
    connected_computer: str
    lamp_hours: int | None
    lamp_life: int | None
    lamp_near_end: bool
    filter_cleaned_on: datetime.date | None


class AVReadingIn(Schema):
    lamp_hours: int | None = Field(None, ge=0, le=2_000_000_000)
    lamp_life: int | None = Field(None, ge=0, le=2_000_000_000)
    firmware: str | None = Field(None, max_length=100)
    filter_cleaned_on: datetime.date | None = None


class MaintenancePlanOut(Schema):
    id: int
    name: str
    site_id: int | None
    target: str
    device_model_id: int | None
    category: str
    room_kind: str
    every: int | None
    unit: str
    meter_every: int | None
    window_days: int
    checklist: list[str]
    starts_on: datetime.date
    is_active: bool


class MaintenanceTaskOut(Schema):
    id: int
    plan_id: int
    plan: str = Field(alias="plan.name")
    device_id: int
    asset_tag: str = Field(alias="device.asset_tag")
    site_id: int
    room_id: int | None
    due_on: datetime.date
    meter_at: int | None
    status: TaskStatus
    results: dict[str, str]
    meter_reading: int | None
    minutes_spent: int | None
    notes: str
    ticket_ids: list[int]
    repair_id: int | None


class TaskCompleteIn(Schema):
    results: dict[str, ItemResult] = Field(description="Each checklist step: pass, fail or na.")
    meter_reading: int | None = Field(None, ge=0, le=2_000_000_000)
    minutes_spent: int | None = Field(None, ge=0, le=24 * 60)
    notes: str = Field("", max_length=2000)
    open_tickets: bool = True
    escalate: bool = Field(
        False,
        description="Failed steps open one repair work order, escalated to district IT, "
        "instead of tickets.",
    )


class ReservationFeedOut(Schema):
    url: str


class InspectionLineOut(Schema):
    device_id: int
    asset_tag: str = Field(alias="device.asset_tag")
    slot: int | None
    state: str
    scanned_at: datetime.datetime | None
    ticket_id: int | None


class InspectionOut(Schema):
    id: int
    site_id: int
    cart_id: int | None
    room_id: int | None
    started_at: datetime.datetime
    finished_at: datetime.datetime | None
    notes: str
    lines: list[InspectionLineOut]

    @staticmethod
    def resolve_lines(obj) -> list:
        return list(obj.lines.all())


class InspectionStartIn(Schema):
    """A cart (`cart_id`, a device) or a lab (`room_id`), one of the two."""

    cart_id: Id | None = None
    room_id: Id | None = None


class InspectionScanIn(Schema):
    scan: str = Field(min_length=1, max_length=100, description="An asset tag or a serial.")
    state: InspectionState = InspectionState.PRESENT


class InspectionFinishIn(Schema):
    notes: str = Field("", max_length=2000)
