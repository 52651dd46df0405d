from django.db import models


class MaterialType(models.TextChoices):
    """What a title is, read from the record's leader (positions 6 and 7) and 008."""

    BOOK = "book", "Book"
    EBOOK = "ebook", "E-book"
    LARGE_PRINT = "large_print", "Large print"
    SERIAL = "serial", "Magazine or serial"
    AUDIOBOOK = "audiobook", "Audiobook"
    MUSIC = "music", "Music recording"
    SCORE = "score", "Music score"
    VIDEO = "video", "Video"
    MAP = "map", "Map"
    PICTURE = "picture", "Picture or poster"
    SOFTWARE = "software", "Software or e-resource"
    KIT = "kit", "Kit"
    OBJECT = "object", "Object"
    MIXED = "mixed", "Mixed materials"


class TitleStatus(models.TextChoices):
    ACTIVE = "active", "In the catalog"
    WITHDRAWN = "withdrawn", "Withdrawn"


class CirculationType(models.TextChoices):
    BOOK = "book", "Book"
    REFERENCE = "reference", "Reference (not for loan)"
    MAGAZINE = "magazine", "Magazine"
    AUDIOBOOK = "audiobook", "Audiobook"
    MEDIA = "media", "Video or music"
    EQUIPMENT = "equipment", "Equipment"
    TEXTBOOK = "textbook", "Textbook"
    KIT = "kit", "Kit"


class CopyStatus(models.TextChoices):
    AVAILABLE = "available", "Available"
    CHECKED_OUT = "checked_out", "Checked out"
    ON_HOLD_SHELF = "on_hold_shelf", "On the hold shelf"
    IN_TRANSIT = "in_transit", "In transit"
    MISSING = "missing", "Missing"
    LOST = "lost", "Lost"
    DAMAGED = "damaged", "Damaged"
    IN_REPAIR = "in_repair", "In repair"
    WITHDRAWN = "withdrawn", "Withdrawn"


S = CopyStatus
# Which statuses may follow which. Checked out, on the hold shelf and in transit are the
# circulation desk's to set; a withdrawn copy may only come back to the shelf.
COPY_TRANSITIONS: dict[str, set[str]] = {
    S.AVAILABLE: {
        S.CHECKED_OUT,
        S.ON_HOLD_SHELF,
        S.IN_TRANSIT,
        S.MISSING,
        S.LOST,
        S.DAMAGED,
        S.IN_REPAIR,
        S.WITHDRAWN,
    },
    S.CHECKED_OUT: {S.AVAILABLE, S.ON_HOLD_SHELF, S.IN_TRANSIT, S.LOST, S.DAMAGED, S.MISSING},
    S.ON_HOLD_SHELF: {S.AVAILABLE, S.CHECKED_OUT, S.IN_TRANSIT, S.MISSING},
    S.IN_TRANSIT: {S.AVAILABLE, S.ON_HOLD_SHELF, S.MISSING, S.LOST},
    S.MISSING: {S.AVAILABLE, S.LOST, S.WITHDRAWN},
    S.LOST: {S.AVAILABLE, S.WITHDRAWN},
    S.DAMAGED: {S.AVAILABLE, S.IN_REPAIR, S.WITHDRAWN},
    S.IN_REPAIR: {S.AVAILABLE, S.DAMAGED, S.WITHDRAWN},
    S.WITHDRAWN: {S.AVAILABLE},
}
# What a librarian may set by hand or in bulk; the rest belong to circulation.
HAND_STATUSES = [S.AVAILABLE, S.MISSING, S.LOST, S.DAMAGED, S.IN_REPAIR, S.WITHDRAWN]


class HoldingsPreset(models.TextChoices):
    """Where a MARC file keeps its copies, as the library systems that write them do."""

    AUTO = "auto", "Work it out from the file"
    DESTINY = "destiny", "852, as Follett Destiny writes it"
    KOHA = "koha", "952, as Koha writes it"
    EVERGREEN = "evergreen", "949, as Evergreen writes it"
    OTHER = "other", "Another field (choose it next)"
    NONE = "none", "No copies: import the titles only"


class WithoutBarcode(models.TextChoices):
    TITLE_ONLY = "title_only", "Leave them out: the title comes in without that copy"
    NEW_BARCODE = "new_barcode", "Give each one a new barcode from the library's range"


class LoanUnit(models.TextChoices):
    OPEN_DAYS = "open_days", "School days"
    DAYS = "days", "Calendar days"
    HOURS = "hours", "Hours the school is open"


class LoanStatus(models.TextChoices):
    OUT = "out", "Checked out"
    CLAIMED_RETURNED = "claimed_returned", "Claimed returned"
    LOST = "lost", "Lost"
    RETURNED = "returned", "Returned"


L = LoanStatus
# A loan ends when its copy comes back, whatever it was before: a lost book found, a claim
# of return confirmed. Returned is the end.
LOAN_TRANSITIONS: dict[str, set[str]] = {
    L.OUT: {L.RETURNED, L.LOST, L.CLAIMED_RETURNED},
    L.CLAIMED_RETURNED: {L.RETURNED, L.LOST},
    L.LOST: {L.RETURNED},
    L.RETURNED: set(),
}
OPEN_LOAN_STATUSES = [L.OUT, L.CLAIMED_RETURNED, L.LOST]


class HoldStatus(models.TextChoices):
    WAITING = "waiting", "Waiting for a copy"
    READY = "ready", "Ready on the hold shelf"
    FULFILLED = "fulfilled", "Checked out"
    EXPIRED = "expired", "Not collected in time"
    CANCELLED = "cancelled", "Cancelled"


H = HoldStatus
HOLD_TRANSITIONS: dict[str, set[str]] = {
    H.WAITING: {H.READY, H.FULFILLED, H.CANCELLED},
    H.READY: {H.FULFILLED, H.EXPIRED, H.CANCELLED, H.WAITING},
    H.FULFILLED: set(),
    H.EXPIRED: set(),
    H.CANCELLED: set(),
}
ACTIVE_HOLD_STATUSES = [H.WAITING, H.READY]


class StocktakeStatus(models.TextChoices):
    OPEN = "open", "In progress"
    CLOSED = "closed", "Closed"


STOCKTAKE_TRANSITIONS: dict[str, set[str]] = {
    StocktakeStatus.OPEN: {StocktakeStatus.CLOSED},
    StocktakeStatus.CLOSED: set(),
}
# Copies not on the shelf by the library's own record when a stocktake starts: they are
# left out of the copies it expects to find.
OFF_SHELF_STATUSES = [
    CopyStatus.CHECKED_OUT,
    CopyStatus.LOST,
    CopyStatus.WITHDRAWN,
    CopyStatus.ON_HOLD_SHELF,
    CopyStatus.IN_TRANSIT,
]


class ScanOutcome(models.TextChoices):
    FOUND = "found", "Found"
    CHECKED_IN = "checked_in", "Found checked out: checked in"
    NOT_EXPECTED = "not_expected", "Not on this stocktake's list"
    OTHER_LIBRARY = "other_library", "Belongs to another library"
    UNKNOWN = "unknown", "Unknown barcode"


# What the report lists as misplaced: on these shelves but not of them.
MISPLACED_OUTCOMES = [ScanOutcome.NOT_EXPECTED, ScanOutcome.OTHER_LIBRARY]
