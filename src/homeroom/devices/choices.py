from django.db import models


class DeviceCategory(models.TextChoices):
    CHROMEBOOK = "chromebook", "Chromebook"
    WINDOWS_LAPTOP = "windows_laptop", "Windows laptop"
    MAC = "mac", "Mac"
    TABLET = "tablet", "iPad / tablet"
    INTERACTIVE_DISPLAY = "interactive_display", "Interactive display"
    PROJECTOR = "projector", "Projector"
    DOCUMENT_CAMERA = "document_camera", "Document camera"
    HOTSPOT = "hotspot", "Hotspot"
    ACCESSORY = "accessory", "Charger / accessory"
    CART = "cart", "Cart"


class DeviceStatus(models.TextChoices):
    IN_STOCK = "in_stock", "In stock"
    DEPLOYED = "deployed", "Deployed"
    IN_REPAIR = "in_repair", "In repair"
    LOANER_POOL = "loaner_pool", "Loaner pool"
    LOST = "lost", "Lost"
    STOLEN = "stolen", "Stolen"
    RETIRED = "retired", "Retired"
    DISPOSED = "disposed", "Disposed"


S = DeviceStatus
# Which statuses may follow which. Disposed is the end: the record stays for the audit trail.
DEVICE_TRANSITIONS: dict[str, set[str]] = {
    S.IN_STOCK: {S.DEPLOYED, S.IN_REPAIR, S.LOANER_POOL, S.LOST, S.STOLEN, S.RETIRED},
    S.DEPLOYED: {S.IN_STOCK, S.IN_REPAIR, S.LOANER_POOL, S.LOST, S.STOLEN, S.RETIRED},
    S.IN_REPAIR: {S.IN_STOCK, S.DEPLOYED, S.LOANER_POOL, S.RETIRED},
    S.LOANER_POOL: {S.IN_STOCK, S.DEPLOYED, S.IN_REPAIR, S.LOST, S.STOLEN, S.RETIRED},
    S.LOST: {S.IN_STOCK, S.IN_REPAIR, S.RETIRED},
    S.STOLEN: {S.IN_STOCK, S.IN_REPAIR, S.RETIRED},
    S.RETIRED: {S.IN_STOCK, S.DISPOSED},
    S.DISPOSED: set(),
}
# Statuses in which a device can be checked out.
CHECK_OUT_STATUSES = {S.IN_STOCK, S.DEPLOYED, S.LOANER_POOL}
# The statuses a checked-out device may take without being checked in first.
STAYS_OUT = {S.DEPLOYED, S.LOST, S.STOLEN}


class Condition(models.TextChoices):
    NEW = "new", "New"
    GOOD = "good", "Good"
    FAIR = "fair", "Fair"
    DAMAGED = "damaged", "Damaged"
    BROKEN = "broken", "Broken"


class FundingSource(models.TextChoices):
    GENERAL_FUND = "general_fund", "General fund"
    E_RATE = "e_rate", "E-Rate"
    TITLE_IV_A = "title_iv_a", "Title IV-A"
    TITLE_I = "title_i", "Title I"
    ESSER = "esser", "ESSER"
    GRANT = "grant", "Other grant"
    DONATION = "donation", "Donation"


class AssignmentKind(models.TextChoices):
    ONE_TO_ONE = "one_to_one", "1:1"
    LOANER = "loaner", "Loaner"
    SHORT_TERM = "short_term", "Short-term"


class DeviceImportKind(models.TextChoices):
    GOOGLE = "google-devices", "Google Admin device list"
    SNIPEIT = "snipeit-assets", "Snipe-IT asset export"
    CSV = "csv", "Other CSV file"


class DeviceImportStatus(models.TextChoices):
    MAPPING = "mapping", "Needs its columns matched"
    QUEUED = "queued", "Waiting to start"
    CHECKING = "checking", "Checking"
    CHECKED = "checked", "Checked, ready to apply"
    REJECTED = "rejected", "Has errors, nothing changed"
    APPLYING = "applying", "Applying"
    APPLIED = "applied", "Applied"
    FAILED = "failed", "Failed, nothing changed"


DI = DeviceImportStatus
# Which device import statuses may follow which. A checked, rejected or failed import may be
# checked again (after a site is added, with other columns matched, or after its worker
# died); an applied one is finished.
DEVICE_IMPORT_TRANSITIONS: dict[str, set[str]] = {
    DI.MAPPING: {DI.QUEUED},
    DI.QUEUED: {DI.CHECKING, DI.FAILED},
    DI.CHECKING: {DI.CHECKED, DI.REJECTED, DI.FAILED},
    DI.CHECKED: {DI.APPLYING, DI.QUEUED},
    DI.REJECTED: {DI.QUEUED},
    DI.APPLYING: {DI.APPLIED, DI.REJECTED, DI.FAILED},
    DI.APPLIED: set(),
    DI.FAILED: {DI.QUEUED},
}
DEVICE_IMPORT_RUNNING = {DI.QUEUED, DI.CHECKING, DI.APPLYING}


class MappedValue(models.TextChoices):
    """What a saved import mapping matches in a Google Admin or Snipe-IT file."""

    ORG_UNIT = "org_unit", "Org unit"
    LOCATION = "location", "Location"
    CATEGORY = "category", "Category"


# Which values each kind of file may have mapped: a place to a site, a category to a kind.
MAPPABLE_VALUES = {
    DeviceImportKind.GOOGLE: (MappedValue.ORG_UNIT, MappedValue.LOCATION),
    DeviceImportKind.SNIPEIT: (MappedValue.LOCATION, MappedValue.CATEGORY),
}
