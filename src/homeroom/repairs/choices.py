from django.db import models


class RepairKind(models.TextChoices):
    IN_HOUSE = "in_house", "In-house"
    VENDOR_DEPOT = "vendor_depot", "Vendor depot"


class Coverage(models.TextChoices):
    WARRANTY = "warranty", "Warranty"
    PAID = "paid", "Paid"


class RepairStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    AWAITING_PARTS = "awaiting_parts", "Awaiting parts"
    SHIPPED = "shipped", "Shipped to vendor"
    RETURNED = "returned", "Returned from vendor"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


S = RepairStatus
# Which statuses may follow which. Completed and cancelled are the end of a repair.
REPAIR_TRANSITIONS: dict[str, set[str]] = {
    S.OPEN: {S.IN_PROGRESS, S.AWAITING_PARTS, S.SHIPPED, S.COMPLETED, S.CANCELLED},
    S.IN_PROGRESS: {S.AWAITING_PARTS, S.SHIPPED, S.COMPLETED, S.CANCELLED},
    S.AWAITING_PARTS: {S.IN_PROGRESS, S.COMPLETED, S.CANCELLED},
    S.SHIPPED: {S.RETURNED},
    S.RETURNED: {S.IN_PROGRESS, S.SHIPPED, S.COMPLETED},
    S.COMPLETED: set(),
    S.CANCELLED: set(),
}
CLOSED_STATUSES = {S.COMPLETED, S.CANCELLED}
OPEN_STATUSES = [status for status in RepairStatus.values if status not in CLOSED_STATUSES]


class Outcome(models.TextChoices):
    REPAIRED = "repaired", "Repaired"
    REPLACED = "replaced", "Replaced by the vendor"
    BEYOND_REPAIR = "beyond_repair", "Beyond repair"


class PartKind(models.TextChoices):
    SCREEN = "screen", "Screen"
    KEYBOARD = "keyboard", "Keyboard"
    CHARGER = "charger", "Charger"
    BATTERY = "battery", "Battery"
    TOUCHPAD = "touchpad", "Touchpad"
    HINGE = "hinge", "Hinge"
    BOTTOM_COVER = "bottom_cover", "Bottom cover"
    MOTHERBOARD = "motherboard", "Motherboard"
    CAMERA = "camera", "Camera"
    OTHER = "other", "Other"


class MovementKind(models.TextChoices):
    RECEIVED = "received", "Received"
    USED = "used", "Used on a repair"
    ADJUSTED = "adjusted", "Adjusted"


class ChecklistStep(models.TextChoices):
    """Steps before a device goes to a vendor's depot. `REQUIRED_TO_SHIP` must be done
    first; the rest are reminders."""

    DEPROVISIONED = "deprovisioned", "Removed from management (Chromebook deprovisioned)"
    ACCESSORIES_KEPT = "accessories_kept", "Charger, case and stickers kept at school"
    DAMAGE_PHOTOGRAPHED = "damage_photographed", "Damage photographed"


REQUIRED_TO_SHIP = {ChecklistStep.DEPROVISIONED}
