from django.db import models


class PlatformKind(models.TextChoices):
    TESTNAV = "testnav", "Pearson TestNav"
    DRC_INSIGHT = "drc_insight", "DRC INSIGHT"
    NWEA_MAP = "nwea_map", "NWEA MAP Growth"
    CAMBIUM = "cambium", "Cambium / AIR Secure Browser"
    CUSTOM = "custom", "Another platform"


class WindowPhase(models.TextChoices):
    """Where a testing window stands on a given day (computed from its dates)."""

    UPCOMING = "upcoming", "Coming up"
    OPEN = "open", "Open now"
    CLOSED = "closed", "Over"


class ReadinessState(models.TextChoices):
    READY = "ready", "Ready"
    WARNING = "warning", "Warning"
    NOT_READY = "not_ready", "Not ready"


# The requirement figures a platform holds, in the order its page and form show them. Each
# may carry a source note (where the figure comes from), kept in AssessmentPlatform.sources.
FIGURES = (
    "chromeos_min",
    "chromeos_runs_from",
    "chromeos_excluded",
    "chromeos_lts",
    "ipados_min",
    "windows_min",
    "macos_min",
    "must_be_managed",
    "kiosk_app_id",
    "cache_name",
    "cache_host",
    "cache_port",
    "testing_org_unit",
)


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Not started"
    TESTING = "testing", "Testing"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


T = SessionStatus
# A session starts, may pause back to not started (a late start), ends; a done session may
# reopen for a student finishing. A cancelled one stays cancelled: a make-up is scheduled.
SESSION_TRANSITIONS: dict[str, set[str]] = {
    T.SCHEDULED: {T.TESTING, T.CANCELLED},
    T.TESTING: {T.DONE, T.SCHEDULED},
    T.DONE: {T.TESTING},
    T.CANCELLED: set(),
}


class SessionKind(models.TextChoices):
    REGULAR = "regular", "Regular"
    MAKE_UP = "make_up", "Make-up"


class Accommodation(models.TextChoices):
    SMALL_GROUP = "small_group", "Small group"
    EXTENDED_TIME = "extended_time", "Extended time"
    READ_ALOUD = "read_aloud", "Read aloud"


class IncidentKind(models.TextChoices):
    DEVICE_FROZE = "device_froze", "Device froze"
    APP_CRASH = "app_crash", "Testing app crashed"
    NETWORK = "network", "Network outage"
    POWER = "power", "Power"
    LOGIN = "login", "Login or test ticket problem"
    DISRUPTION = "disruption", "Disruption"
    SECURITY = "security", "Security breach"
    OTHER = "other", "Other"


class CheckItem(models.TextChoices):
    """The pre-test checklist of a session."""

    CHARGED = "charged", "Devices charged"
    KIOSK_APP = "kiosk_app", "Kiosk app up to date"
    CACHE = "cache", "Caching server reachable"
    SEATING = "seating", "Seating chart printed"
    SPARES = "spares", "Spares in the room"
