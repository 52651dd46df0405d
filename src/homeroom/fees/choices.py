from django.db import models


class FeeCategory(models.TextChoices):
    DEVICE_DAMAGE = "device_damage", "Device damage"
    DEVICE_LOSS = "device_loss", "Lost device"
    ACCESSORY = "accessory", "Charger / accessory"
    LIBRARY = "library", "Library"
    OTHER = "other", "Other"


class ChargeStatus(models.TextChoices):
    OPEN = "open", "Unpaid"
    PARTLY_PAID = "partly_paid", "Partly paid"
    PAID = "paid", "Paid"
    WAIVED = "waived", "Waived"


S = ChargeStatus
# A charge's status follows its money: payments and waivers move it, never a hand edit.
# Paid and waived are the end; the record stays for the statement and the audit trail.
CHARGE_TRANSITIONS: dict[str, set[str]] = {
    S.OPEN: {S.PARTLY_PAID, S.PAID, S.WAIVED},
    S.PARTLY_PAID: {S.PARTLY_PAID, S.PAID, S.WAIVED},
    S.PAID: set(),
    S.WAIVED: set(),
}
UNPAID_STATUSES = {S.OPEN, S.PARTLY_PAID}


class PaymentMethod(models.TextChoices):
    CASH = "cash", "Cash"
    CHECK = "check", "Check"
    ONLINE = "online", "Online payment receipt"
    OTHER = "other", "Other"
