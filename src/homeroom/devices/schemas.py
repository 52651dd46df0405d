from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, ModelSchema, Schema

from homeroom.core.schemas import Id, amount_of, count_of
from homeroom.devices.choices import (
    AssignmentKind,
    Condition,
    DeviceCategory,
    DeviceStatus,
    FundingSource,
)
from homeroom.devices.models import (
    AcceptableUseAcknowledgment,
    Assignment,
    CartSlot,
    Device,
    DeviceModel,
)


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
    model_id: int
    model_name: str
    category: str
    site_id: int
    home_room_id: int | None
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
            "purchase_cost",
            "order_number",
            "vendor",
            "funding_source",
            "warranty_end",
            "mac_addresses",
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
    person_id: Id | None = None
    room_id: Id | None = None
    kind: AssignmentKind = AssignmentKind.ONE_TO_ONE
    due_at: datetime | None = None
    notes: str = ""
    override_fees: bool = Field(
        False,
        description="Check out even though the person's unpaid fees are over the district's "
        "limit (refused with 409 otherwise); the override is recorded.",
    )
    confirm_second: bool = Field(
        False,
        description="Check out a second 1:1 device to a person who already holds one (refused "
        "with 409 otherwise; loaners and short-term check-outs need no confirmation); the "
        "confirmation is recorded.",
    )


class CheckInIn(Schema):
    condition: Condition = Condition.GOOD
    checklist: dict[str, bool] = {}
    status: DeviceStatus | None = None
    notes: str = ""


class DeviceFields(Schema):
    home_room_id: Id | None = None
    condition: Condition = Condition.GOOD
    purchase_date: date | None = None
    purchase_cost: amount_of(Device, "purchase_cost", least=Decimal("0")) | None = None
    order_number: str = ""
    vendor: str = ""
    funding_source: FundingSource = FundingSource.GENERAL_FUND
    warranty_end: date | None = None
    mac_addresses: str = ""
    os_version: str = ""
    org_unit_path: str = ""
    notes: str = ""


class DeviceIn(DeviceFields):
    asset_tag: str
    serial_number: str
    model_id: Id
    site_id: Id
    status: Literal["in_stock", "loaner_pool", "deployed"] = "in_stock"


class DevicePatch(DeviceFields):
    """Only the fields sent change."""

    asset_tag: str = Field(None, description="Leave out to keep it.")
    serial_number: str = Field(None, description="Leave out to keep it.")
    model_id: Id = Field(None, description="Leave out to keep it.")
    site_id: Id = Field(None, description="Leave out to keep it.")


class BulkIn(Schema):
    device_ids: list[Id]
    status: DeviceStatus | None = None
    site_id: Id | None = None
    room_number: str | None = None
    note: str = ""


class BulkOut(Schema):
    changed: int


class DeviceModelIn(Schema):
    manufacturer: str
    name: str
    category: DeviceCategory
    auto_update_through: date | None = None
    warranty_months: count_of(DeviceModel, "warranty_months", least=0) = 12


class DeviceModelOut(ModelSchema):
    manufacturer_name: str

    class Meta:
        model = DeviceModel
        fields = ["id", "name", "category", "auto_update_through", "warranty_months"]

    @staticmethod
    def resolve_manufacturer_name(model) -> str:
        return model.manufacturer.name


class SlotOut(Schema):
    number: int
    device_id: int | None
    asset_tag: str | None


class CartOut(Schema):
    id: int
    asset_tag: str
    site_id: int
    slots: list[SlotOut]
    empty_slots: int

    @staticmethod
    def resolve_slots(cart) -> list[dict]:
        return [
            {
                "number": slot.number,
                "device_id": slot.device_id,
                "asset_tag": slot.device.asset_tag if slot.device else None,
            }
            for slot in cart.slots.all()
        ]

    @staticmethod
    def resolve_empty_slots(cart) -> int:
        return sum(1 for slot in cart.slots.all() if slot.device_id is None)


class SlotIn(Schema):
    scan: str
    number: count_of(CartSlot, "number", least=1) | None = None


class AcknowledgmentOut(ModelSchema):
    person_id: int

    class Meta:
        model = AcceptableUseAcknowledgment
        fields = ["id", "policy_version", "acknowledged_at"]
