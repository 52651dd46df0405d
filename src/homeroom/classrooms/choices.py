from django.db import models


class ResourceKind(models.TextChoices):
    CART = "cart", "Device cart"
    LAB = "lab", "Computer lab"
    ROOM = "room", "Room"
    EQUIPMENT = "equipment", "Loanable equipment"


class ReservationStatus(models.TextChoices):
    PENDING = "pending", "Waiting for approval"
    CONFIRMED = "confirmed", "Booked"
    PICKED_UP = "picked_up", "Picked up"
    RETURNED = "returned", "Returned"
    CANCELLED = "cancelled", "Cancelled"
    DECLINED = "declined", "Declined"


R = ReservationStatus
# A booking that needs approval waits for it; a booked cart is picked up and returned. A
# cancelled, declined or returned booking is over.
RESERVATION_TRANSITIONS: dict[str, set[str]] = {
    R.PENDING: {R.CONFIRMED, R.DECLINED, R.CANCELLED},
    R.CONFIRMED: {R.PICKED_UP, R.CANCELLED},
    R.PICKED_UP: {R.RETURNED},
    R.RETURNED: set(),
    R.CANCELLED: set(),
    R.DECLINED: set(),
}
# The statuses that hold the resource: another booking may not overlap them (PostgreSQL's
# exclusion constraint, classrooms migration 0002, names the same three).
HOLDING = (R.PENDING, R.CONFIRMED, R.PICKED_UP)


class PlanTarget(models.TextChoices):
    MODEL = "model", "A device model"
    CATEGORY = "category", "A kind of device"
    ROOM_KIND = "room_kind", "The devices in a kind of room"
    DEVICES = "devices", "Named devices"


class IntervalUnit(models.TextChoices):
    DAYS = "days", "days"
    WEEKS = "weeks", "weeks"
    MONTHS = "months", "months"


class TaskStatus(models.TextChoices):
    OPEN = "open", "To do"
    DONE = "done", "Done"
    SKIPPED = "skipped", "Skipped"


T = TaskStatus
TASK_TRANSITIONS: dict[str, set[str]] = {
    T.OPEN: {T.DONE, T.SKIPPED},
    T.DONE: set(),
    T.SKIPPED: set(),
}


class ItemResult(models.TextChoices):
    PASS = "pass", "Done / OK"
    FAIL = "fail", "Failed"
    NOT_APPLICABLE = "na", "Does not apply"


class Mount(models.TextChoices):
    WALL = "wall", "Wall"
    CEILING = "ceiling", "Ceiling"
    CART = "cart", "Mobile stand"
    DESK = "desk", "Desk or table"
    OTHER = "other", "Other"


class InspectionState(models.TextChoices):
    """What an inspection found of one device. Every expected device starts missing until
    it is scanned."""

    PRESENT = "present", "Present"
    MISSING = "missing", "Missing"
    DAMAGED = "damaged", "Damaged"
    NOT_CHARGING = "not_charging", "Not charging"
