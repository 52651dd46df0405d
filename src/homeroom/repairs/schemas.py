import datetime
from decimal import Decimal

from ninja import Field, ModelSchema, Schema

from homeroom.core.schemas import Id, amount_of, count_of
from homeroom.repairs.choices import Coverage, Outcome, RepairKind, RepairStatus
from homeroom.repairs.models import Part, RepairOrder, RepairPart, StockMovement, Vendor


class VendorOut(ModelSchema):
    class Meta:
        model = Vendor
        fields = [
            "id",
            "name",
            "contact_name",
            "phone",
            "email",
            "depot_address",
            "warranty_portal_url",
            "is_active",
        ]


class PartOut(ModelSchema):
    site_id: int
    is_low: bool
    compatible_model_ids: list[int]

    class Meta:
        model = Part
        fields = [
            "id",
            "name",
            "kind",
            "part_number",
            "unit_cost",
            "quantity_on_hand",
            "reorder_point",
            "is_active",
        ]

    @staticmethod
    def resolve_compatible_model_ids(part) -> list[int]:
        return [model.pk for model in part.compatible_models.all()]


class MovementOut(ModelSchema):
    repair_id: int | None

    class Meta:
        model = StockMovement
        fields = ["id", "kind", "quantity", "quantity_after", "unit_cost", "reason", "at"]


class PartDetailOut(PartOut):
    movements: list[MovementOut]

    @staticmethod
    def resolve_movements(part) -> list:
        return list(part.movements.order_by("-at", "-pk")[:50])


class RepairPartOut(ModelSchema):
    part_id: int
    part_name: str

    class Meta:
        model = RepairPart
        fields = ["id", "quantity", "unit_cost", "used_at"]

    @staticmethod
    def resolve_part_name(used) -> str:
        return used.part.name


class ChecklistItemOut(Schema):
    step: str
    label: str
    required: bool
    done_at: datetime.datetime | None


class RepairOut(ModelSchema):
    number: str
    device_id: int
    asset_tag: str
    device_model_id: int
    site_id: int
    ticket_id: int | None
    person_id: int | None
    vendor_id: int | None

    class Meta:
        model = RepairOrder
        fields = [
            "id",
            "status",
            "kind",
            "coverage",
            "problem",
            "rma_number",
            "expected_back",
            "shipped_on",
            "returned_on",
            "labor_minutes",
            "labor_rate",
            "vendor_cost",
            "parts_cost",
            "labor_cost",
            "total_cost",
            "outcome",
            "opened_at",
            "completed_at",
        ]

    @staticmethod
    def resolve_asset_tag(repair) -> str:
        return repair.device.asset_tag

    @staticmethod
    def resolve_device_model_id(repair) -> int:
        return repair.device.model_id


class RepairDetailOut(RepairOut):
    checklist: list[ChecklistItemOut]
    parts_used: list[RepairPartOut]
    loaner_device_ids: list[int]

    @staticmethod
    def resolve_checklist(repair) -> list[dict]:
        return [
            {
                "step": item.step,
                "label": item.get_step_display(),
                "required": item.required,
                "done_at": item.done_at,
            }
            for item in repair.checklist.all()
        ]

    @staticmethod
    def resolve_parts_used(repair) -> list:
        return list(repair.parts_used.select_related("part"))

    @staticmethod
    def resolve_loaner_device_ids(repair) -> list[int]:
        loaners = repair.loaners.select_related("assignment")
        return [loaner.assignment.device_id for loaner in loaners]


class RepairIn(Schema):
    device_id: Id
    problem: str
    ticket_id: Id | None = None
    person_id: Id | None = None
    kind: RepairKind = RepairKind.IN_HOUSE
    coverage: Coverage | None = None
    vendor_id: Id | None = None
    expected_back: datetime.date | None = None
    notes: str = ""


class RepairStatusIn(Schema):
    status: RepairStatus
    outcome: Outcome | None = None
    on: datetime.date | None = None
    note: str = ""


class ChecklistIn(Schema):
    step: str
    done: bool = True


class UsePartIn(Schema):
    part_id: Id
    quantity: count_of(RepairPart, "quantity", least=1) = 1


class LoanerIn(Schema):
    person_id: Id | None = None
    device_id: Id | None = None


class LoanerOut(Schema):
    id: int
    device_id: int
    asset_tag: str
    person_id: int
    due_at: datetime.datetime | None
    repair_id: int | None


class ReceiveIn(Schema):
    quantity: count_of(Part, "quantity_on_hand", least=1)
    unit_cost: amount_of(Part, "unit_cost", least=Decimal("0")) | None = None
    note: str = Field("", max_length=300)


class AdjustIn(Schema):
    quantity_on_hand: count_of(Part, "quantity_on_hand", least=0)
    reason: str = Field(max_length=300)
