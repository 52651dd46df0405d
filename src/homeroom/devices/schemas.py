from datetime import datetime

from ninja import Field, ModelSchema, Schema

from homeroom.devices.choices import AssignmentKind, Condition, DeviceStatus
from homeroom.devices.models import Assignment, Device


class AssignmentOut(ModelSchema):
    device_id: int
    person_id: int | None
    room_id: int | None
    cart_id: int | None

    class Meta:
        model = Assignment
        fields = [
            "id",
            "kind",
            "checked_out_at",
            "due_at",
            "checked_in_at",
            "check_in_condition",
            "check_in_checklist",
            "notes",
        ]


class DeviceOut(ModelSchema):
    model_name: str
    category: str
    site_id: int
    checked_out_to: str | None

    class Meta:
        model = Device
        fields = [
            "id",
            "asset_tag",
            "serial_number",
            "status",
            "condition",
            "purchase_date",
            "funding_source",
            "warranty_end",
            "os_version",
            "org_unit_path",
            "last_sync",
            "notes",
        ]

    @staticmethod
    def resolve_model_name(device) -> str:
        return str(device.model)

    @staticmethod
    def resolve_category(device) -> str:
        return device.model.category

    @staticmethod
    def resolve_checked_out_to(device) -> str | None:
        current = getattr(device, "current", None)
        return str(current[0].holder) if current else None


class StatusIn(Schema):
    status: DeviceStatus
    note: str = ""


class CheckOutIn(Schema):
    person_id: int | None = None
    room_id: int | None = None
    kind: AssignmentKind = AssignmentKind.ONE_TO_ONE
    due_at: datetime | None = None
    notes: str = ""
    override_fees: bool = Field(
        False,
        description="Check out even though the person's unpaid fees are over the district's "
        "limit (refused with 409 otherwise); the override is recorded.",
    )


class CheckInIn(Schema):
    condition: Condition = Condition.GOOD
    checklist: dict[str, bool] = {}
    status: DeviceStatus | None = None
    notes: str = ""
